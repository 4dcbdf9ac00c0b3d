/** Provider health and load balancer (with a latency chart over time) and the simulated providers' fault controls for field techs. */
import { useEffect, useState } from 'react';
import type { ApiError, ProviderHealth, ProviderHistoryPoint } from '../../../electron/api/contract';
import { call } from '../api';
import { Err } from './ErrorLine';

function Chart({ points, id }: { points: ProviderHistoryPoint[]; id: string }) {
  const pts = points.filter((p) => p.providerId === id).slice(-60);
  if (pts.length < 2) return <span>—</span>;
  const max = Math.max(1, ...pts.map((p) => p.latencyMs));
  const d = pts.map((p, i) => `${(i / (pts.length - 1)) * 160},${40 - (p.latencyMs / max) * 38}`).join(' ');
  return (
    <svg width="160" height="40" role="img" aria-label={`Latency over time, up to ${max} ms`}>
      <polyline fill="none" stroke="currentColor" strokeWidth="2" points={d} />
    </svg>
  );
}
export function Providers() {
  const [list, setList] = useState<ProviderHealth[]>([]);
  const [hist, setHist] = useState<ProviderHistoryPoint[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  const load = async () => {
    const r = await call('providers', {});
    setErr(r.ok ? null : r.error);
    if (r.ok) { setList(r.value.providers); setHist(r.value.history); }
  };
  useEffect(() => {
    // The chart moves as the switch's health history grows.
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => clearInterval(t);
  }, []);
  const knob = async (providerId: string, patch: { down?: boolean; serverErrorRate?: number; timeoutRate?: number; latencyMs?: number }) => {
    const r = await call('setProviderBehaviour', { providerId, patch });
    setErr(r.ok ? null : r.error);
    await load();
  };
  return (
    <section aria-labelledby="p-h">
      <h1 id="p-h">Provider health and load balancer</h1>
      <Err e={err} />
      <table>
        <thead><tr><th>Provider</th><th>Health</th><th>Latency p50/p99</th><th>Error rate</th><th>Weight</th><th>Latency over time</th><th>Simulator controls</th></tr></thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.id}>
              <td>{p.name} ({p.id})</td><td className={p.health === 'UP' ? 'ok' : 'warn'}>{p.health}</td>
              <td>{p.latencyP50Ms} / {p.latencyP99Ms} ms</td><td>{(p.errorRate * 100).toFixed(1)}%</td><td>{p.weight}</td>
              <td><Chart points={hist} id={p.id} /></td>
              <td>
                {p.behaviour ? (
                  <>
                    <button className="btn" onClick={() => void knob(p.id, { down: !p.behaviour!.down })}>{p.behaviour.down ? 'Bring up' : 'Take down'}</button>
                    <button className="btn" onClick={() => void knob(p.id, { serverErrorRate: p.behaviour!.serverErrorRate > 0 ? 0 : 1 })}>{p.behaviour.serverErrorRate > 0 ? 'Stop errors' : 'Fail all (5xx)'}</button>
                    <button className="btn" onClick={() => void knob(p.id, { timeoutRate: p.behaviour!.timeoutRate > 0 ? 0 : 1 })}>{p.behaviour.timeoutRate > 0 ? 'Stop timeouts' : 'Time out all'}</button>
                    <button className="btn" onClick={() => void knob(p.id, { latencyMs: p.behaviour!.latencyMs > 0 ? 0 : 2000 })}>{p.behaviour.latencyMs > 0 ? `Latency ${p.behaviour.latencyMs} ms → 0` : 'Add 2 s latency'}</button>
                  </>
                ) : 'not simulated'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
