/**
 * Manager: the pending sales and the advice queue, with age, attempts and last error in words; retry
 * now, or cancel a pending sale into a reversal after a confirmation that says what to refund and
 * what the customer hands back (the safe "No" has the focus). Each item shows the short reference
 * its pending slip prints; the list refreshes by itself. After a cancel it says where the refund is
 * paid from, as the till recorded it: this drawer, or the safe when no drawer session was open.
 */
import { useState } from 'react';
import type { ApiError, QueueItem } from '../../../electron/api/contract';
import { call } from '../api';
import { ageText, rand } from '../format';
import { useEvery } from '../poll';
import { problemWords, refundWords, shortRef } from '../words';
import { Err } from './ErrorLine';
import { When } from './When';

const KIND_WORDS = { purchase: 'Pending sale', confirmation: 'Confirmation to the switch', reversal: 'Reversal to the switch' } as const;
const STATUS_WORDS = { queued: 'waiting', delivered: 'delivered', failed: 'failed' } as const;

/** "in 4 min" (exact time on hover), "due now" for one already due, "—" for none. */
function nextAttempt(q: QueueItem) {
  if (!q.nextAttemptAt) return '—';
  return Date.parse(q.nextAttemptAt) <= Date.now() ? 'due now' : <When iso={q.nextAttemptAt} />;
}

export function Queue() {
  const [items, setItems] = useState<QueueItem[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState<QueueItem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = async () => {
    const r = await call('listQueue', {});
    setErr(r.ok ? null : r.error);
    if (r.ok) setItems(r.value);
  };
  useEvery(3000, load);
  const act = async (p: Promise<{ ok: boolean; error?: ApiError }>) => {
    const r = await p;
    setErr(r.ok ? null : r.error ?? null);
    await load();
  };
  return (
    <section aria-labelledby="q-h">
      <h1 id="q-h">Pending and advice queue</h1>
      <p className="hint">Refreshed every 3 s.</p>
      <Err e={err} />
      {done && <p role="status" className="state success" data-testid="cancel-done">{done}</p>}
      {confirming && (
        <div role="alertdialog" aria-modal="false" aria-labelledby="cancel-h" aria-describedby="cancel-what" className="state pending confirm" data-testid="cancel-confirm">
          <h2 id="cancel-h">Cancel the pending sale for meter {confirming.meterId}?</h2>
          <div id="cancel-what">
            <p>Refund the customer <strong>{rand(confirming.amountCents)}</strong> from the till.</p>
            <p>The customer hands back the pending slip with reference <strong>{shortRef(confirming.saleId)}</strong>. The till sends a reversal to the switch; the refund shows in end of day.</p>
          </div>
          <button className="btn" autoFocus onClick={() => setConfirming(null)}>No, keep it pending</button>
          <button
            className="btn danger"
            onClick={() => {
              const q = confirming;
              setConfirming(null);
              void call('cancelPending', { saleId: q.saleId }).then(async (r) => {
                setErr(r.ok ? null : r.error);
                if (r.ok) setDone(`Cancelled the sale for meter ${q.meterId}. ${refundWords(r.value)}`);
                await load();
              });
            }}
          >
            Yes — cancel and refund {rand(confirming.amountCents)}
          </button>
        </div>
      )}
      {items.length === 0 && <p>Nothing waiting.</p>}
      <table>
        <thead><tr><th>Kind</th><th>Reference</th><th>Meter</th><th>Amount</th><th>Age</th><th>Attempts</th><th>Last error</th><th>Next attempt</th><th>Status</th><th><span className="sr">Actions</span></th></tr></thead>
        <tbody>
          {items.map((q) => (
            <tr key={q.id} data-testid="queue-row">
              <td>{KIND_WORDS[q.kind]}</td><td className="ref-cell" data-testid="queue-ref" title={q.saleId}>{shortRef(q.saleId)}</td><td>{q.meterId}</td><td>{rand(q.amountCents)}</td><td>{ageText(q.ageMs)}</td><td>{q.attempts}</td><td>{q.lastError ? problemWords(q.lastError) : '—'}</td><td>{nextAttempt(q)}</td><td>{STATUS_WORDS[q.status]}</td>
              <td>
                <button className="btn" onClick={() => void act(q.kind === 'purchase' ? call('retryNow', { saleId: q.saleId }) : call('retryQueueItem', { id: q.id }))}>Retry now</button>
                {q.kind === 'purchase' && <button className="btn danger" onClick={() => { setDone(null); setConfirming(q); }}>Cancel (reversal)</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
