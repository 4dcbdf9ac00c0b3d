/**
 * Repeats are answers, not duplicates: a request sent again under its id with the same body — a
 * till's failover to another node, a client that lost the answer — gets the stored answer, on this
 * node or any other sharing the store. One that never finished (its node died) is done again: a
 * lookup asked afresh, a purchase retried where it went. Only an id reused for a different body is
 * DUPLICATE_RECORD.
 */
import type { PpuOperation } from '../protocol';
import type { Reply } from './replies';
import { TX_OF_OPERATION, type SwitchState } from './switch-state';

/** JSON values equal whatever their keys' order (a store may give an object's keys back in its own order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * The answer to a request whose id is already taken. `unfinished` does the work again for one
 * whose first run never answered.
 */
export async function answerRepeat(s: SwitchState, op: PpuOperation, req: { id: string }, unfinished: () => Promise<Reply>): Promise<Reply> {
  const running = s.inFlight.get(req.id);
  if (running) await running.catch(() => undefined);
  await s.traces.flush();
  const tx = await s.store.getTransaction(req.id);
  if (!tx || tx.type !== TX_OF_OPERATION[op] || !sameJson(tx.request, req)) return s.duplicate(op, req.id);
  if (tx.final && tx.responseStatus !== null) return { status: tx.responseStatus, body: tx.responseBody };
  return unfinished();
}
