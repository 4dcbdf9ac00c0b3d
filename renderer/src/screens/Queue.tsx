/** Manager: the pending sales and the advice queue, with age, attempts and last error; retry now, or cancel a pending sale into a reversal. */
import { useEffect, useState } from 'react';
import type { ApiError, QueueItem } from '../../../electron/api/contract';
import { call } from '../api';
import { ageText, rand } from '../format';
import { Err } from './ErrorLine';
import { When } from './When';

export function Queue() {
  const [items, setItems] = useState<QueueItem[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await call('listQueue', {});
    setErr(r.ok ? null : r.error);
    if (r.ok) setItems(r.value);
  };
  useEffect(() => void load(), []);
  const act = async (p: Promise<{ ok: boolean; error?: ApiError }>) => {
    const r = await p;
    setErr(r.ok ? null : r.error ?? null);
    await load();
  };
  return (
    <section aria-labelledby="q-h">
      <h1 id="q-h">Pending and advice queue</h1>
      <button className="btn" onClick={() => void load()}>Refresh</button>
      <Err e={err} />
      {items.length === 0 && <p>Nothing waiting.</p>}
      <table>
        <thead><tr><th>Kind</th><th>Meter</th><th>Amount</th><th>Age</th><th>Attempts</th><th>Last error</th><th>Next attempt</th><th>Status</th><th><span className="sr">Actions</span></th></tr></thead>
        <tbody>
          {items.map((q) => (
            <tr key={q.id} data-testid="queue-row">
              <td>{q.kind}</td><td>{q.meterId}</td><td>{rand(q.amountCents)}</td><td>{ageText(q.ageMs)}</td><td>{q.attempts}</td><td>{q.lastError ?? '—'}</td><td>{q.nextAttemptAt ? <When iso={q.nextAttemptAt} /> : '—'}</td><td>{q.status}</td>
              <td>
                <button className="btn" onClick={() => void act(q.kind === 'purchase' ? call('retryNow', { saleId: q.saleId }) : call('retryQueueItem', { id: q.id }))}>Retry now</button>
                {q.kind === 'purchase' && <button className="btn danger" onClick={() => void act(call('cancelPending', { saleId: q.saleId }))}>Cancel (reversal)</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
