/**
 * Opening the operator's drawer session with the float counted in the drawer: on My drawer, and on the
 * Sell screen while no session is open (so it loads with the Sell screen; the rest of My drawer loads on use).
 */
import { useState } from 'react';
import type { ApiError } from '../../../electron/api/contract';
import { call } from '../api';
import { parseRand } from '../format';
import { useTill } from '../store';
import { Err } from './ErrorLine';

/** Re-reads session and status so the header and the Sell screen follow an opened or closed session. */
export const refreshAll = async () => {
  const { refreshSession, refreshStatus } = useTill.getState();
  await Promise.all([refreshSession(), refreshStatus()]);
};
export const typedError = (message: string, field: string): ApiError => ({ code: 'INVALID_INPUT', message, field });

export function OpenDrawer() {
  const [float, setFloat] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  return (
    <form
      className="card"
      aria-labelledby="od-h"
      onSubmit={async (e) => {
        e.preventDefault();
        const floatCents = parseRand(float);
        if (floatCents === null) return setErr(typedError('Type the float in rand, e.g. 500 or 500.00 (0 when the drawer starts empty).', 'floatCents'));
        const r = await call('openShift', { floatCents });
        setErr(r.ok ? null : r.error);
        if (r.ok) await refreshAll();
      }}
    >
      <h2 id="od-h">Open my drawer</h2>
      <p>Count the float in the drawer and type it in: your drawer session starts with it. Sales need an open session.</p>
      <div className="row">
        <div className="field">
          <label htmlFor="od-float">Float in the drawer (R)</label>
          <input id="od-float" className="big" inputMode="decimal" autoComplete="off" autoFocus value={float} onChange={(e) => setFloat(e.target.value)} />
        </div>
        <button className="btn primary" type="submit">Open my drawer</button>
      </div>
      <Err e={err} />
    </form>
  );
}
