/** Manager: find any slip (meter, reference, token, time) and reprint it from the local store (logged), or ask the switch for a token reprint. */
import { useEffect, useState } from 'react';
import type { ApiError, SaleSummary } from '../../../electron/api/contract';
import { call } from '../api';
import { rand } from '../format';
import { Err } from './ErrorLine';
import { When } from './When';

export function Reprint() {
  const [meterId, setMeter] = useState('');
  const [reference, setRef] = useState('');
  const [tok, setTok] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<SaleSummary[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const search = async () => {
    const r = await call('searchSlips', { ...(meterId && { meterId }), ...(reference && { reference }), ...(tok && { token: tok }), ...(from && { from }), ...(to && { to }) });
    setErr(r.ok ? null : r.error);
    if (r.ok) setRows(r.value);
  };
  useEffect(() => void search(), []);
  const reprint = async (saleId: string) => {
    const r = await call('reprintLocal', { saleId });
    setErr(r.ok ? null : r.error);
    if (r.ok) setMsg(r.value.printed ? `Reprint printed and logged (reprint #${r.value.reprintCount}).` : r.value.message);
  };
  /** Asks the provider (through the switch) to reprint the token: for a slip the till no longer trusts. */
  const reprintFromSwitch = async (saleId: string) => {
    const r = await call('reprintFromSwitch', { saleId });
    setErr(r.ok ? null : r.error);
    if (r.ok) setMsg(r.value.printed ? `Token reprinted by the provider and printed (logged): ${r.value.tokens.map((t) => t.grouped).join(' · ')}` : r.value.message);
  };
  return (
    <section aria-labelledby="rp-h">
      <h1 id="rp-h">Reprint a slip</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <label htmlFor="rp-meter">Meter</label><input id="rp-meter" value={meterId} onChange={(e) => setMeter(e.target.value)} />
        <label htmlFor="rp-ref">Reference</label><input id="rp-ref" value={reference} onChange={(e) => setRef(e.target.value)} />
        <label htmlFor="rp-tok">Token</label><input id="rp-tok" value={tok} onChange={(e) => setTok(e.target.value)} />
        <label htmlFor="rp-from">From</label><input id="rp-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor="rp-to">To</label><input id="rp-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        <button className="btn" type="submit">Search</button>
      </form>
      <Err e={err} />
      {msg && <p role="status" className="state success">{msg}</p>}
      <table>
        <thead><tr><th>Time</th><th>Meter</th><th>Amount</th><th>State</th><th>Token</th><th>Reprints</th><th><span className="sr">Action</span></th></tr></thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.saleId}>
              <td><When iso={s.createdAt} /></td><td>{s.meterId}</td><td>{rand(s.amountCents)}</td><td>{s.state}</td><td>{s.token ?? '—'}</td><td>{s.reprintCount}</td>
              <td>
                <button className="btn" onClick={() => void reprint(s.saleId)}>Reprint {s.meterId}</button>
                {s.state === 'succeeded' && <button className="btn" onClick={() => void reprintFromSwitch(s.saleId)}>Token reprint from switch</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
