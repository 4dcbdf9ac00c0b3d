/**
 * A bench's targets and whether this run met them: each bench returns its checks, and
 * `npm run bench` (run-all.ts) lists the missed ones and exits non-zero.
 */
export interface TargetCheck {
  /** What was measured, e.g. "layout+encode slips/s". */
  name: string;
  met: boolean;
  /** The figure beside its target, e.g. "7,812/s (target ≥ 5,000/s)". */
  detail: string;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en') : x.toFixed(2));

export function atMost(name: string, value: number, limit: number, unit: string): TargetCheck {
  return { name, met: value <= limit, detail: `${fmt(value)} ${unit} (target ≤ ${fmt(limit)} ${unit})` };
}

export function atLeast(name: string, value: number, limit: number, unit: string): TargetCheck {
  return { name, met: value >= limit, detail: `${fmt(value)} ${unit} (target ≥ ${fmt(limit)} ${unit})` };
}

/** A row that could not be measured (a tool missing): a miss, saying how to get the tool. */
export function missing(name: string, howToInstall: string): TargetCheck {
  return { name, met: false, detail: `not measured: ${howToInstall}` };
}
