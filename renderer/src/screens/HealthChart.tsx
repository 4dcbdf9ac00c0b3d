/** A small inline SVG of one provider's health over time: latency (solid), error rate (dashed), down periods shaded. */
import type { ProviderHistoryPoint } from '../../../electron/api/contract';
import { chartGeometry } from '../health-series';

const W = 200;
const H = 48;

export function HealthChart({ name, points }: { name: string; points: ProviderHistoryPoint[] }) {
  const g = chartGeometry(points, W, H);
  if (!g) return <span data-testid="health-chart" data-samples={points.length}>Collecting…</span>;
  const last = points[points.length - 1]!;
  const minutes = Math.max(1, Math.round((Date.parse(last.at) - Date.parse(points[0]!.at)) / 60_000));
  const label = `${name} over the last ${minutes} min: latency now ${Math.round(last.latencyMs)} ms (peak ${Math.round(g.peakMs)} ms), errors now ${(last.errorRate * 100).toFixed(0)} %${g.down.length ? ', down for part of it' : ''}`;
  return (
    <svg className="chart" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="health-chart" data-samples={points.length}>
      <title>{label}</title>
      {g.down.map((d, i) => <rect key={i} x={d.x} y={0} width={d.width} height={H} className="chart-down" />)}
      <polyline className="chart-latency" fill="none" points={g.latency} />
      <polyline className="chart-errors" fill="none" points={g.errors} />
    </svg>
  );
}
