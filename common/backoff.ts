/**
 * The one exponential backoff schedule: the wait after the n-th failure in a row is base, 2·base,
 * 4·base … capped at max. Used by the till's sale retries and advice delivery, the switch's advice
 * queue and its delays after wrong credentials, PIN and STS keypad lockouts, and the PostgreSQL
 * listener's reconnects.
 */

export interface Backoff {
  baseMs: number;
  /** The longest wait (Infinity: no cap). */
  maxMs: number;
}

/** The wait after the n-th failure in a row (n ≥ 1; less counts as 1). The exponent stops at 30 so no wait overflows. */
export function backoffMs(failures: number, b: Backoff): number {
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(b.maxMs, b.baseMs * 2 ** exp);
}
