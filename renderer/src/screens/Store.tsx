/**
 * Manager, the store from this till: find a sale of any till (meter, short or full reference, token)
 * and print it as a COPY through the switch; the store's end of day (per till, cashier and tender,
 * with pending, reversed and late sales; CSV and printed); this till's reconciliation with the switch.
 */
import { useState } from 'react';
import type { ApiError, ReconcileReport, StoreEodReport, StoreEodRow, StoreSale } from '../../../electron/api/contract';
import { call } from '../api';
import { rand } from '../format';
import { Err } from './ErrorLine';
import { When } from './When';

function Rows(props: { title: string; rows: StoreEodRow[] }) {
  return (
    <table aria-label={props.title}>
      <caption>{props.title}</caption>
      <thead><tr><th>{props.title.replace('By ', '')}</th><th>Sold</th><th>Amount</th><th>Pending</th><th>Reversed</th><th>Late</th><th>Failed</th></tr></thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.key}><td>{r.label}</td><td>{r.soldCount}</td><td>{rand(r.soldCents)}</td><td>{r.pendingCount}</td><td>{r.reversedCount}</td><td>{r.lateCount}</td><td>{r.failedCount}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function Store() {
  const [find, setFind] = useState({ meterId: '', reference: '', token: '' });
  const [sales, setSales] = useState<StoreSale[] | null>(null);
  const [date, setDate] = useState('');
  const [eod, setEod] = useState<StoreEodReport | null>(null);
  const [rec, setRec] = useState<ReconcileReport | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const answered = <T,>(r: { ok: true; value: T } | { ok: false; error: ApiError }): T | null => {
    setErr(r.ok ? null : r.error);
    return r.ok ? r.value : null;
  };
  const search = async () => {
    const v = answered(await call('storeFindSales', { ...(find.meterId && { meterId: find.meterId }), ...(find.reference && { reference: find.reference }), ...(find.token && { token: find.token }) }));
    if (v) setSales(v);
  };
  const copy = async (s: StoreSale) => {
    const v = answered(await call('storeReprint', { purchaseId: s.purchaseId, meterId: s.meterId ?? '' }));
    if (v) setMsg(v.printed ? `COPY printed: sale ${s.shortRef} of till ${v.soldAt ?? '?'} (logged here, at the switch and on that till).` : v.message);
  };
  const day = date ? { date } : {};
  return (
    <section aria-labelledby="st-h">
      <h1 id="st-h">Store</h1>
      <h2>Find a sale of any till</h2>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <label htmlFor="st-meter">Meter</label><input id="st-meter" value={find.meterId} onChange={(e) => setFind({ ...find, meterId: e.target.value })} />
        <label htmlFor="st-ref">Reference (8 or full)</label><input id="st-ref" value={find.reference} onChange={(e) => setFind({ ...find, reference: e.target.value })} />
        <label htmlFor="st-tok">Token</label><input id="st-tok" value={find.token} onChange={(e) => setFind({ ...find, token: e.target.value })} />
        <button className="btn" type="submit">Find</button>
      </form>
      <Err e={err} />
      {msg && <p role="status" className="state success">{msg}</p>}
      {sales && (sales.length === 0 ? <p>No sale of this store matches.</p> : (
        <table aria-label="Store sales">
          <thead><tr><th>Time</th><th>Reference</th><th>Till</th><th>Meter</th><th>Amount</th><th>State</th><th><span className="sr">Action</span></th></tr></thead>
          <tbody>
            {sales.map((s) => (
              <tr key={s.purchaseId}>
                <td><When iso={s.at} /></td><td title={s.purchaseId}>{s.shortRef}</td><td>{s.terminalId ?? '—'}</td><td>{s.meterId}</td><td>{rand(s.amountCents)}</td><td>{s.state}{s.late ? ' (late)' : ''}</td>
                <td>{s.state === 'sold' && <button className="btn" onClick={() => void copy(s)}>Print COPY of {s.shortRef}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <h2>Store end of day and reconciliation</h2>
      <div className="row">
        <label htmlFor="st-date">Day</label><input id="st-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        <button className="btn" onClick={async () => { const v = answered(await call('storeEod', day)); if (v) setEod(v); }}>Store end of day</button>
        <button className="btn" onClick={async () => { const v = answered(await call('printStoreEod', day)); if (v) setMsg(v.printed ? 'Store end of day printed.' : v.message); }}>Print it</button>
        <button className="btn" onClick={async () => { const v = answered(await call('reconcile', day)); if (v) setRec(v); }}>Reconcile this till</button>
      </div>
      {eod && (
        <div aria-label="Store end of day">
          <p>{eod.storeName} ({eod.merchantId}): {eod.total.soldCount} sales, {rand(eod.total.soldCents)}; {eod.total.pendingCount} pending, {eod.total.reversedCount} reversed, {eod.total.lateCount} late.</p>
          <Rows title="By till" rows={eod.byTill} />
          <Rows title="By cashier" rows={eod.byCashier} />
          <Rows title="By tender" rows={eod.byTender} />
          <a className="btn" href={`data:text/csv;charset=utf-8,${encodeURIComponent(eod.csv)}`} download={eod.csvFileName}>Download CSV ({eod.csvFileName})</a>
        </div>
      )}
      {rec && (
        <div aria-label="Reconciliation">
          <p role="status" className={`state ${rec.allMatch ? 'success' : 'failed'}`}>
            {rec.allMatch ? `All ${rec.counts.matched} sales match the switch.` : `${rec.counts['only-till']} only on this till, ${rec.counts['only-switch']} only on the switch, ${rec.counts['amounts-differ']} differ; ${rec.counts.matched} match.`}
          </p>
          <table>
            <thead><tr><th>Reference</th><th>Meter</th><th>Result</th><th>Why</th></tr></thead>
            <tbody>{rec.rows.map((r) => <tr key={r.reference}><td title={r.reference}>{r.shortRef}</td><td>{r.meterId}</td><td>{r.verdict}</td><td>{r.why}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
