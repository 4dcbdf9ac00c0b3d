/**
 * Manager: the Z-read — every drawer session of the till's day so far with its float, drops, counted
 * cash, what was expected and the variance; a session still open can be closed here with its blind
 * count; "Close the day" prints the numbered Z-read, refused while any session is open.
 */
import { useEffect, useState } from 'react';
import type { ApiError, DayReport, ShiftReport } from '../../../electron/api/contract';
import { call } from '../api';
import { exactTime, rand } from '../format';
import { useTill } from '../store';
import { BlindCount, CloseOutcome } from './Drawer';
import { Err } from './ErrorLine';

const hhmm = (iso: string | null) => (iso ? exactTime(iso).slice(11, 16) : 'open');
const variance = (v: number | null) => (v === null ? '—' : v === 0 ? 'balances' : `${v < 0 ? 'short' : 'over'} ${rand(Math.abs(v))}`);

export function ZRead() {
  const [day, setDay] = useState<DayReport | null>(null);
  const [closing, setClosing] = useState<string | null>(null);
  const [closed, setClosed] = useState<ShiftReport | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const load = async () => {
    const r = await call('zRead', {});
    setErr(r.ok ? null : r.error);
    if (r.ok) setDay(r.value);
  };
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="z-h" className="card">
      <h2 id="z-h">Z-read — drawer sessions of the day</h2>
      {day && (
        <table aria-label="Drawer sessions">
          <thead><tr><th>Operator</th><th>Opened</th><th>Closed</th><th>Float</th><th>Drops</th><th>Counted cash</th><th>Expected cash</th><th>Variance</th><th /></tr></thead>
          <tbody>
            {day.sessions.map((s) => (
              <tr key={s.shift.id} data-testid="z-session">
                <td>{s.shift.operatorName}</td>
                <td>{hhmm(s.shift.openedAt)}</td>
                <td>{s.shift.closedAt ? `${hhmm(s.shift.closedAt)}${s.shift.closedBy && s.shift.closedBy !== s.shift.operatorName ? ` by ${s.shift.closedBy}` : ''}` : <strong className="warn">still open</strong>}</td>
                <td>{rand(s.shift.floatCents)}</td>
                <td>{rand(s.dropsCents)}</td>
                <td>{rand(s.countedCashCents)}</td>
                <td>{rand(s.expectedCashCents)}</td>
                <td className={s.varianceCents === null ? undefined : s.varianceCents ? 'bad' : 'ok'}>{variance(s.varianceCents)}</td>
                <td>{!s.shift.closedAt && <button className="btn" onClick={() => setClosing(s.shift.id)}>Close {s.shift.operatorName}'s session</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {day && day.sessions.length === 0 && <p>No drawer session since the last Z-read.</p>}
      {closing && (
        <BlindCount
          shiftId={closing}
          onClosed={(r) => {
            setClosed(r);
            setClosing(null);
            void load();
            void useTill.getState().refreshStatus();
          }}
        />
      )}
      {closed && <CloseOutcome report={closed} />}
      <div className="row">
        <button className="btn" onClick={() => void load()}>Refresh</button>
        <button
          className="btn danger"
          onClick={async () => {
            const r = await call('closeDay', {});
            setErr(r.ok ? null : r.error);
            if (!r.ok) return;
            setDay(r.value);
            setMsg(`Day closed: Z-read No. ${r.value.zNumber}${r.value.print.printed ? ' printed' : ` (not printed: ${r.value.print.message})`}.`);
          }}
        >
          Close the day (print the Z-read)
        </button>
      </div>
      <Err e={err} />
      {msg && <p role="status">{msg}</p>}
      {day && <pre tabIndex={0} className="slip" aria-label="The Z-read">{day.lines.join('\n')}</pre>}
    </section>
  );
}
