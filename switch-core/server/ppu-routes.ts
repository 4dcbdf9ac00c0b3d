/**
 * The switch's PPU v3 face: one POST route per operation in the protocol's OPERATIONS table,
 * validated with the protocol module (FORMAT_ERROR, path id ≠ body id) and handed to the engine.
 * A success is answered with the code the public server test pack expects (lookup, purchase, retry,
 * fault report and key change 201; trial and reprint 200; advices 202), whatever code the provider
 * behind it used; an advice's 202 carries the BasicAdviceResponse. A retry's path names the
 * purchase; a body id of its own is echoed in the answer.
 */
import type { FastifyInstance } from 'fastify';
import {
  BasicAdviceResponse,
  isSuccessStatus,
  OPERATIONS,
  PPU_BASE_PATH,
  validateRequest,
  type ConfirmationAdvice,
  type FaultReportRequest,
  type KeyChangeTokenRequest,
  type MeterLookupRequest,
  type PpuOperation,
  type PurchaseRequest,
  type ReversalAdvice,
  type TokenReprintRequest,
} from '../protocol';
import { NOTIFY_TOKEN_PURCHASE_ROUTE, type Reply, type SwitchEngine } from '../engine/switch-engine';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Which message an error answers when its body could not even be read: every PPU route names the
 * message's id in its path, so an ErrorDetail can still carry the id and requestType the model requires.
 */
export function ppuMessageAt(routeUrl: string | undefined, params: unknown): { id?: string; requestType?: string } {
  const op = (Object.keys(OPERATIONS) as PpuOperation[]).find((o) => PPU_BASE_PATH + OPERATIONS[o].route === routeUrl);
  if (!op) return {};
  const id = (params as Record<string, unknown> | undefined)?.[OPERATIONS[op].idParam];
  return { requestType: OPERATIONS[op].requestType, ...(typeof id === 'string' ? { id } : {}) };
}

/** The answer to a request whose body id differs from its path's (a retry's own id) carries the body's id. */
function echoId(out: Reply, pathId: string, bodyId: string): Reply {
  if (pathId === bodyId || typeof out.body !== 'object' || out.body === null) return out;
  return { status: out.status, body: { ...out.body, id: bodyId } };
}

export function registerPpuRoutes(app: FastifyInstance, engine: SwitchEngine): void {
  const dispatch: Record<PpuOperation, (body: unknown) => Promise<Reply> | Reply> = {
    meterLookup: (b) => engine.lookup(b as MeterLookupRequest),
    purchase: (b) => engine.purchase(b as PurchaseRequest),
    purchaseRetry: (b) => engine.retry(b as PurchaseRequest),
    trialPurchase: (b) => engine.purchase(b as PurchaseRequest, 'trialPurchase'),
    confirmation: (b) => engine.advice('confirmation', b as ConfirmationAdvice),
    reversal: (b) => engine.advice('reversal', b as ReversalAdvice),
    keyChangeConfirmation: (b) => engine.advice('keyChangeConfirmation', b as ConfirmationAdvice),
    tokenReprint: (b) => engine.reprint(b as TokenReprintRequest),
    faultReport: (b) => engine.faultReport(b as FaultReportRequest),
    keyChangeToken: (b) => engine.keyChange(b as KeyChangeTokenRequest),
  };
  for (const op of Object.keys(OPERATIONS) as PpuOperation[]) {
    app.post(PPU_BASE_PATH + OPERATIONS[op].route, async (request, reply) => {
      const params = request.params as Record<string, string>;
      const v = validateRequest(op, params, request.body);
      if (!v.ok) return reply.code(v.status).send(v.error);
      const spec = OPERATIONS[op];
      const bodyId = (v.value as { id: string }).id;
      const pathId = params[spec.idParam] ?? bodyId;
      const out = echoId(await dispatch[op](pathId === bodyId ? v.value : { ...v.value, id: pathId }), pathId, bodyId);
      if (!isSuccessStatus(out.status)) return reply.code(out.status).type(JSON_TYPE).send(out.json ?? JSON.stringify(out.body));
      if (spec.response === null) {
        const ack = BasicAdviceResponse.safeParse(out.body);
        return reply.code(spec.successStatus).type(JSON_TYPE).send(JSON.stringify(ack.success ? ack.data : out.body));
      }
      // Serialised once where the engine stored it: the same text is the stored answer and its trace.
      return reply.code(spec.successStatus).type(JSON_TYPE).send(out.json ?? JSON.stringify(out.body));
    });
  }
  app.post(PPU_BASE_PATH + NOTIFY_TOKEN_PURCHASE_ROUTE, async (request, reply) => {
    const out = await engine.notifyTokenPurchase((request.query as { purchaseId?: unknown }).purchaseId, request.body);
    return out.body === null ? reply.code(out.status).send() : reply.code(out.status).send(out.body);
  });
}
