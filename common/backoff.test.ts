/** The backoff schedule every retry and lockout follows, as a table. */
import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff';

describe('exponential backoff', () => {
  it.each([
    // failures, base, max, wait
    [0, 500, 60_000, 500],
    [1, 500, 60_000, 500],
    [2, 500, 60_000, 1_000],
    [3, 500, 60_000, 2_000],
    [8, 500, 60_000, 60_000],
    [9, 500, 60_000, 60_000],
    [1, 30_000, 3_600_000, 30_000],
    [7, 30_000, 3_600_000, 1_920_000],
    [8, 30_000, 3_600_000, 3_600_000],
    [4, 250, 10_000, 2_000],
    [3, 60_000, Infinity, 240_000],
    [1_000, 1, Infinity, 2 ** 30],
  ])('after %i failures with base %i ms and cap %s ms: wait %i ms', (failures, baseMs, maxMs, wait) => {
    expect(backoffMs(failures, { baseMs, maxMs })).toBe(wait);
  });
});
