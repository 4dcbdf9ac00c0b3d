import { describe, expect, it } from 'vitest';
import type { ProviderHistoryPoint } from '../../electron/api/contract';
import { chartGeometry, mergeSeries } from './health-series';

const pt = (providerId: string, sec: number, latencyMs = 10, errorRate = 0, up = true): ProviderHistoryPoint => ({
  at: new Date(Date.UTC(2026, 0, 1, 12, 0, sec)).toISOString(), providerId, latencyMs, errorRate, up,
});

describe('provider health series', () => {
  it('merges the switch history with polled points once per time, oldest first, capped per provider', () => {
    const merged = mergeSeries([pt('P01', 0), pt('P02', 0), pt('P01', 10)], [pt('P01', 10, 99), pt('P01', 12), pt('P01', 14)], 3);
    expect(merged.filter((p) => p.providerId === 'P01').map((p) => [p.at.slice(17, 19), p.latencyMs])).toEqual([['10', 99], ['12', 10], ['14', 10]]);
    expect(merged.filter((p) => p.providerId === 'P02')).toHaveLength(1);
  });

  it('lays latency against its peak, errors against 100 %, and marks where the provider was down', () => {
    const g = chartGeometry([pt('P01', 0, 50), pt('P01', 5, 100, 1, false), pt('P01', 10, 0)], 100, 42);
    expect(g).not.toBeNull();
    expect(g!.peakMs).toBe(100);
    expect(g!.latency).toBe('0,21 50,2 100,40');
    expect(g!.errors).toBe('0,40 50,2 100,40');
    expect(g!.down).toEqual([{ x: 50, width: 50 }]);
    expect(chartGeometry([pt('P01', 0)], 100, 42)).toBeNull();
  });
});
