/**
 * Replies to the till: the HTTP status and body the switch answers with, derived from a provider's
 * result or from the switch's own refusal, and how a provider's result counts for the transaction
 * row and for provider health. Pure functions over the protocol's result type.
 */
import { errorDetail, formatError, statusForErrorType, type ErrorType, type PpuResult } from '../protocol';
import type { TxStatus } from './model';

/** A reply to the till: HTTP status and JSON body. */
export interface Reply {
  status: number;
  body: unknown;
  /** body as JSON, when the engine already serialised it to store it: sent as is. */
  json?: string;
}

export function fail(errorType: ErrorType, message: string, requestType: string, id?: string): Reply {
  return { status: statusForErrorType(errorType), body: errorDetail(errorType, message, { id, requestType }) };
}

/** The till hears what the provider said; an unknown outcome becomes 504 OUTCOME_UNKNOWN. */
export function replyOf(result: PpuResult<unknown>, requestType: string, id: string, providerName: string): Reply {
  if (result.outcome === 'successful') return { status: result.status, body: result.body };
  if (result.outcome === 'failed') {
    return { status: result.status, body: result.error ?? errorDetail('GENERAL_ERROR', `${providerName} answered HTTP ${result.status}`, { id, requestType }) };
  }
  return fail('OUTCOME_UNKNOWN', `Outcome at ${providerName} unknown (${result.reason}); retry this purchase`, requestType, id);
}

export const statusOf = (r: PpuResult<unknown>): TxStatus => (r.outcome === 'successful' ? 'SUCCESSFUL' : r.outcome === 'failed' ? 'FAILED' : 'UNKNOWN');
export const errorTypeOf = (r: PpuResult<unknown>): string | null =>
  r.outcome === 'successful' ? null : r.error?.errorType ?? (r.outcome === 'unknown' ? 'OUTCOME_UNKNOWN' : null);
/**
 * Provider trouble (not a business refusal): feeds health and the circuit breaker. A success we
 * could not read is our problem, not the provider's: it never opens a circuit.
 */
export const isProviderError = (r: PpuResult<unknown>): boolean => (r.outcome === 'unknown' && !r.unreadable) || r.status === 503;
/** Nothing reached the provider: safe to try the next one even for a purchase. */
export const neverSent = (r: PpuResult<unknown>): boolean => r.outcome === 'unknown' && r.status === null && /ECONNREFUSED|^authorization: /.test(r.reason);

/**
 * An empty meterId fits the model's pattern ([a-zA-Z0-9]{0,20}) but names no meter: refused as a
 * FORMAT_ERROR before anything is stored or broadcast.
 */
export function refuseEmptyMeter(req: { id: string; meter: { meterId: string } }, requestType: string): Reply | null {
  if (req.meter.meterId !== '') return null;
  return { status: 400, body: formatError(requestType, [{ field: 'meter.meterId', msg: 'must name a meter: 1 to 20 letters or digits', value: '' }], req.id) };
}
