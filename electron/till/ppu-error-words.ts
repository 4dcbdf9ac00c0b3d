/**
 * The switch's PPU error types in the cashier's words: what happened and what to do next.
 * Pure: one lookup, used wherever a switch answer reaches a screen or a slip.
 */
import { errorText, type ErrorDetail } from '../../switch-core/protocol';

const PPU_ERROR_WORDS: Record<string, string> = {
  UNKNOWN_METER_ID: 'The meter number is not known to any utility. Check the number with the customer.',
  METER_ID_BLOCKED: 'This meter is blocked by the utility. The customer must contact the utility.',
  INVALID_AMOUNT: 'The utility does not accept this amount. Try a different amount.',
  AMOUNT_TOO_LOW: 'The amount is below the minimum for this meter. Ask for a larger amount.',
  AMOUNT_TOO_HIGH: 'The amount is above the maximum for this meter. Sell a smaller amount.',
  ROUTING_ERROR: 'No provider can sell for this meter right now. Try again later.',
  // Not "unknown meter": no provider could be asked, so nothing is known about the meter yet.
  UPSTREAM_UNAVAILABLE: 'No provider can be reached right now, so the meter could not be checked. Nothing was charged. Try again in a minute.',
  TRANSACTION_DECLINED: 'The sale was declined by the utility.',
  DO_NOT_HONOR: 'The sale was declined by the utility.',
  LIMIT_EXCEEDED: 'This meter has reached its purchase limit.',
  METER_KEY_INVALID: 'The meter’s keys are out of date. The customer must contact the utility.',
  INVALID_MERCHANT: 'This till is not set up for sales. Ask the manager to check the merchant settings.',
  FORMAT_ERROR: 'The switch did not accept the request. Ask the manager to check the till settings.',
  DUPLICATE_RECORD: 'This sale was already sent. Check the pending queue before selling again.',
  UNABLE_TO_LOCATE_RECORD: 'The switch never received this sale.',
};

/** The words for a switch answer: its PPU error, else its HTTP status, else "could not be reached". */
export function ppuErrorWords(error: ErrorDetail | null, status: number | null): string {
  if (status === 401 || status === 403) return 'The switch refused the till’s credentials. Ask the manager to check the switch settings.';
  if (!error) return status ? `The switch answered HTTP ${status}.` : 'The switch could not be reached.';
  return PPU_ERROR_WORDS[error.errorType] ?? errorText(error) ?? error.errorType;
}
