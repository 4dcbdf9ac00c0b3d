/**
 * Purchase routing (seeds 002/003): a purchase or trial purchase is persisted with the provider it
 * will most likely go to, broadcast first when nobody confirmed the meter yet, then sent down the
 * route's candidates — failing over only while nothing can have been issued (503, the provider does
 * not know the meter, nothing was sent). An unknown outcome stays with its provider (retries.ts).
 */
import { OPERATIONS, type MeterLookupRequest, type PpuResult, type PurchaseRequest } from '../protocol';
import { DuplicateIdError } from '../store/switch-store';
import { applyAnswer, discover } from './broadcast';
import { whomToBroadcast } from './contract';
import { fail, neverSent, replyOf, type Reply } from './replies';
import { answerRepeat } from './repeats';
import { resolveUnknown } from './retries';
import { withSlipData } from './slip-data';
import type { MeterState } from './model';
import type { RouteDecision } from './routing';
import { TX_OF_OPERATION, type ProviderClient, type Started, type SwitchState } from './switch-state';

export type PurchaseOperation = 'purchase' | 'trialPurchase';
const capabilityOf = (op: PurchaseOperation) => (op === 'trialPurchase' ? 'trialPurchases' : undefined);

export function purchase(s: SwitchState, req: PurchaseRequest, op: PurchaseOperation = 'purchase'): Promise<Reply> {
  let tracked: Promise<Reply> | null = null;
  const p = (async (): Promise<Reply> => {
    // The provider the purchase will most likely go to is stored with the insert itself, so the
    // usual case persists once before sending; a failover updates it before its own send.
    const meter = await s.store.getMeter(req.meter.meterId);
    const likely = meter ? await s.route(meter, capabilityOf(op)) : null;
    let started;
    try {
      started = await s.begin(req.id, TX_OF_OPERATION[op], req.meter.meterId, req.purchaseAmount.amount, null, req, likely?.ok ? likely.candidates[0]! : null);
    } catch (e) {
      if (e instanceof DuplicateIdError) {
        // The same purchase again: its stored answer. Without one yet it is under way at another
        // node, or was cut off there: its outcome is unknown — the client's /retry settles it,
        // where sending it again here could sell it twice.
        s.untrack(req.id, tracked);
        const unknown = () => Promise.resolve(fail('OUTCOME_UNKNOWN', `Purchase ${req.id} has no answer yet (under way or cut off at another node); retry it`, OPERATIONS[op].requestType, req.id));
        return answerRepeat(s, op, req, unknown);
      }
      throw e;
    }
    return routeAndSend(s, req, op, started, likely ?? undefined);
  })();
  // A retry arriving meanwhile waits for this one; a second purchase with the same id is refused by begin.
  if (!s.inFlight.has(req.id)) tracked = s.trackInFlight(req.id, p);
  return p;
}

/**
 * Whether the provider a first purchase would now go to may take it: the meter's own preference
 * may, else every provider the utility ranks above it must have been heard from (an unranked one
 * waits for all the ranked) — each bounded by the broadcast's timeout — so the fastest unranked
 * answer does not take a sale the utility's ranked provider would have.
 */
async function rankedAboveHeard(s: SwitchState, meter: MeterState, chosen: string, heard: ReadonlySet<string>): Promise<boolean> {
  if (meter.preferredProviderId === chosen || meter.utilityId === null) return true;
  const ranked = (await s.utilityCache()).get(meter.utilityId)?.ranked ?? [];
  const rank = ranked.indexOf(chosen);
  return (rank < 0 ? ranked : ranked.slice(0, rank)).every((id) => heard.has(id));
}

export async function routeAndSend(s: SwitchState, req: PurchaseRequest, op: PurchaseOperation, started: Started, pre?: RouteDecision): Promise<Reply> {
  const rt = OPERATIONS[op].requestType;
  const routeOf = async (m: MeterState | null): Promise<RouteDecision> => (m ? s.route(m, capabilityOf(op)) : { ok: false, reason: 'NO_SUPPORTING_PROVIDER' });
  let decision = pre ?? (await routeOf(await s.store.getMeter(req.meter.meterId)));
  if (!decision.ok && decision.reason !== 'ALL_UNAVAILABLE' && whomToBroadcast(await s.store.getMeter(req.meter.meterId), await s.enabledIds()).length > 0) {
    // Nobody usable has confirmed the meter yet, but someone has not answered: broadcast first, as
    // a lookup would, until a provider this purchase may go to says Supported.
    const lookup: MeterLookupRequest = {
      id: globalThis.crypto.randomUUID(),
      time: req.time,
      originator: req.originator,
      client: req.client,
      thirdPartyIdentifiers: [],
      meter: req.meter,
    };
    const found = await discover(s, req.id, lookup, async (m, heard) => {
      const route = await routeOf(m);
      return route.ok && (await rankedAboveHeard(s, m, route.candidates[0]!, heard));
    });
    decision = await routeOf(await s.store.getMeter(req.meter.meterId));
    if (!decision.ok && found.unreachable !== null) {
      const reply = fail('UPSTREAM_UNAVAILABLE', `No provider could be asked about meter ${req.meter.meterId} (${found.unreachable}); try again in a minute`, rt, req.id);
      return s.finish(req.id, op, req, started, reply, null, 'FAILED', true);
    }
  }
  if (!decision.ok) {
    const reply =
      decision.reason === 'NOT_CAPABLE'
        ? fail('FUNCTION_NOT_SUPPORTED', `No provider supporting meter ${req.meter.meterId} offers this operation`, rt, req.id)
        : decision.reason === 'ALL_UNAVAILABLE'
          ? fail('UPSTREAM_UNAVAILABLE', `Every provider supporting meter ${req.meter.meterId} is unavailable; try again later`, rt, req.id)
          : fail('UNKNOWN_METER_ID', `Meter ${req.meter.meterId} is not supported by any enabled provider`, rt, req.id);
    return s.finish(req.id, op, req, started, reply, null, 'FAILED', true);
  }
  let lastFailure: { providerId: string; result: PpuResult<unknown> } | null = null;
  for (const providerId of decision.candidates) {
    if (s.isOpen(providerId)) continue;
    if (started.providerId !== providerId) {
      await s.store.setTransactionProvider(req.id, providerId); // persist before send
      started.providerId = providerId;
    }
    const send = op === 'trialPurchase' ? (c: ProviderClient, b: never) => c.trialPurchase(b) : (c: ProviderClient, b: never) => c.purchase(b);
    const r = await s.call(req.id, providerId, req, send);
    if (r.outcome === 'successful') {
      // A trial's answer is not a sale: no printable slip for it.
      const body = op === 'purchase' ? withSlipData(r.body, s.config.slipWidth) : r.body;
      return s.finish(req.id, op, req, started, { status: r.status, body }, providerId, 'SUCCESSFUL', true);
    }
    if (r.outcome === 'failed') {
      if (r.status === 503 || r.error?.errorType === 'UNKNOWN_METER_ID') {
        if (r.error?.errorType === 'UNKNOWN_METER_ID') await applyAnswer(s, req.meter.meterId, providerId, r);
        lastFailure = { providerId, result: r };
        continue; // nothing was issued: the next supporting provider may take it
      }
      return s.finish(req.id, op, req, started, replyOf(r, rt, req.id, s.nameOf(providerId)), providerId, 'FAILED', true);
    }
    if (neverSent(r)) {
      lastFailure = { providerId, result: r };
      continue;
    }
    // Outcome unknown: never a second provider. Retry here where the provider supports retries.
    return resolveUnknown(s, req, op, started, providerId, r);
  }
  const reply = lastFailure
    ? replyOf(lastFailure.result, rt, req.id, s.nameOf(lastFailure.providerId))
    : fail('UPSTREAM_UNAVAILABLE', `Every provider supporting meter ${req.meter.meterId} is unavailable`, rt, req.id);
  if (lastFailure?.result.outcome === 'unknown') Object.assign(reply, fail('UPSTREAM_UNAVAILABLE', `No provider could be reached for meter ${req.meter.meterId}`, rt, req.id));
  return s.finish(req.id, op, req, started, reply, lastFailure?.providerId ?? null, 'FAILED', true);
}
