/**
 * One provider's health over time as a chart read at a glance: latency (solid, left axis in ms),
 * error rate (dashed, right axis 0–100 %), down periods shaded, time along the bottom, and a legend.
 */
import type { ProviderHistoryPoint } from '../../../electron/api/contract';
import { chartGeometry } from '../health-series';
import { duration } from '../words';

const PLOT_W = 300;
const PLOT_H = 90;
const LEFT = 56;
const RIGHT = 40;
const TOP = 8;
const BOTTOM = 40;
const W = LEFT + PLOT_W + RIGHT;
const H = TOP + PLOT_H + BOTTOM;

export function HealthChart({ name, points }: { name: string; points: ProviderHistoryPoint[] }) {
  const g = chartGeometry(points, PLOT_W, PLOT_H);
  if (!g) return <span data-testid="health-chart" data-samples={points.length}>Collecting…</span>;
  const last = points[points.length - 1]!;
  const spanMs = Date.parse(last.at) - Date.parse(points[0]!.at);
  const label = `${name} over the last ${duration(spanMs)}: latency now ${duration(last.latencyMs)} (peak ${duration(g.peakMs)}), errors now ${(last.errorRate * 100).toFixed(0)} %${g.down.length ? ', down for part of it' : ''}`;
  return (
    <svg className="chart" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="health-chart" data-samples={points.length} data-down={g.down.length}>
      <title>{label}</title>
      <g transform={`translate(${LEFT},${TOP})`}>
        {g.down.map((d, i) => <rect key={i} x={d.x} y={0} width={d.width} height={PLOT_H} className="chart-down" data-testid="chart-down" />)}
        <line className="chart-axis" x1={0} y1={0} x2={0} y2={PLOT_H} />
        <line className="chart-axis" x1={0} y1={PLOT_H} x2={PLOT_W} y2={PLOT_H} />
        <line className="chart-axis" x1={PLOT_W} y1={0} x2={PLOT_W} y2={PLOT_H} />
        <text className="chart-text" x={-4} y={8} textAnchor="end">{duration(g.peakMs)}</text>
        <text className="chart-text" x={-4} y={PLOT_H} textAnchor="end">0 ms</text>
        <text className="chart-text" x={PLOT_W + 4} y={8}>100 %</text>
        <text className="chart-text" x={PLOT_W + 4} y={PLOT_H}>0 %</text>
        <text className="chart-text" x={0} y={PLOT_H + 14}>{duration(spanMs)} ago</text>
        <text className="chart-text" x={PLOT_W} y={PLOT_H + 14} textAnchor="end">now</text>
        <polyline className="chart-latency" fill="none" points={g.latency} />
        <polyline className="chart-errors" fill="none" points={g.errors} />
        <g transform={`translate(0,${PLOT_H + 30})`} className="chart-text">
          <line className="chart-latency" x1={0} y1={-4} x2={18} y2={-4} />
          <text x={22} y={0}>latency (ms)</text>
          <line className="chart-errors" x1={112} y1={-4} x2={130} y2={-4} />
          <text x={134} y={0}>errors (%)</text>
          <rect className="chart-down" x={214} y={-10} width={14} height={10} />
          <text x={232} y={0}>down</text>
        </g>
      </g>
    </svg>
  );
}
