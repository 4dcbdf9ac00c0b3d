/**
 * Outcome classes of the interface: any 2xx successful (we answer 200/201/202 as OPERATIONS says,
 * and accept whatever success code a peer uses); 500, 504 and timeouts unknown (retry, never
 * resell); 400, 501, 503 and everything else failed. Every edge decides with this one function.
 */
export type Outcome = 'successful' | 'unknown' | 'failed';

/** The success codes we answer with: 200 (trial, reprint), 201 (created, retry), 202 (advices). */
export type SuccessStatus = 200 | 201 | 202;

/** Any 2xx: a peer answering a lookup 200 or a retry 202 has answered all the same. */
export function isSuccessStatus(status: number | null | undefined): status is number {
  return typeof status === 'number' && status >= 200 && status < 300;
}

export function outcomeOfStatus(status: number | undefined): Outcome {
  if (status === undefined) return 'unknown'; // timeout or connection lost before an answer
  if (isSuccessStatus(status)) return 'successful';
  if (status === 500 || status === 504) return 'unknown';
  return 'failed';
}
