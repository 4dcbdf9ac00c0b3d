/**
 * Retries (seed 002): an unknown purchase outcome is retried at the provider that got the purchase
 * (never a second provider, which could issue a second token), and the till's own /retry is
 * answered from the store once final, else retried at that provider.
 */
import { OPERATIONS, type PpuResult, type PurchaseRequest } from '../protocol';
import { DuplicateIdError } from '../store/switch-store';
import { fail, replyOf, type Reply } from './replies';
import { withSlipData } from './slip-data';
import type { Started, SwitchState } from './switch-state';

/** Sends a purchase the switch never saw down its route (purchase-routing's routeAndSend). */
export type SendAsPurchase = (req: PurchaseRequest, started: Started) => Promise<Reply>;

export async function resolveUnknown(
  s: SwitchState,
  req: PurchaseRequest,
  op: 'purchase' | 'trialPurchase',
  started: Started,
  providerId: string,
  first: PpuResult<unknown>,
  retries = s.config.unknownOutcomeRetries,
): Promise<Reply> {
  const rt = OPERATIONS[op].requestType;
  let r = first;
  const canRetry = s.descriptor(providerId)?.capabilities.retries === true && op !== 'trialPurchase';
  for (let i = 0; canRetry && i < retries && r.outcome === 'unknown'; i++) {
    r = await s.call(req.id, providerId, req, (c, b) => c.retryPurchase(b));
  }
  if (r.outcome === 'successful') {
    const body = op === 'purchase' ? withSlipData(r.body, s.config.slipWidth) : r.body;
    return s.finish(req.id, op, req, started, { status: r.status, body }, providerId, 'SUCCESSFUL', true);
  }
  if (r.outcome === 'failed') return s.finish(req.id, op, req, started, replyOf(r, rt, req.id, s.nameOf(providerId)), providerId, 'FAILED', true);
  const why = canRetry ? r.reason : `${r.reason}; ${s.nameOf(providerId)} does not support retries — reverse this purchase`;
  return s.finish(req.id, op, req, started, fail('OUTCOME_UNKNOWN', `Outcome at ${s.nameOf(providerId)} unknown (${why}); retry this purchase`, rt, req.id), providerId, 'UNKNOWN', false);
}

/** The till's /retry: answered from the store when final, else retried at the provider that got the original. */
export async function retry(s: SwitchState, req: PurchaseRequest, sendAsPurchase: SendAsPurchase): Promise<Reply> {
  const rt = OPERATIONS.purchaseRetry.requestType;
  const running = s.inFlight.get(req.id);
  if (running) await running.catch(() => undefined);
  await s.traces.flush();
  const original = await s.store.getTransaction(req.id);
  if (!original) {
    // The switch never saw the original: this retry is the purchase.
    let started;
    try {
      started = await s.begin(req.id, 'PURCHASE', req.meter.meterId, req.purchaseAmount.amount, null, req);
    } catch (e) {
      if (e instanceof DuplicateIdError) return retry(s, req, sendAsPurchase);
      throw e;
    }
    const p = sendAsPurchase(req, started);
    s.trackInFlight(req.id, p);
    return p;
  }
  if (!['PURCHASE', 'TRIAL'].includes(original.type) || original.meterId !== req.meter.meterId || original.amount !== req.purchaseAmount.amount) {
    return fail('DUPLICATE_RECORD', `id ${req.id} belongs to a different request; a retry must repeat the original purchase unchanged`, rt, req.id);
  }
  const retryId = globalThis.crypto.randomUUID();
  const started = await s.begin(retryId, 'RETRY', req.meter.meterId, req.purchaseAmount.amount, req.id, req);
  if (original.final) {
    const reply = { status: original.responseStatus ?? 500, body: original.responseBody };
    return s.finish(retryId, 'purchaseRetry', req, started, reply, original.providerId, original.status, true);
  }
  const work = (async (): Promise<Reply> => {
    const origStarted = { startedAt: original.startedAt, t0: performance.now() };
    let reply: Reply;
    if (!original.providerId) {
      reply = await sendAsPurchase(req, origStarted);
    } else {
      const providerId = original.providerId;
      const canRetry = s.descriptor(providerId)?.capabilities.retries === true;
      if (!canRetry) {
        reply = fail('OUTCOME_UNKNOWN', `${s.nameOf(providerId)} does not support retries; the outcome stays unknown — reverse this purchase`, rt, req.id);
      } else {
        const r = await s.call(req.id, providerId, req, (c, b) => c.retryPurchase(b));
        reply = await resolveUnknown(s, req, 'purchase', origStarted, providerId, r, 0);
      }
    }
    await s.traces.flush();
    const after = await s.store.getTransaction(req.id);
    return s.finish(retryId, 'purchaseRetry', req, started, reply, after?.providerId ?? original.providerId, after?.status ?? 'UNKNOWN', true);
  })();
  s.trackInFlight(req.id, work);
  return work;
}
