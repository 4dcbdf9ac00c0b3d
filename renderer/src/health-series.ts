/**
 * Provider health over time for the load-balancer chart: the switch's stored samples (one per
 * provider every 10 s) merged with the live figures the screen polls, so the line moves while a
 * manager watches. Pure functions; the screen holds the state.
 */
import type { ProviderHealth, ProviderHistoryPoint } from '../../electron/api/contract';

/** Points kept per provider (at a 2 s poll, about three minutes of live figures). */
export const SERIES_CAP = 90;

/** The live figures of one poll as history points, stamped with the poll's time. */
export function livePoints(providers: readonly ProviderHealth[], at: string): ProviderHistoryPoint[] {
  return providers.map((p) => ({ at, providerId: p.id, latencyMs: p.latencyP50Ms, errorRate: p.errorRate, up: p.health !== 'DOWN' }));
}

/** Old and new points merged per provider: one per (provider, time), oldest first, the newest `cap` kept. */
export function mergeSeries(prev: readonly ProviderHistoryPoint[], incoming: readonly ProviderHistoryPoint[], cap = SERIES_CAP): ProviderHistoryPoint[] {
  const byKey = new Map<string, ProviderHistoryPoint>();
  for (const p of [...prev, ...incoming]) byKey.set(`${p.providerId}|${p.at}`, p);
  const perProvider = new Map<string, ProviderHistoryPoint[]>();
  for (const p of [...byKey.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const list = perProvider.get(p.providerId) ?? [];
    list.push(p);
    perProvider.set(p.providerId, list);
  }
  return [...perProvider.values()].flatMap((list) => list.slice(-cap));
}

export interface ChartGeometry {
  /** SVG polyline points for latency (scaled to the series' peak) and error rate (0–100 %). */
  latency: string;
  errors: string;
  /** x ranges where the provider was down. */
  down: { x: number; width: number }[];
  peakMs: number;
}

/** One provider's points laid out in a width × height box, time along x. Null below two points. */
export function chartGeometry(points: readonly ProviderHistoryPoint[], width: number, height: number): ChartGeometry | null {
  if (points.length < 2) return null;
  const t0 = Date.parse(points[0]!.at);
  const span = Math.max(1, Date.parse(points[points.length - 1]!.at) - t0);
  const x = (p: ProviderHistoryPoint) => Math.round(((Date.parse(p.at) - t0) / span) * width * 10) / 10;
  const peakMs = Math.max(1, ...points.map((p) => p.latencyMs));
  const y = (share: number) => Math.round((height - 2 - share * (height - 4)) * 10) / 10;
  const down: { x: number; width: number }[] = [];
  points.forEach((p, i) => {
    if (p.up) return;
    const next = points[i + 1];
    down.push({ x: x(p), width: Math.max(2, (next ? x(next) : width) - x(p)) });
  });
  return {
    latency: points.map((p) => `${x(p)},${y(p.latencyMs / peakMs)}`).join(' '),
    errors: points.map((p) => `${x(p)},${y(Math.min(1, p.errorRate))}`).join(' '),
    down,
    peakMs,
  };
}
