/**
 * Provider health: a rolling window of outcomes per provider (latency percentiles, error rate), a
 * circuit breaker (closed → open after consecutive failures → half-open probe after a cool-down)
 * and health-change alerts. Decisions are pure functions; ProviderMonitor only holds the state
 * and takes its clock as an argument.
 */
import type { CircuitState, HealthAlert, HealthSample, ProviderHealth } from './model';

export interface HealthConfig {
  failureThreshold: number;
  openMs: number;
  windowSize: number;
  degradedErrorRate: number;
  /** Above this share of failed calls in the window the provider is DOWN, whatever the breaker says. */
  downErrorRate: number;
  degradedP50Ms: number;
}

export const DEFAULT_HEALTH_CONFIG: HealthConfig = { failureThreshold: 5, openMs: 5_000, windowSize: 200, degradedErrorRate: 0.2, downErrorRate: 0.5, degradedP50Ms: 1_000 };

export interface BreakerState {
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  readonly openedAt: number;
}

export const CLOSED: BreakerState = { state: 'closed', consecutiveFailures: 0, openedAt: 0 };

/** The breaker as seen at `now`: an open circuit becomes half-open once the cool-down has passed. */
export function breakerAt(s: BreakerState, now: number, cfg: HealthConfig): BreakerState {
  if (s.state === 'open' && now - s.openedAt >= cfg.openMs) return { ...s, state: 'half-open' };
  return s;
}

export function breakerOnResult(s: BreakerState, ok: boolean, now: number, cfg: HealthConfig): BreakerState {
  if (ok) return CLOSED;
  const failures = s.consecutiveFailures + 1;
  if (s.state === 'half-open' || failures >= cfg.failureThreshold) return { state: 'open', consecutiveFailures: failures, openedAt: now };
  return { ...s, consecutiveFailures: failures };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

/**
 * `slowMedian`: the window's p50 latency is above `cfg.degradedP50Ms`. A half-open circuit is still
 * DOWN: it opened on consecutive failures and nothing has answered since (a provider taken down
 * gets no traffic to prove otherwise, so calling it DEGRADED hid the outage). Failing most calls
 * is DOWN too, even when the odd success keeps the breaker closed.
 */
export function healthOf(circuit: CircuitState, errorRate: number, slowMedian: boolean, cfg: HealthConfig): ProviderHealth {
  if (circuit !== 'closed' || errorRate > cfg.downErrorRate) return 'DOWN';
  if (errorRate > cfg.degradedErrorRate || slowMedian) return 'DEGRADED';
  return 'UP';
}

export interface ProviderStats {
  providerId: string;
  health: ProviderHealth;
  circuit: CircuitState;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errorRate: number;
  requests: number;
}

interface Window {
  ms: number[];
  errors: boolean[];
  next: number;
  requests: number;
  breaker: BreakerState;
  health: ProviderHealth;
  /** Running counts over the window, so recording an outcome needs no sort. */
  errorCount: number;
  slowCount: number;
}

/** p50 > limit, from how many samples exceed it: the same test as percentile(sorted, 50) > limit. */
export function medianAbove(n: number, above: number): boolean {
  return n > 0 && above > n - Math.max(1, Math.ceil(n / 2));
}

export class ProviderMonitor {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: () => number,
    private readonly onAlert: (a: HealthAlert) => void,
    private readonly cfg: HealthConfig = DEFAULT_HEALTH_CONFIG,
  ) {}

  private win(id: string): Window {
    let w = this.windows.get(id);
    if (!w) {
      w = { ms: [], errors: [], next: 0, requests: 0, breaker: CLOSED, health: 'UP', errorCount: 0, slowCount: 0 };
      this.windows.set(id, w);
    }
    return w;
  }

  circuit(id: string): CircuitState {
    return breakerAt(this.win(id).breaker, this.clock(), this.cfg).state;
  }

  /** `error`: the provider failed us (timeout, 5xx, refused, 503) — not a business refusal. */
  record(id: string, ms: number, error: boolean): void {
    const w = this.win(id);
    const now = this.clock();
    const slow = ms > this.cfg.degradedP50Ms;
    if (w.ms.length < this.cfg.windowSize) {
      w.ms.push(ms);
      w.errors.push(error);
    } else {
      if (w.errors[w.next]) w.errorCount--;
      if (w.ms[w.next]! > this.cfg.degradedP50Ms) w.slowCount--;
      w.ms[w.next] = ms;
      w.errors[w.next] = error;
      w.next = (w.next + 1) % this.cfg.windowSize;
    }
    if (error) w.errorCount++;
    if (slow) w.slowCount++;
    w.requests++;
    w.breaker = breakerOnResult(breakerAt(w.breaker, now, this.cfg), !error, now, this.cfg);
    this.refreshHealth(id, w);
  }

  /** The one place health is decided: from the window's running counts, so no sort per answer. */
  private healthNow(w: Window): ProviderHealth {
    const n = w.ms.length;
    return healthOf(breakerAt(w.breaker, this.clock(), this.cfg).state, n ? w.errorCount / n : 0, medianAbove(n, w.slowCount), this.cfg);
  }

  private refreshHealth(id: string, w: Window): void {
    // Called on every provider answer; the sorted figures are built only on a change.
    if (this.healthNow(w) === w.health) return;
    const s = this.statsOf(id, w);
    const from = w.health;
    w.health = s.health;
    this.onAlert({
      at: new Date(this.clock()).toISOString(),
      providerId: id,
      from,
      to: s.health,
      message: `${id} is ${s.health} (was ${from}): circuit ${s.circuit}, error rate ${(s.errorRate * 100).toFixed(0)}%, p50 ${s.latencyP50Ms.toFixed(0)} ms`,
    });
  }

  private statsOf(id: string, w: Window): ProviderStats {
    const sorted = [...w.ms].sort((a, b) => a - b);
    return {
      providerId: id,
      health: this.healthNow(w),
      circuit: breakerAt(w.breaker, this.clock(), this.cfg).state,
      latencyP50Ms: percentile(sorted, 50),
      latencyP99Ms: percentile(sorted, 99),
      errorRate: w.errors.length ? w.errorCount / w.errors.length : 0,
      requests: w.requests,
    };
  }

  stats(id: string): ProviderStats {
    const w = this.win(id);
    this.refreshHealth(id, w);
    return this.statsOf(id, w);
  }

  sample(ids: readonly string[]): HealthSample[] {
    const at = new Date(this.clock()).toISOString();
    return ids.map((id) => {
      const s = this.stats(id);
      return { at, providerId: id, latencyMs: s.latencyP50Ms, errorRate: s.errorRate, up: s.health !== 'DOWN' };
    });
  }
}
