/**
 * Field-tech tool: the simulated providers' faults (added latency, share of purchases that time
 * out, share answered 5xx, down, ignoring lookups), to rehearse failures on a test till. Each row
 * is applied whole and shows what the switch reports back.
 */
import { useEffect, useState } from 'react';
import type { ApiError, ProviderBehaviourView, ProviderHealth } from '../../../electron/api/contract';
import { call } from '../api';
import { DemoMeters } from './DemoMeters';
import { Err } from './ErrorLine';

interface Draft { latencyMs: string; timeoutPct: string; errorPct: string; down: boolean; ignoreLookups: boolean }

const CLEAR: Draft = { latencyMs: '0', timeoutPct: '0', errorPct: '0', down: false, ignoreLookups: false };

const draftOf = (b: ProviderBehaviourView): Draft => ({
  latencyMs: String(b.latencyMs), timeoutPct: String(Math.round(b.timeoutRate * 100)), errorPct: String(Math.round(b.serverErrorRate * 100)), down: b.down, ignoreLookups: b.ignoreLookups,
});
/** An empty field is sent as NaN so the switch refuses it with a reason rather than reading it as 0. */
const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
const describe = (b: ProviderBehaviourView) =>
  [b.down && 'down (503)', b.latencyMs > 0 && `+${b.latencyMs} ms`, b.timeoutRate > 0 && `${Math.round(b.timeoutRate * 100)} % time out`, b.serverErrorRate > 0 && `${Math.round(b.serverErrorRate * 100)} % 5xx`, b.ignoreLookups && 'ignores lookups']
    .filter(Boolean).join(', ') || 'healthy';

function FaultRow({ p, onApplied }: { p: ProviderHealth & { behaviour: ProviderBehaviourView }; onApplied(e: ApiError | null): void }) {
  const [d, setD] = useState<Draft>(draftOf(p.behaviour));
  const apply = async (next: Draft) => {
    const r = await call('setProviderBehaviour', {
      providerId: p.id,
      patch: { latencyMs: number(next.latencyMs), timeoutRate: number(next.timeoutPct) / 100, serverErrorRate: number(next.errorPct) / 100, down: next.down, ignoreLookups: next.ignoreLookups },
    });
    onApplied(r.ok ? null : r.error);
    if (r.ok) setD(draftOf(r.value.behaviour));
  };
  const num = (key: 'latencyMs' | 'timeoutPct' | 'errorPct', label: string, max: number) => (
    <input type="number" min={0} max={max} aria-label={`${label} for ${p.name}`} value={d[key]} onChange={(e) => setD({ ...d, [key]: e.target.value })} />
  );
  return (
    <tr data-testid="fault-row">
      <td title={`Provider code ${p.id}`}>
        {p.name}
        <br />
        <span className="hint">Now: <span data-testid="fault-now">{describe(p.behaviour)}</span></span>
      </td>
      <td>{num('latencyMs', 'Added latency (ms)', 600000)}</td>
      <td>{num('timeoutPct', 'Purchases timing out (%)', 100)}</td>
      <td>{num('errorPct', 'Answered 5xx (%)', 100)}</td>
      <td><label className="choice switch"><input type="checkbox" aria-label={`${p.name} down`} checked={d.down} onChange={(e) => setD({ ...d, down: e.target.checked })} /> Down</label></td>
      <td><label className="choice switch"><input type="checkbox" aria-label={`${p.name} ignores lookups`} checked={d.ignoreLookups} onChange={(e) => setD({ ...d, ignoreLookups: e.target.checked })} /> Ignores</label></td>
      <td>
        <button className="btn" aria-label={`Apply ${p.name}`} onClick={() => void apply(d)}>Apply</button>
        <button className="btn" aria-label={`Clear ${p.name}`} onClick={() => void apply(CLEAR)}>Clear</button>
      </td>
    </tr>
  );
}

export function Faults() {
  const [list, setList] = useState<ProviderHealth[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await call('providers', {});
    if (r.ok) setList(r.value.providers);
    else setErr(r.error);
  };
  useEffect(() => void load(), []);
  const simulated = list.filter((p): p is ProviderHealth & { behaviour: ProviderBehaviourView } => p.behaviour !== null);
  return (
    <section aria-labelledby="f-h">
      <h1 id="f-h">Simulated provider faults</h1>
      <p className="hint">For rehearsals on a test till: faults apply to the simulated providers of the embedded switch, never to real ones. Clear them when done.</p>
      <Err e={err} />
      {list.length > 0 && simulated.length === 0 && <p>This till's switch has no simulated providers.</p>}
      <table>
        <thead><tr><th>Provider</th><th>Added latency (ms)</th><th>Purchases timing out (%)</th><th>Answered 5xx (%)</th><th>Down</th><th>Ignores lookups</th><th><span className="sr">Actions</span></th></tr></thead>
        <tbody>
          {simulated.map((p) => (
            <FaultRow key={`${p.id}:${describe(p.behaviour)}`} p={p} onApplied={(e) => { setErr(e); void load(); }} />
          ))}
        </tbody>
      </table>
      {simulated.length > 0 && (
        <button className="btn" onClick={() => void Promise.all(simulated.map((p) => call('setProviderBehaviour', { providerId: p.id, patch: { latencyMs: 0, timeoutRate: 0, serverErrorRate: 0, down: false, ignoreLookups: false } }))).then(() => load())}>
          Clear all provider faults
        </button>
      )}
      <DemoMeters />
    </section>
  );
}
