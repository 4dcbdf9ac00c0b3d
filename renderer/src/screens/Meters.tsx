/** Console view from the seeds: meter typeahead, the meter page with per-provider support status, and Confirm support. */
import { useEffect, useState } from 'react';
import type { ApiError, MeterDetail } from '../../../electron/api/contract';
import { call } from '../api';
import { Err } from './ErrorLine';
import { When } from './When';

const STATUS_WORDS = { SUPPORTED: 'Supported', NOT_SUPPORTED: 'Not supported', UNCONFIRMED: 'Unconfirmed' } as const;
export function Meters() {
  const [prefix, setPrefix] = useState('');
  const [hits, setHits] = useState<{ meterId: string; utilityName: string | null }[]>([]);
  const [meter, setMeter] = useState<MeterDetail | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  useEffect(() => {
    if (prefix.length < 3) return setHits([]);
    let live = true;
    void call('meterSearch', { prefix, limit: 10 }).then((r) => live && (r.ok ? setHits(r.value.meters) : setErr(r.error)));
    return () => { live = false; };
  }, [prefix]);
  const open = async (meterId: string) => {
    setMsg(null);
    const r = await call('meterDetail', { meterId });
    setErr(r.ok ? null : r.error);
    if (r.ok) { setMeter(r.value); setHits([]); }
  };
  const confirm = async () => {
    if (!meter) return;
    const r = await call('confirmSupport', { meterId: meter.meterId });
    setErr(r.ok ? null : r.error);
    if (r.ok) { setMeter(r.value.meter); setMsg(r.value.message); }
  };
  return (
    <section aria-labelledby="m-h">
      <h1 id="m-h">Meters</h1>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void open(prefix); }}>
        <label htmlFor="m-search">Search meter number</label>
        <input
          id="m-search"
          role="combobox"
          aria-expanded={hits.length > 0}
          aria-controls="m-hits"
          aria-autocomplete="list"
          autoComplete="off"
          value={prefix}
          onChange={(e) => setPrefix(e.target.value)}
          onKeyDown={(e) => {
            // Down arrow moves into the suggestions; Tab and Enter work there as on any button.
            if (e.key !== 'ArrowDown' || hits.length === 0) return;
            e.preventDefault();
            document.querySelector<HTMLButtonElement>('#m-hits button')?.focus();
          }}
        />
        <button className="btn" type="submit">Open</button>
      </form>
      {hits.length > 0 && (
        <ul id="m-hits" role="listbox" aria-label="Matching meters" className="hits">
          {hits.map((h) => (
            <li key={h.meterId} role="option" aria-selected="false">
              <button
                className="btn link"
                onClick={() => void open(h.meterId)}
                onKeyDown={(e) => {
                  const li = e.currentTarget.parentElement;
                  const to = e.key === 'ArrowDown' ? li?.nextElementSibling : e.key === 'ArrowUp' ? li?.previousElementSibling : null;
                  if (e.key === 'ArrowUp' && !to) document.getElementById('m-search')?.focus();
                  to?.querySelector('button')?.focus();
                }}
              >
                {h.meterId} · {h.utilityName ?? 'Unassigned'}
              </button>
            </li>
          ))}
        </ul>
      )}
      <Err e={err} />
      {meter && (
        <div className="card" data-testid="meter-page">
          <h2>Meter {meter.meterId}</h2>
          <p>Utility: <strong data-testid="meter-utility">{meter.utility?.name ?? 'Unassigned'}</strong>{meter.rebroadcastFlag && ' · marked for rebroadcast (support re-check)'}</p>
          <table>
            <thead><tr><th>Provider ID</th><th>Provider</th><th>Last response</th><th>Support status</th></tr></thead>
            <tbody>
              {meter.providers.map((p) => (
                <tr key={p.providerId} data-testid="provider-row">
                  <td>{p.providerId}</td><td>{p.providerName}</td>
                  <td data-testid="last-response">{p.lastResponseAt && !(meter.rebroadcastFlag && p.status === 'UNCONFIRMED') ? <When iso={p.lastResponseAt} /> : 'Awaiting confirmation'}</td>
                  <td data-testid="support-status">{STATUS_WORDS[p.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {!meter.rebroadcastFlag && <button className="btn primary" onClick={() => void confirm()}>Confirm support</button>}
          {msg && <p role="status" className="state pending" data-testid="rebroadcast-message">{msg}</p>}
          <button className="btn" onClick={() => void open(meter.meterId)}>Refresh</button>
        </div>
      )}
    </section>
  );
}
