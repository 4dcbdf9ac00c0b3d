/**
 * Field-tech tool: a virtual STS prepayment meter. Type a meter number (or PAN) and a token as a
 * customer would on the meter's keypad; the screen shows what the meter's display shows (Accept,
 * Used, Reject, 1stKCT/2ndKCT, Lockout…) and its credit register, so a sale can be checked end to end.
 */
import { useState } from 'react';
import type { ApiError, VirtualMeterView } from '../../../electron/api/contract';
import { call } from '../api';
import { Err } from './ErrorLine';

export function VirtualMeter() {
  const [meter, setMeter] = useState('');
  const [token, setToken] = useState('');
  const [shown, setShown] = useState<VirtualMeterView | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const enter = async () => {
    setBusy(true);
    const r = await call('virtualMeterEnter', { meter: meter.trim(), token });
    setBusy(false);
    setErr(r.ok ? null : r.error);
    setShown(r.ok ? r.value : null);
    if (r.ok) setToken('');
  };
  const good = shown && ['Accept', '1stKCT', '2ndKCT'].includes(shown.show);
  return (
    <section aria-labelledby="vm-h">
      <h1 id="vm-h">Virtual meter</h1>
      <p className="hint">Checks a token the way the customer’s meter will: the meter keeps its keys, credit and used tokens on this till.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void enter();
        }}
      >
        <div className="row">
          <label htmlFor="vm-meter">Meter number or PAN</label>
          <input id="vm-meter" className="big" inputMode="numeric" autoComplete="off" value={meter} onChange={(e) => setMeter(e.target.value)} />
        </div>
        <div className="row">
          <label htmlFor="vm-token">Token</label>
          <input id="vm-token" className="big" inputMode="numeric" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
          <button className="btn primary" type="submit" disabled={busy}>Enter token</button>
        </div>
      </form>
      <Err e={err} />
      {shown && (
        <div className={`state ${good ? 'success' : 'failed'}`} role="status" aria-label="Meter display">
          <p className="meter-lcd" data-testid="meter-display">{shown.show}</p>
          <p data-testid="meter-message">{shown.message}</p>
          <dl className="grid">
            {shown.creditBefore !== null && (<><dt>Credit before</dt><dd data-testid="meter-credit-before">{shown.creditBefore}</dd></>)}
            <dt>Credit</dt><dd data-testid="meter-credit">{shown.credit}</dd>
            <dt>Meter PAN</dt><dd>{shown.pan}</dd>
          </dl>
        </div>
      )}
    </section>
  );
}
