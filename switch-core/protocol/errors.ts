/**
 * PPU v3 error vocabulary: the ErrorDetail error types, how a validation failure becomes a
 * FORMAT_ERROR with `detailMessage.formatErrors[]`, and the constructors every edge uses so an
 * error body always has the same shape.
 */
import type { z } from 'zod';
import { maskCardNumber, type ErrorDetail, type FormatError } from './schemas';

export const ERROR_TYPES = [
  'DUPLICATE_RECORD',
  'FORMAT_ERROR',
  'FUNCTION_NOT_SUPPORTED',
  'GENERAL_ERROR',
  'INVALID_AMOUNT',
  'ROUTING_ERROR',
  'TRANSACTION_NOT_SUPPORTED',
  'UNABLE_TO_LOCATE_RECORD',
  'UPSTREAM_UNAVAILABLE',
  'UNKNOWN_METER_ID',
  'TRANSACTION_DECLINED',
  'INVALID_MERCHANT',
  'INVALID_AN32_TOKEN',
  'DO_NOT_HONOR',
  'INVALID_MSISDN',
  'INVALID_LOYALTY_CARD',
  'UTILITY_INVALID',
  'SYSTEM_MALFUNCTION',
  'METER_KEY_INVALID',
  'AMOUNT_TOO_LOW',
  'AMOUNT_TOO_HIGH',
  'NO_FREE_UNITS_DUE',
  'INSUFFICIENT_FUNDS',
  'LIMIT_EXCEEDED',
  'METER_ID_BLOCKED',
  'OUTCOME_UNKNOWN',
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

/** Which HTTP status the interface pairs with an error type when a server answers with it. */
export function statusForErrorType(errorType: ErrorType): number {
  switch (errorType) {
    case 'UNABLE_TO_LOCATE_RECORD':
      return 404;
    case 'FUNCTION_NOT_SUPPORTED':
    case 'TRANSACTION_NOT_SUPPORTED':
      return 501;
    case 'UPSTREAM_UNAVAILABLE':
      return 503;
    case 'OUTCOME_UNKNOWN':
      return 504;
    case 'SYSTEM_MALFUNCTION':
    case 'GENERAL_ERROR':
      return 500;
    default:
      return 400;
  }
}

/**
 * The model limits errorMessage to 20 characters: a longer message is cut there and kept whole in
 * detailMessage.message (beside the detail's own fields, or beside it as `detail` when the detail is
 * not an object). A short message leaves the detail as given.
 */
export const ERROR_MESSAGE_MAX = 20;

export function errorDetail(
  errorType: ErrorType,
  message: string,
  extra: { id?: string; originalId?: string; requestType?: string; detailMessage?: unknown } = {},
): ErrorDetail {
  const { detailMessage, ...ids } = extra;
  if (message.length <= ERROR_MESSAGE_MAX) return { errorType, errorMessage: message, ...ids, ...(detailMessage !== undefined ? { detailMessage } : {}) };
  const detail = isRecord(detailMessage) ? detailMessage : detailMessage === undefined ? {} : { detail: detailMessage };
  return { errorType, errorMessage: message.slice(0, ERROR_MESSAGE_MAX - 1) + '…', ...ids, detailMessage: { message, ...detail } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The whole text of an error: detailMessage.message when the sender gave one, else errorMessage. */
export function errorText(error: ErrorDetail): string | undefined {
  const detail = error.detailMessage;
  const full = typeof detail === 'object' && detail !== null && 'message' in detail ? detail.message : undefined;
  return typeof full === 'string' ? full : error.errorMessage;
}

/**
 * Turns zod issues into the interface's `formatErrors[{field, msg, value}]`. A card number is
 * echoed masked: a refused full number must not come back in the answer (or in the traces of it).
 */
export function formatErrorsFromZod(error: z.ZodError): FormatError[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(body)';
    const value = 'input' in issue ? issue.input : undefined;
    return { field, msg: issue.message, value: /(cardNumber|pan)$/.test(field) && typeof value === 'string' ? maskCardNumber(value) : value };
  });
}

export function formatError(requestType: string, formatErrors: FormatError[], id?: string): ErrorDetail {
  const first = formatErrors[0];
  const summary = first ? `${first.field}: ${first.msg}` : 'invalid request';
  return errorDetail('FORMAT_ERROR', `Invalid ${requestType}: ${summary}`, {
    id,
    requestType,
    detailMessage: { formatErrors },
  });
}
