/**
 * The must-deliver rule for advices the switch forwards (confirmations, reversals, key change
 * confirmations). The interface names only two final answers: 202 (delivered) and 400 (refused for
 * good). Anything else — a timeout, 5xx, 503, a 404 from a provider that has not caught up, a
 * provider that is down — keeps the advice at the head of its provider's queue with backoff until
 * it is older than the age limit; then it is parked as needing reconciliation by a person.
 */
import { backoffMs, type Backoff } from '../../common/backoff';
import { errorText, type PpuResult } from '../protocol';
import type { AdviceRecord } from './model';

export const DEFAULT_BACKOFF: Backoff = { baseMs: 500, maxMs: 60_000 };
export const DEFAULT_ADVICE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

type AdviceState = Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>;

export function nextAdviceState(advice: AdviceRecord, result: PpuResult<unknown>, now: number, cfg: Backoff, maxAgeMs: number): AdviceState {
  const attempts = advice.attempts + 1;
  const at = new Date(now).toISOString();
  if (result.outcome === 'successful') return { id: advice.id, attempts, lastError: null, nextAttemptAt: at, status: 'DELIVERED' };
  const lastError =
    result.outcome === 'unknown'
      ? result.reason
      : `HTTP ${result.status}${result.error ? ` ${result.error.errorType}: ${errorText(result.error) ?? ''}` : ''}`;
  if (result.outcome === 'failed' && result.status === 400) return { id: advice.id, attempts, lastError, nextAttemptAt: at, status: 'FAILED' };
  if (now - Date.parse(advice.createdAt) >= maxAgeMs) return { id: advice.id, attempts, lastError, nextAttemptAt: at, status: 'NEEDS_RECONCILIATION' };
  return { id: advice.id, attempts, lastError, nextAttemptAt: new Date(now + backoffMs(attempts, cfg)).toISOString(), status: 'PENDING' };
}
