/**
 * My drawer: the operator's drawer session. Open it with the float in the drawer; while open, the
 * X-read (what was sold, float, drops, pending cash held — nothing the drawer should hold), print it,
 * record cash taken to the safe; close it with a blind count: the counted figures are saved first,
 * and only the answer to that shows what was expected and the variance. Opening it is OpenDrawer.tsx
 * (it also stands on the Sell screen, so it is in the first bundle and this screen is not).
 */
import { useEffect, useState } from 'react';
import type { ApiError, ShiftCount, ShiftReport } from '../../../electron/api/contract';
import { call } from '../api';
import { exactTime, parseRand, rand } from '../format';
import { currentShift, useTill } from '../store';
import { Err } from './ErrorLine';
import { OpenDrawer, refreshAll, typedError } from './OpenDrawer';

const COUNT_FIELDS: { key: keyof ShiftCount; label: string }[] = [
  { key: 'CASH', label: 'Cash counted in the drawer (R)' },
  { key: 'DEBIT_CARD', label: 'Debit card total from the card terminal (R)' },
  { key: 'CREDIT_CARD', label: 'Credit card total from the card terminal (R)' },
];

/** The typed count in cents, or what to fix; card totals may stay empty. */
function countOf(draft: Record<keyof ShiftCount, string>): ShiftCount | ApiError {
  const counted: Partial<Record<keyof ShiftCount, number>> = {};
  for (const f of COUNT_FIELDS) {
    const text = draft[f.key].trim();
    if (text === '' && f.key !== 'CASH') continue;
    const cents = parseRand(text);
    if (cents === null) return typedError(`${f.label}: type an amount in rand, e.g. 450 or 450.00.`, f.key);
    counted[f.key] = cents;
  }
  return counted as ShiftCount;
}

/** The blind count: no expected figure is on screen until the count is saved. */
export function BlindCount({ shiftId, onClosed }: { shiftId?: string; onClosed: (r: ShiftReport) => void }) {
  const [draft, setDraft] = useState<Record<keyof ShiftCount, string>>({ CASH: '', DEBIT_CARD: '', CREDIT_CARD: '' });
  const [err, setErr] = useState<ApiError | null>(null);
  return (
    <form
      className="card"
      aria-label="Close the drawer session: blind count"
      onSubmit={async (e) => {
        e.preventDefault();
        const counted = countOf(draft);
        if ('code' in counted) return setErr(counted);
        const r = await call('closeShift', { ...(shiftId ? { shiftId } : {}), counted });
        setErr(r.ok ? null : r.error);
        if (r.ok) onClosed(r.value);
      }}
    >
      <h2>Close with a blind count</h2>
      <p className="hint">Count the drawer and type what is there. The till shows its own figures only after your count is saved.</p>
      <div className="row">
        {COUNT_FIELDS.map((f) => (
          <div className="field" key={f.key}>
            <label htmlFor={`bc-${shiftId ?? 'own'}-${f.key}`}>{f.label}</label>
            <input id={`bc-${shiftId ?? 'own'}-${f.key}`} inputMode="decimal" autoComplete="off" value={draft[f.key]} onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })} />
          </div>
        ))}
        <button className="btn danger" type="submit">Save count and close</button>
      </div>
      <Err e={err} />
    </form>
  );
}

/** A closed session's figures: counted against expected, per tender, and the cash variance. */
export function CloseOutcome({ report }: { report: ShiftReport }) {
  const v = report.varianceCents ?? 0;
  return (
    <div className="card" data-testid="close-outcome">
      <h2>Drawer session closed — {report.shift.operatorName}</h2>
      <p role="status" className={v === 0 ? 'ok' : 'bad'} data-testid="variance">
        Cash {v === 0 ? 'balances' : `${v < 0 ? 'short' : 'over'} ${rand(Math.abs(v))}`}
      </p>
      <table aria-label="Counted against expected">
        <thead><tr><th>Tender</th><th>Counted</th><th>Expected</th><th>Difference</th></tr></thead>
        <tbody>
          {(report.cashUp ?? []).map((c) => (
            <tr key={c.tender}>
              <td>{c.label}</td>
              <td>{c.countedCents === null ? 'not counted' : rand(c.countedCents)}</td>
              <td data-testid={`expected-${c.tender}`}>{rand(c.expectedCents)}</td>
              <td>{c.differenceCents === null ? '—' : c.differenceCents === 0 ? 'balances' : `${c.differenceCents < 0 ? 'short' : 'over'} ${rand(Math.abs(c.differenceCents))}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <pre tabIndex={0} className="slip" aria-label="The session report">{report.lines.join('\n')}</pre>
    </div>
  );
}

export function Drawer() {
  const shift = useTill(currentShift);
  const [report, setReport] = useState<ShiftReport | null>(null);
  const [closed, setClosed] = useState<ShiftReport | null>(null);
  const [drop, setDrop] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const load = async () => {
    const r = await call('shiftReport', {});
    setReport(r.ok ? r.value : null);
    if (!r.ok && r.error.code !== 'NO_SHIFT') setErr(r.error);
  };
  useEffect(() => void load(), [shift?.id]);
  return (
    <section aria-labelledby="dr-h">
      <h1 id="dr-h">My drawer</h1>
      {closed && <CloseOutcome report={closed} />}
      {!shift && <OpenDrawer />}
      {shift && report && (
        <>
          <p>
            Open since {exactTime(report.shift.openedAt).slice(11, 16)} with a float of {rand(report.floatCents)}; sold {report.sold.count} for {rand(report.sold.amountCents)}; cash drops {rand(report.dropsCents)}; pending {report.pending.length}.
          </p>
          <div className="row">
            <button className="btn" onClick={() => void load()}>Refresh the X-read</button>
            <button className="btn" onClick={() => void call('printShiftReport', {}).then((r) => setMsg(r.ok ? (r.value.printed ? 'X-read printed.' : r.value.message) : r.error.message))}>Print X-read</button>
          </div>
          <form
            className="row"
            onSubmit={async (e) => {
              e.preventDefault();
              const amountCents = parseRand(drop);
              if (!amountCents) return setErr(typedError('Type the cash taken to the safe in rand, e.g. 1000.', 'amountCents'));
              const r = await call('addCashDrop', { amountCents });
              setErr(r.ok ? null : r.error);
              if (r.ok) {
                setReport(r.value);
                setDrop('');
                setMsg(`Cash drop of ${rand(amountCents)} recorded.`);
              }
            }}
          >
            <div className="field">
              <label htmlFor="dr-drop">Cash taken to the safe (R)</label>
              <input id="dr-drop" inputMode="decimal" autoComplete="off" value={drop} onChange={(e) => setDrop(e.target.value)} />
            </div>
            <button className="btn" type="submit">Record cash drop</button>
          </form>
          <pre tabIndex={0} className="slip" aria-label="X-read">{report.lines.join('\n')}</pre>
          <BlindCount
            onClosed={(r) => {
              setClosed(r);
              setReport(null);
              void refreshAll();
            }}
          />
        </>
      )}
      <Err e={err} />
      {msg && <p role="status">{msg}</p>}
    </section>
  );
}
