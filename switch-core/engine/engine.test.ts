/** Table tests for the switch's pure decisions, phrased as the seeds' rules. */
import { describe, expect, it } from 'vitest';
import { applyLookupAnswers, classifyLookupResult, keepPreferences, markForRebroadcast, newMeter, whomToBroadcast } from './contract';
import { nextAdviceState } from './advices';
import { breakerAt, breakerOnResult, CLOSED, DEFAULT_HEALTH_CONFIG, healthOf, ProviderMonitor } from './health';
import type { HealthAlert } from './model';
import type { AdviceRecord, MeterState, SupportStatus } from './model';
import { routePurchase, weightedOrder, type RoutingProvider } from './routing';

const meter = (support: Record<string, SupportStatus>, extra: Partial<MeterState> = {}): MeterState => ({
  meterId: 'M1',
  utilityId: 'U1',
  rebroadcastFlag: false,
  preferredProviderId: null,
  support: Object.entries(support).map(([providerId, status]) => ({ providerId, status, lastResponseAt: status === 'UNCONFIRMED' ? null : '2026-01-01T00:00:00.000Z' })),
  ...extra,
});
const ALL = ['A', 'B', 'C', 'D'];
const caps = { retries: true, reprints: true, trialPurchases: false, faultReports: false, keyChange: false };
const providers: RoutingProvider[] = ALL.map((id) => ({ id, weight: id === 'C' ? 3 : 1, enabled: true, capabilities: { ...caps, trialPurchases: id === 'D' } }));

describe('whomToBroadcast', () => {
  it.each([
    ['an unknown meter goes to every enabled provider', null, ALL],
    ['a fully answered meter needs no broadcast', meter({ A: 'SUPPORTED', B: 'NOT_SUPPORTED', C: 'NOT_SUPPORTED', D: 'SUPPORTED' }), []],
    ['non-responders are asked again', meter({ A: 'SUPPORTED', B: 'UNCONFIRMED', C: 'NOT_SUPPORTED' }), ['B', 'D']],
  ] as const)('%s', (_name, m, expected) => {
    expect(whomToBroadcast(m, ALL)).toEqual(expected);
  });
});

describe('Confirm support and the rebroadcast flag (seed 001)', () => {
  it('makes everyone not explicitly Supported Unconfirmed and raises the flag; the next lookup asks them and clears it', () => {
    const marked = markForRebroadcast(meter({ A: 'SUPPORTED', B: 'NOT_SUPPORTED' }), ALL);
    expect(marked.rebroadcastFlag).toBe(true);
    expect(marked.support.map((s) => [s.providerId, s.status])).toEqual([['A', 'SUPPORTED'], ['B', 'UNCONFIRMED'], ['C', 'UNCONFIRMED'], ['D', 'UNCONFIRMED']]);
    expect(whomToBroadcast(marked, ALL)).toEqual(['B', 'C', 'D']);
    const after = applyLookupAnswers(marked, [{ providerId: 'B', answer: 'SUPPORTED', at: 'T' }, { providerId: 'C', answer: 'NOT_SUPPORTED', at: 'T' }, { providerId: 'D', answer: 'NO_ANSWER', at: 'T' }], { clearRebroadcastFlag: true });
    expect(after.rebroadcastFlag).toBe(false);
    expect(after.support.map((s) => [s.providerId, s.status, s.lastResponseAt])).toEqual([['A', 'SUPPORTED', '2026-01-01T00:00:00.000Z'], ['B', 'SUPPORTED', 'T'], ['C', 'NOT_SUPPORTED', 'T'], ['D', 'UNCONFIRMED', null]]);
  });

  it('a Supported provider keeps its support through a lookup it did not answer', () => {
    const m = applyLookupAnswers(meter({ A: 'SUPPORTED' }), [{ providerId: 'A', answer: 'NO_ANSWER', at: 'T' }]);
    expect(m.support[0]?.status).toBe('SUPPORTED');
  });

  it.each([
    [{ outcome: 'successful', status: 201, body: {}, ms: 1 }, 'SUPPORTED'],
    [{ outcome: 'failed', status: 400, error: { errorType: 'UNKNOWN_METER_ID' }, ms: 1 }, 'NOT_SUPPORTED'],
    [{ outcome: 'failed', status: 400, error: { errorType: 'METER_ID_BLOCKED' }, ms: 1 }, 'SUPPORTED'],
    [{ outcome: 'failed', status: 503, error: null, ms: 1 }, 'NO_ANSWER'],
    [{ outcome: 'unknown', status: null, reason: 'timeout', error: null, ms: 1 }, 'NO_ANSWER'],
  ] as const)('classifies a lookup result %#', (result, expected) => {
    expect(classifyLookupResult(result)).toBe(expected);
  });

  it('the periodic re-broadcast keeps a meter preference only while that provider still supports the meter', () => {
    expect(keepPreferences(meter({ A: 'SUPPORTED' }, { preferredProviderId: 'A' })).preferredProviderId).toBe('A');
    expect(keepPreferences(meter({ A: 'NOT_SUPPORTED' }, { preferredProviderId: 'A' })).preferredProviderId).toBeNull();
    expect(newMeter('X').support).toEqual([]);
  });
});

describe('routePurchase', () => {
  const closed = () => 'closed' as const;
  const rng = () => 0;
  const utility = { id: 'U1', name: 'U', utilityType: 'ELECTRICITY' as const, ranked: ['B', 'A'], excluded: ['D'] };
  const all = meter({ A: 'SUPPORTED', B: 'SUPPORTED', C: 'SUPPORTED', D: 'SUPPORTED' });

  it.each([
    ['meter preference first, then ranked, then weights; excluded never', all, { preferredProviderId: 'C' }, closed, ['C', 'B', 'A']],
    ['ranked order when no meter preference', all, {}, closed, ['B', 'A', 'C']],
    ['an open circuit is skipped (fail over to the next)', all, {}, (id: string) => (id === 'B' ? ('open' as const) : ('closed' as const)), ['A', 'C']],
    ['only providers that support the meter', meter({ A: 'NOT_SUPPORTED', B: 'UNCONFIRMED', C: 'SUPPORTED' }), {}, closed, ['C']],
  ] as const)('%s', (_n, m, extra, circuit, expected) => {
    const d = routePurchase({ meter: { ...m, ...extra }, utility, providers, circuit, rng });
    expect(d).toEqual({ ok: true, candidates: expected });
  });

  it('says why it cannot route', () => {
    expect(routePurchase({ meter: meter({ D: 'SUPPORTED' }), utility, providers, circuit: closed, rng })).toEqual({ ok: false, reason: 'NO_SUPPORTING_PROVIDER' });
    expect(routePurchase({ meter: meter({ A: 'SUPPORTED' }), utility, providers, circuit: closed, rng, capability: 'trialPurchases' })).toEqual({ ok: false, reason: 'NOT_CAPABLE' });
    expect(routePurchase({ meter: meter({ A: 'SUPPORTED' }), utility, providers, circuit: () => 'open', rng })).toEqual({ ok: false, reason: 'ALL_UNAVAILABLE' });
  });

  it('load-balancer weights pick proportionally (C has weight 3 of 5)', () => {
    let s = 1;
    const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const firsts = Array.from({ length: 5000 }, () => weightedOrder(['A', 'B', 'C'], (id) => (id === 'C' ? 3 : 1), r)[0]);
    const share = firsts.filter((x) => x === 'C').length / firsts.length;
    expect(share).toBeGreaterThan(0.55);
    expect(share).toBeLessThan(0.65);
  });
});

describe('circuit breaker and health', () => {
  const cfg = DEFAULT_HEALTH_CONFIG;
  it('opens after consecutive failures, half-opens after the cool-down, closes on a good probe', () => {
    let b = CLOSED;
    for (let i = 0; i < cfg.failureThreshold; i++) b = breakerOnResult(b, false, 1000, cfg);
    expect(b.state).toBe('open');
    expect(healthOf(breakerAt(b, 1000, cfg).state, 1, false, cfg)).toBe('DOWN');
    expect(breakerAt(b, 1000 + cfg.openMs, cfg).state).toBe('half-open');
    expect(breakerOnResult(breakerAt(b, 1000 + cfg.openMs, cfg), false, 9e9, cfg).state).toBe('open');
    expect(breakerOnResult(breakerAt(b, 1000 + cfg.openMs, cfg), true, 9e9, cfg).state).toBe('closed');
    expect(healthOf('closed', 0.5, false, cfg)).toBe('DEGRADED');
    expect(healthOf('closed', 0, false, cfg)).toBe('UP');
    // Not proven back yet: a half-open circuit (no answer since it opened) is still DOWN; so is failing most calls.
    expect(healthOf('half-open', 0.3, false, cfg)).toBe('DOWN');
    expect(healthOf('closed', 0.6, false, cfg)).toBe('DOWN');
    expect(healthOf('closed', 0, true, cfg)).toBe('DEGRADED');
  });

  it('turns DEGRADED when the median answer over the window is slow or errors pass the rate, and UP again as they leave the window', () => {
    const alerts: HealthAlert[] = [];
    const m = new ProviderMonitor(() => 0, (a) => alerts.push(a), { ...cfg, windowSize: 4, degradedP50Ms: 100, degradedErrorRate: 0.5, downErrorRate: 0.9, failureThreshold: 99 });
    const health = () => alerts.map((a) => a.to);
    for (const ms of [10, 500, 10, 500]) m.record('A', ms, false);
    expect(health()).toEqual([]); // median of [10, 10, 500, 500] is 10
    m.record('A', 500, false); // window [500, 500, 10, 500]
    expect(health()).toEqual(['DEGRADED']);
    expect(m.stats('A')).toMatchObject({ health: 'DEGRADED', latencyP50Ms: 500, requests: 5 });
    for (const ms of [10, 10]) m.record('A', ms, false); // window [10, 10, 10, 500]
    expect(health()).toEqual(['DEGRADED', 'UP']);
    for (let i = 0; i < 3; i++) m.record('A', 10, i < 2); // 2 errors of 4 is not above 0.5 ...
    expect(health()).toEqual(['DEGRADED', 'UP']);
    m.record('A', 10, true); // ... 3 of 4 is
    expect(health()).toEqual(['DEGRADED', 'UP', 'DEGRADED']);
    expect(m.stats('A').errorRate).toBe(0.75);
    for (let i = 0; i < 4; i++) m.record('A', 10, false);
    expect(health()).toEqual(['DEGRADED', 'UP', 'DEGRADED', 'UP']);
  });

  it('a provider taken down is DOWN from its breaker opening until an answer proves it back, not DEGRADED while nobody probes it', () => {
    let now = 0;
    const alerts: HealthAlert[] = [];
    const m = new ProviderMonitor(() => now, (a) => alerts.push(a), cfg);
    for (let i = 0; i < 20; i++) m.record('A', 20, false); // a good history keeps the error rate low
    for (let i = 0; i < cfg.failureThreshold; i++) m.record('A', 5, true); // then 503s
    expect(m.stats('A').health).toBe('DOWN');
    now += cfg.openMs * 3; // no traffic reaches it while the circuit is open: a sample then still says DOWN
    expect(m.stats('A')).toMatchObject({ circuit: 'half-open', health: 'DOWN' });
    expect(m.sample(['A'])[0]?.up).toBe(false);
    m.record('A', 20, false); // the probe answers
    expect(m.stats('A').health).toBe('UP');
    expect(alerts.map((a) => a.to)).toEqual(['DOWN', 'UP']);
  });

  it('failing most calls is DOWN even when odd successes keep the breaker closed', () => {
    const m = new ProviderMonitor(() => 0, () => undefined, { ...cfg, windowSize: 10 });
    for (let i = 0; i < 10; i++) m.record('A', 20, i % 3 !== 0); // 6 of 10 fail, never 5 in a row
    expect(m.stats('A')).toMatchObject({ circuit: 'closed', health: 'DOWN' });
  });
});

describe('advice delivery rule', () => {
  const advice: AdviceRecord = { id: 'a', purchaseId: 'p', kind: 'confirmation', operation: 'confirmation', providerId: 'A', body: {}, attempts: 0, lastError: null, createdAt: new Date(0).toISOString(), nextAttemptAt: 'T', status: 'PENDING' };
  const cfg = { baseMs: 100, maxMs: 1000 };
  const DAY = 24 * 3600 * 1000;
  it.each([
    [{ outcome: 'successful', status: 202, body: null, ms: 1 }, 'DELIVERED'],
    [{ outcome: 'failed', status: 400, error: null, ms: 1 }, 'FAILED'],
    [{ outcome: 'unknown', status: null, reason: 'timeout', error: null, ms: 1 }, 'PENDING'],
    [{ outcome: 'failed', status: 503, error: null, ms: 1 }, 'PENDING'],
    [{ outcome: 'failed', status: 404, error: null, ms: 1 }, 'PENDING'],
    [{ outcome: 'failed', status: 409, error: null, ms: 1 }, 'PENDING'],
  ] as const)('%# → %s', (result, status) => {
    expect(nextAdviceState(advice, result, 0, cfg, 7 * DAY).status).toBe(status);
  });
  it('parks an advice still not final once it is older than the age limit; a final answer still counts', () => {
    const notFound = { outcome: 'failed', status: 404, error: null, ms: 1 } as const;
    expect(nextAdviceState(advice, notFound, 7 * DAY - 1, cfg, 7 * DAY).status).toBe('PENDING');
    expect(nextAdviceState(advice, notFound, 7 * DAY, cfg, 7 * DAY)).toMatchObject({ status: 'NEEDS_RECONCILIATION', lastError: 'HTTP 404' });
    expect(nextAdviceState(advice, { outcome: 'successful', status: 202, body: null, ms: 1 }, 8 * DAY, cfg, 7 * DAY).status).toBe('DELIVERED');
  });
  it('backs off exponentially up to the cap', () => {
    const r = { outcome: 'unknown', status: null, reason: 'timeout', error: null, ms: 1 } as const;
    expect(Date.parse(nextAdviceState({ ...advice, attempts: 0 }, r, 0, cfg, DAY).nextAttemptAt)).toBe(100);
    expect(Date.parse(nextAdviceState({ ...advice, attempts: 9 }, r, 0, cfg, DAY).nextAttemptAt)).toBe(1000);
  });
});
