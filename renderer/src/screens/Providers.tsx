/**
 * Console view: provider health and the load balancer (up/down, latency, error rate, weight) with
 * a chart over time, polled from the switch's admin API every 2 s while the screen is open.
 */
import { useEffect, useState } from 'react';
import type { ApiError, ProviderHealth, ProviderHistoryPoint } from '../../../electron/api/contract';
import { call } from '../api';
import { livePoints, mergeSeries } from '../health-series';
import { duration } from '../words';
import { Err } from './ErrorLine';
import { HealthChart } from './HealthChart';

const POLL_MS = 2000;
const HEALTH_WORDS = { UP: 'Up', DEGRADED: 'Degraded', DOWN: 'DOWN' } as const;

export function Providers() {
  const [list, setList] = useState<ProviderHealth[]>([]);
  const [series, setSeries] = useState<ProviderHistoryPoint[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    const load = async () => {
      const r = await call('providers', {});
      if (!live) return;
      setErr(r.ok ? null : r.error);
      if (!r.ok) return;
      setList(r.value.providers);
      setSeries((prev) => mergeSeries(prev, [...r.value.history, ...livePoints(r.value.providers, new Date().toISOString())]));
    };
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);
  const totalWeight = list.reduce((s, p) => s + (p.health === 'DOWN' ? 0 : p.weight), 0);
  return (
    <section aria-labelledby="p-h">
      <h1 id="p-h">Provider health and load balancer</h1>
      <p className="hint">Refreshed every 2 s. DOWN: refusing or failing most calls, or its circuit is open until an answer proves it back. Weights share the purchases no preference decides.</p>
      <Err e={err} />
      <table>
        <thead><tr><th>Provider</th><th>Health</th><th>Typical / slowest answer</th><th>Error rate</th><th>Requests</th><th>Weight (share)</th><th>Over time</th></tr></thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.id} data-testid="provider-health-row">
              <td title={`Provider code ${p.id}`}>{p.name}</td>
              <td className={{ UP: 'ok', DEGRADED: 'warn', DOWN: 'bad' }[p.health]} data-testid="provider-health">{HEALTH_WORDS[p.health]}</td>
              <td>{p.requests ? `${duration(p.latencyP50Ms)} / ${duration(p.latencyP99Ms)}` : '—'}</td>
              <td data-testid="provider-error-rate">{(p.errorRate * 100).toFixed(1)} %</td>
              <td>{p.requests}</td>
              <td>{p.weight}{totalWeight > 0 && p.health !== 'DOWN' ? ` (${Math.round((p.weight / totalWeight) * 100)} %)` : ''}</td>
              <td><HealthChart name={p.name} points={series.filter((s) => s.providerId === p.id)} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
