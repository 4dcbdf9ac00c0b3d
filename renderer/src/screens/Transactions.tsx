/**
 * Manager: the day's transactions with filters (time, state, tender, cashier) and search by any
 * reference; a sale's detail with the till ↔ switch message traces kept by the till, and the
 * switch's own record with its switch ↔ provider traces fetched from the switch's admin API. The list
 * refreshes by itself with the filters last searched.
 */
import { useState } from 'react';
import type { ApiError, SaleSummary, SwitchRecord, TransactionDetail } from '../../../electron/api/contract';
import { call } from '../api';
import { ago, rand, tillToday } from '../format';
import { useEvery } from '../poll';
import { duration, saleStateWords, TENDER_WORDS } from '../words';
import { Err } from './ErrorLine';
import { When } from './When';

type Filter = { q: string; from: string; to: string; state: string; tender: string; operatorId: string };
const STATES = ['succeeded', 'failed', 'pending', 'retrying', 'purchasing', 'cancelled'] as const;
const TENDERS = ['CASH', 'DEBIT_CARD', 'CREDIT_CARD'] as const;

function Detail({ d }: { d: TransactionDetail }) {
  const [switchRecord, setSwitchRecord] = useState<SwitchRecord | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const loadSwitch = async () => {
    const list = await call('switchTransactions', { q: d.sale.saleId, limit: 5 });
    const first = list.ok ? list.value.transactions[0] : undefined;
    if (!list.ok) return setErr(list.error);
    if (!first?.id) return setErr({ code: 'NOT_FOUND', message: 'The switch has no record of this sale (it never reached the switch).' });
    const r = await call('switchTransaction', { id: first.id });
    setErr(r.ok ? null : r.error);
    if (r.ok) setSwitchRecord(r.value);
  };
  const s = d.sale;
  return (
    <article className="card" aria-label="Transaction detail with message traces" data-testid="tx-detail">
      <h2>Sale {s.saleId}</h2>
      <p>
        <strong data-testid="tx-state">{saleStateWords(s.state, s.late)}</strong> · {rand(s.amountCents)} · meter {s.meterId} · {TENDER_WORDS[s.tender.type]}{s.tender.maskedCard ? ` ${s.tender.maskedCard}` : ''} · by {s.operatorId} · {s.attempts} {s.attempts === 1 ? 'attempt' : 'attempts'}
        {s.failure && ` · ${s.failure.message}`}
      </p>
      {s.tokens.length > 0 && <p>Tokens: {s.tokens.map((t) => t.grouped).join(' · ')}</p>}
      <p>Advices: {d.advices.map((a) => `${a.kind} ${a.status} (${a.attempts} attempts)`).join('; ') || 'none'} · Reprints: {d.reprints.map((r) => `${r.source} by ${r.operatorId} ${ago(r.at)}`).join('; ') || 'none'}</p>
      <h3>Till ↔ switch messages</h3>
      <table>
        <thead><tr><th>Time</th><th>Operation</th><th>HTTP</th><th>Outcome</th><th>Took</th><th>Messages</th></tr></thead>
        <tbody>
          {d.traces.map((t, i) => (
            <tr key={i} data-testid="trace-row">
              <td><When iso={t.at} /></td><td>{t.operation}</td><td>{t.status ?? 'no answer'}</td><td>{t.outcome === 'unreadable' ? 'answer could not be read' : t.outcome}</td><td>{duration(t.ms)}</td>
              <td>
                <details><summary>Request and response</summary><pre tabIndex={0} className="trace">{JSON.stringify({ request: t.requestBody, response: t.responseBody }, null, 2)}</pre></details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button className="btn" onClick={() => void loadSwitch()}>Switch ↔ provider traces</button>
      <Err e={err} />
      {switchRecord && (
        <details open>
          <summary>The switch's record of this sale</summary>
          <pre tabIndex={0} className="trace" aria-label="The switch's record of this sale">{JSON.stringify(switchRecord, null, 2)}</pre>
        </details>
      )}
    </article>
  );
}

export function Transactions() {
  const [f, setF] = useState<Filter>({ q: '', from: tillToday(), to: '', state: '', tender: '', operatorId: '' });
  /** The filters of the last search: what the list shows and keeps refreshing (not half-typed ones). */
  const [applied, setApplied] = useState<Filter>(f);
  const [rows, setRows] = useState<SaleSummary[]>([]);
  const [detail, setDetail] = useState<TransactionDetail | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const a = applied;
    const r = await call('listTransactions', {
      ...(a.q && { q: a.q }),
      ...(a.from && { from: a.from }),
      ...(a.to && { to: a.to }),
      ...(a.state && { state: a.state as (typeof STATES)[number] }),
      ...(a.tender && { tender: a.tender as (typeof TENDERS)[number] }),
      ...(a.operatorId && { operatorId: a.operatorId }),
    });
    setErr(r.ok ? null : r.error);
    if (r.ok) setRows(r.value);
  };
  useEvery(5000, load, applied);
  const open = async (saleId: string) => {
    const r = await call('getTransaction', { saleId });
    setErr(r.ok ? null : r.error);
    if (r.ok) setDetail(r.value);
  };
  const set = (key: keyof Filter) => (e: { target: { value: string } }) => setF({ ...f, [key]: e.target.value });
  return (
    <section aria-labelledby="t-h">
      <h1 id="t-h">Transactions</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); setApplied({ ...f }); }}>
        <div className="field"><label htmlFor="t-q">Search any reference</label><input id="t-q" value={f.q} onChange={set('q')} placeholder="sale id, meter, token, receipt" /></div>
        <div className="field"><label htmlFor="t-from">From</label><input id="t-from" type="date" value={f.from} onChange={set('from')} /></div>
        <div className="field"><label htmlFor="t-to">To</label><input id="t-to" type="date" value={f.to} onChange={set('to')} /></div>
        <div className="field">
          <label htmlFor="t-state">State</label>
          <select id="t-state" value={f.state} onChange={set('state')}><option value="">Any</option>{STATES.map((s) => <option key={s} value={s}>{saleStateWords(s, false)}</option>)}</select>
        </div>
        <div className="field">
          <label htmlFor="t-tender">Tender</label>
          <select id="t-tender" value={f.tender} onChange={set('tender')}><option value="">Any</option>{TENDERS.map((t) => <option key={t} value={t}>{TENDER_WORDS[t]}</option>)}</select>
        </div>
        <div className="field"><label htmlFor="t-op">Cashier</label><input id="t-op" value={f.operatorId} onChange={set('operatorId')} /></div>
        <button className="btn" type="submit">Search</button>
      </form>
      <Err e={err} />
      <table>
        <thead><tr><th>Time</th><th>Meter</th><th>Amount</th><th>State</th><th>Tender</th><th>Provider</th><th>Cashier</th><th><span className="sr">Detail</span></th></tr></thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.saleId} data-testid="tx-row">
              <td><When iso={s.createdAt} /></td><td>{s.meterId}</td><td>{rand(s.amountCents)}</td><td data-testid="tx-row-state">{saleStateWords(s.state, s.late)}</td><td>{TENDER_WORDS[s.tender]}</td><td>{s.provider ?? '—'}</td><td>{s.operatorId}</td>
              <td><button className="btn" onClick={() => void open(s.saleId)}>Detail {s.meterId}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p>No transactions match.</p>}
      {detail && <Detail key={detail.sale.saleId} d={detail} />}
    </section>
  );
}
