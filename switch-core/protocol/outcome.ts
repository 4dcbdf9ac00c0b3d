/**
 * Outcome classes of the interface: 200/201/202 successful; 500, 504 and timeouts unknown (retry,
 * never resell); 400, 501, 503 and everything else failed. Every edge decides with this one function,
 * and every layer takes its success codes from here (which code each operation answers with is in
 * OPERATIONS).
 */
export type Outcome = 'successful' | 'unknown' | 'failed';

/** Every success code of interface v3.13: 200 (trial, reprint), 201 (created), 202 (retry, advices). */
export const SUCCESS_STATUSES = [200, 201, 202] as const;
export type SuccessStatus = (typeof SUCCESS_STATUSES)[number];

export function isSuccessStatus(status: number | null | undefined): status is SuccessStatus {
  return (SUCCESS_STATUSES as readonly (number | null | undefined)[]).includes(status);
}

export function outcomeOfStatus(status: number | undefined): Outcome {
  if (status === undefined) return 'unknown'; // timeout or connection lost before an answer
  if (isSuccessStatus(status)) return 'successful';
  if (status === 500 || status === 504) return 'unknown';
  return 'failed';
}
