/**
 * Manager: the Z-read of the till's day (drawer sessions, closing those still open, closing the day),
 * then the end-of-day report for any days: the floats, drops, refunds paid out and counts are the
 * sessions' own (a session not counted is named so); a count typed here for a tender replaces theirs.
 * It shows expected against counted with the difference, the pending and reversed sales, the receipt
 * it prints, and a CSV row per sale.
 */
import { useEffect, useState } from 'react';
import type { ApiError, CashCount, EodReport, TenderKind } from '../../../electron/api/contract';
import { call } from '../api';
import { parseRand, rand, tillToday } from '../format';
import { Err } from './ErrorLine';
import { ZRead } from './ZRead';

type CountDraft = Record<TenderKind, string>;
const COUNT_FIELDS: { key: keyof CountDraft; label: string }[] = [
  { key: 'CASH', label: 'Cash counted in the drawer (R)' },
  { key: 'DEBIT_CARD', label: 'Debit card total from the terminal (R)' },
  { key: 'CREDIT_CARD', label: 'Credit card total from the terminal (R)' },
];

/** The typed count as cents; a field left empty is not counted. */
function countOf(d: CountDraft): Pick<CashCount, 'counted'> | string {
  const cents = (key: keyof CountDraft) => (d[key].trim() === '' ? null : parseRand(d[key]));
  for (const f of COUNT_FIELDS) if (d[f.key].trim() !== '' && cents(f.key) === null) return `${f.label}: type an amount in rand, e.g. 500 or 500.00.`;
  const counted: CashCount['counted'] = {};
  for (const t of ['CASH', 'DEBIT_CARD', 'CREDIT_CARD'] as const) {
    const c = cents(t);
    if (c !== null) counted[t] = c;
  }
  return { counted };
}

export function Eod() {
  const [range, setRange] = useState({ from: tillToday(), to: tillToday() });
  const [draft, setDraft] = useState<CountDraft>({ CASH: '', DEBIT_CARD: '', CREDIT_CARD: '' });
  const [rep, setRep] = useState<EodReport | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const args = () => {
    const count = countOf(draft);
    if (typeof count === 'string') {
      setErr({ code: 'INVALID_INPUT', message: count });
      return null;
    }
    return { from: range.from, to: range.to, count };
  };
  const load = async () => {
    const a = args();
    if (!a) return;
    const r = await call('eodReport', a);
    setErr(r.ok ? null : r.error);
    if (r.ok) setRep(r.value);
  };
  useEffect(() => void load(), []);
  const csvHref = rep ? `data:text/csv;charset=utf-8,${encodeURIComponent(rep.csv)}` : undefined;
  return (
    <section aria-labelledby="e-h">
      <h1 id="e-h">End of day — cash-up</h1>
      <ZRead />
      <h2>End-of-day report</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <div className="field"><label htmlFor="e-from">From day</label><input id="e-from" type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} /></div>
        <div className="field"><label htmlFor="e-to">To day</label><input id="e-to" type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} /></div>
        {COUNT_FIELDS.map((f) => (
          <div className="field" key={f.key}>
            <label htmlFor={`e-${f.key}`}>{f.label}</label>
            <input id={`e-${f.key}`} inputMode="decimal" autoComplete="off" value={draft[f.key]} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })} />
          </div>
        ))}
        <button className="btn primary" type="submit">Work out the cash-up</button>
      </form>
      <Err e={err} />
      {rep && (
        <>
          <p>Sold {rep.succeeded.count} for {rand(rep.succeeded.amountCents)}; failed {rep.failedCount}; pending {rep.pending.length}; reversed {rep.reversed.length}.</p>
          <table aria-label="Cash-up">
            <thead><tr><th>Tender</th><th>Expected</th><th>Counted</th><th>Difference</th></tr></thead>
            <tbody>
              {rep.cashUp.map((c) => (
                <tr key={c.tender} data-testid="cashup-row">
                  <td>{c.label}</td>
                  <td data-testid="cashup-expected">{rand(c.expectedCents)}</td>
                  <td>{c.countedCents === null ? 'not counted' : rand(c.countedCents)}</td>
                  <td data-testid="cashup-difference" className={c.differenceCents ? 'bad' : 'ok'}>
                    {c.differenceCents === null ? '—' : c.differenceCents === 0 ? 'balances' : `${c.differenceCents < 0 ? 'short' : 'over'} ${rand(Math.abs(c.differenceCents))}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">Cash expected: the sessions' floats {rand(rep.openingFloatCents)} + cash sales + cash kept for pending sales − drops {rand(rep.dropsCents)} − refunds paid out {rand(rep.refundsPaidCents)}. Counted: each drawer session's own count at its close, unless you type one above. Reversed sales were refunded and are not in the drawer.</p>
          <div className="jobcols">
            <div>
              <h2>Pending ({rep.pending.length})</h2>
              <ul data-testid="eod-pending">{rep.pending.map((p) => <li key={p.saleId}>{p.meterId} · {rand(p.amountCents)} · ref {p.saleId.slice(-8)}</li>)}</ul>
              <h2>Reversed — refunded ({rep.reversed.length})</h2>
              <ul data-testid="eod-reversed">{rep.reversed.map((p) => <li key={p.saleId}>{p.meterId} · {rand(p.amountCents)} · ref {p.saleId.slice(-8)}</li>)}</ul>
            </div>
            <pre tabIndex={0} className="slip" aria-label="The printed report">{rep.lines.join('\n')}</pre>
          </div>
          <button className="btn" onClick={() => { const a = args(); if (a) void call('printEodReport', a).then((r) => setMsg(r.ok ? (r.value.printed ? 'Report printed.' : r.value.message) : r.error.message)); }}>Print report</button>
          <a className="btn" href={csvHref} download={rep.csvFileName}>Download CSV ({rep.csvFileName})</a>
        </>
      )}
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}
