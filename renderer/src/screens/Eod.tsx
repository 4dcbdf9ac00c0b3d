/** Manager: the end-of-day report on screen, printed and as CSV; shift open and close. */
import { useEffect, useState } from 'react';
import type { ApiError, EodReport } from '../../../electron/api/contract';
import { call } from '../api';
import { rand } from '../format';
import { Err } from './ErrorLine';

export function Eod() {
  const [rep, setRep] = useState<EodReport | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  useEffect(() => {
    void call('eodReport', {}).then((r) => (r.ok ? setRep(r.value) : setErr(r.error)));
  }, []);
  const csvHref = rep ? `data:text/csv;charset=utf-8,${encodeURIComponent(rep.csv)}` : undefined;
  return (
    <section aria-labelledby="e-h">
      <h1 id="e-h">End of day</h1>
      <Err e={err} />
      {rep && (
        <>
          <p>Sold {rep.succeeded.count} for {rand(rep.succeeded.amountCents)}; failed {rep.failedCount}; pending {rep.pending.length}; reversed {rep.reversed.length}.</p>
          <pre tabIndex={0} className="trace">{rep.lines.join('\n')}</pre>
          <button className="btn" onClick={() => void call('printEodReport', {}).then((r) => setMsg(r.ok ? (r.value.printed ? 'Report printed.' : r.value.message) : r.error.message))}>Print report</button>
          <a className="btn" href={csvHref} download="end-of-day.csv">Download CSV</a>
          <button className="btn" onClick={() => void call('closeShift', {}).then((r) => setMsg(r.ok ? 'Shift closed.' : r.error.message))}>Close shift</button>
          <button className="btn" onClick={() => void call('openShift', {}).then((r) => setMsg(r.ok ? 'Shift open.' : r.error.message))}>Open shift</button>
          {msg && <p role="status">{msg}</p>}
        </>
      )}
    </section>
  );
}
