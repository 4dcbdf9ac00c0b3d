/**
 * The interface's optional operations (token reprint, fault report, key change token): routed like
 * a purchase to a supporting provider that offers the operation, a reprint to the provider that
 * issued the original purchase; only a 503 or a request that never left may move to the next one.
 */
import { OPERATIONS, type FaultReportRequest, type KeyChangeTokenRequest, type PpuResult, type TokenReprintRequest } from '../protocol';
import type { ProviderCapabilities } from '../providers/types';
import { DuplicateIdError } from '../store/switch-store';
import { answerRepeat } from './repeats';
import { lastPurchaseOf, purchaseByReference } from './references';
import { fail, neverSent, replyOf, statusOf, type Reply } from './replies';
import { withSlipData } from './slip-data';
import { TX_OF_OPERATION, type ProviderClient, type SwitchState } from './switch-state';

async function sendRouted<Req extends { id: string; meter: { meterId: string } }>(
  s: SwitchState,
  op: 'tokenReprint' | 'faultReport' | 'keyChangeToken',
  req: Req,
  capability: keyof ProviderCapabilities,
  send: (c: ProviderClient, b: never) => Promise<PpuResult<unknown>>,
  fixedProvider: string | null,
  /** What the provider is sent, when the switch completes the till's request. */
  outgoing: Req = req,
): Promise<Reply> {
  const rt = OPERATIONS[op].requestType;
  let started;
  try {
    started = await s.begin(req.id, TX_OF_OPERATION[op], req.meter.meterId, null, null, req);
  } catch (e) {
    if (e instanceof DuplicateIdError) {
      const unknown = () => Promise.resolve(fail('OUTCOME_UNKNOWN', `Request ${req.id} is still without an answer; send it again under a new id`, rt, req.id));
      return answerRepeat(s, op, req, unknown);
    }
    throw e;
  }
  let candidates: string[];
  if (fixedProvider) {
    if (!s.descriptor(fixedProvider)?.capabilities[capability]) {
      return s.finish(req.id, op, req, started, fail('FUNCTION_NOT_SUPPORTED', `${s.nameOf(fixedProvider)} does not offer this operation`, rt, req.id), fixedProvider, 'FAILED', true);
    }
    candidates = [fixedProvider];
  } else {
    const meter = await s.store.getMeter(req.meter.meterId);
    const d = meter ? await s.route(meter, capability) : ({ ok: false, reason: 'NO_SUPPORTING_PROVIDER' } as const);
    if (!d.ok) {
      const reply =
        d.reason === 'NOT_CAPABLE'
          ? fail('FUNCTION_NOT_SUPPORTED', `No provider supporting meter ${req.meter.meterId} offers this operation`, rt, req.id)
          : d.reason === 'ALL_UNAVAILABLE'
            ? fail('UPSTREAM_UNAVAILABLE', 'Every capable provider is unavailable', rt, req.id)
            : fail('UNKNOWN_METER_ID', `Meter ${req.meter.meterId} is not supported by any enabled provider; look it up first`, rt, req.id);
      return s.finish(req.id, op, req, started, reply, null, 'FAILED', true);
    }
    candidates = d.candidates;
  }
  let last: { p: string; r: PpuResult<unknown> } | null = null;
  for (const p of candidates) {
    await s.store.setTransactionProvider(req.id, p);
    const r = await s.call(req.id, p, outgoing, send);
    last = { p, r };
    if (r.outcome === 'failed' && r.status === 503) continue;
    if (neverSent(r)) continue;
    break;
  }
  const { p, r } = last!;
  // A reprinted token is printed again: it gets a slip like the sale's.
  const reply = r.outcome === 'successful' && op === 'tokenReprint' ? { status: r.status, body: withSlipData(r.body, s.config.slipWidth) } : replyOf(r, rt, req.id, s.nameOf(p));
  return s.finish(req.id, op, req, started, reply, p, statusOf(r), r.outcome !== 'unknown');
}

/**
 * A reprint goes to the provider that issued the original. Without `originalRef` the interface
 * means the meter's last token: the switch names its last sale for the meter, so every provider
 * answers the same token; a meter never sold here is left to the provider's own "last issued".
 */
export async function reprint(s: SwitchState, req: TokenReprintRequest): Promise<Reply> {
  await s.traces.flush();
  if (req.originalRef !== undefined) {
    const original = await purchaseByReference(s.store, req.originalRef);
    return sendRouted(s, 'tokenReprint', req, 'reprints', (c, b) => c.reprint(b), original?.providerId ?? null);
  }
  const last = await lastPurchaseOf(s.store, req.meter.meterId);
  const named = last ? { ...req, originalRef: last.id } : req;
  return sendRouted(s, 'tokenReprint', req, 'reprints', (c, b) => c.reprint(b), last?.providerId ?? null, named);
}

export function faultReport(s: SwitchState, req: FaultReportRequest): Promise<Reply> {
  return sendRouted(s, 'faultReport', req, 'faultReports', (c, b) => c.faultReport(b), null);
}

export function keyChange(s: SwitchState, req: KeyChangeTokenRequest): Promise<Reply> {
  return sendRouted(s, 'keyChangeToken', req, 'keyChange', (c, b) => c.keyChangeToken(b), null);
}
