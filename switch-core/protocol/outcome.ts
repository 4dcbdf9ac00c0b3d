/**
 * Outcome classes of the interface: 200/201/202 successful; 500, 504 and timeouts unknown (retry,
 * never resell); 400, 501, 503 and everything else failed. Every edge decides with this one function.
 */
export type Outcome = 'successful' | 'unknown' | 'failed';

export function outcomeOfStatus(status: number | undefined): Outcome {
  if (status === undefined) return 'unknown'; // timeout or connection lost before an answer
  if (status === 200 || status === 201 || status === 202) return 'successful';
  if (status === 500 || status === 504) return 'unknown';
  return 'failed';
}
