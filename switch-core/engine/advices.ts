/**
 * The must-deliver rule for advices the switch forwards (confirmations, reversals, key change
 * confirmations): a 202 delivers; a definite refusal is final; anything else (timeout, 5xx, a
 * provider that is down) keeps the advice at the head of its provider's queue with backoff.
 */
import { errorText, type PpuResult } from '../protocol';
import type { AdviceRecord } from './model';

export interface BackoffConfig {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffConfig = { baseMs: 500, maxMs: 60_000 };

export function backoffMs(attempts: number, cfg: BackoffConfig): number {
  return Math.min(cfg.maxMs, cfg.baseMs * 2 ** Math.max(0, attempts - 1));
}

export function nextAdviceState(
  advice: AdviceRecord,
  result: PpuResult<unknown>,
  now: number,
  cfg: BackoffConfig,
): Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'> {
  const attempts = advice.attempts + 1;
  const at = new Date(now).toISOString();
  if (result.outcome === 'successful') return { id: advice.id, attempts, lastError: null, nextAttemptAt: at, status: 'DELIVERED' };
  const retryable = result.outcome === 'unknown' || result.status === 503;
  const lastError =
    result.outcome === 'unknown'
      ? result.reason
      : `HTTP ${result.status}${result.error ? ` ${result.error.errorType}: ${errorText(result.error) ?? ''}` : ''}`;
  if (!retryable) return { id: advice.id, attempts, lastError, nextAttemptAt: at, status: 'FAILED' };
  return { id: advice.id, attempts, lastError, nextAttemptAt: new Date(now + backoffMs(attempts, cfg)).toISOString(), status: 'PENDING' };
}
