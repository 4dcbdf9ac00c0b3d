/**
 * One simulated provider as a real PPU v3 HTTP server (fastify on 127.0.0.1, port 0): basic auth,
 * request validation from the protocol module, the provider's capabilities (FUNCTION_NOT_SUPPORTED
 * otherwise), duplicate ids, and the faults a field tech can switch on at run time (latency,
 * withheld answers, 500s, ignored lookups, down, refused meters). Sells against the shared
 * UtilityBackOffice, so a retry or reprint answers the purchase's original tokens.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  BasicAdviceResponse,
  OPERATIONS,
  PPU_BASE_PATH,
  errorDetail,
  formatError,
  statusForErrorType,
  validateRequest,
  type ErrorType,
  type PpuOperation,
  type PurchaseRequest,
  type Transaction,
} from '../protocol';
import type { UtilityBackOffice } from './back-office';
import { parseBehaviourPatch } from './behaviour';
import { accountOf, echo, lookupResponse, meterOf, partsOf, purchaseResponse, tokenOf } from './responses';
import { DEFAULT_BEHAVIOUR, type ProviderBehaviour, type ProviderCapabilities, type ProviderDescriptor, type SimulatedProvider } from './types';
import { digitsFor } from './token-digits';

export interface SimulatedProviderOptions {
  host?: string;
  port?: number;
  behaviour?: Partial<ProviderBehaviour>;
  username?: string;
  password?: string;
  /** Source of randomness for the fault rates (tests pass a fixed one). */
  random?: () => number;
  /** Longest a withheld answer (timeoutRate) waits for the client to give up; default 65 s. */
  withheldAnswerMs?: number;
  /** Longest an ignored lookup holds its connection; default 5 min. */
  ignoredLookupMs?: number;
  /** How long a scenario purchase that times out (TST011) waits before its 504; the public test server waits 10 s. */
  scenarioTimeoutMs?: number;
}

/** A request body that was not JSON: kept apart so the answer is a FORMAT_ERROR naming the body. */
class UnreadableBody {
  constructor(readonly reason: string) {}
}

/** Which capability each optional operation needs; lookups, purchases and advices need none. */
const NEEDS: Partial<Record<PpuOperation, keyof ProviderCapabilities>> = {
  purchaseRetry: 'retries',
  tokenReprint: 'reprints',
  trialPurchase: 'trialPurchases',
  faultReport: 'faultReports',
  keyChangeToken: 'keyChange',
  keyChangeConfirmation: 'keyChange',
};

type HangEnd = 'disconnected' | 'elapsed' | 'closing';

export async function startSimulatedProvider(
  descriptor: ProviderDescriptor,
  backOffice: UtilityBackOffice,
  opts: SimulatedProviderOptions = {},
): Promise<SimulatedProvider> {
  const username = opts.username ?? `sim-${descriptor.id.toLowerCase()}`;
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const expectedAuth = Buffer.from('Basic ' + Buffer.from(`${username}:${password}`).toString('base64'));
  const random = opts.random ?? Math.random;
  const withheldAnswerMs = opts.withheldAnswerMs ?? 65_000;
  const ignoredLookupMs = opts.ignoredLookupMs ?? 300_000;
  let behaviour: ProviderBehaviour = { ...DEFAULT_BEHAVIOUR, ...checked(opts.behaviour ?? {}) };
  const closing = new AbortController();
  /** Request ids already used here (any operation but advices), for DUPLICATE_RECORD. */
  const seenIds = new Set<string>();
  /** Advice id → the transaction it advises: a repeated advice is acknowledged again. */
  const advices = new Map<string, string>();
  const keyChangeRequests = new Set<string>();

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1 << 20 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim().length === 0) return done(null, new UnreadableBody('the request body is empty'));
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(null, new UnreadableBody('the request body is not valid JSON'));
    }
  });
  // Anything fastify itself refuses (too large, bad headers) still gets an ErrorDetail, never a crash.
  app.setErrorHandler((err: { statusCode?: number; message?: string }, _req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const type: ErrorType = status === 500 ? 'SYSTEM_MALFUNCTION' : 'FORMAT_ERROR';
    void reply.code(status).send(errorDetail(type, err.message ?? 'request refused'));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send(errorDetail('FUNCTION_NOT_SUPPORTED', `No such operation: ${req.method} ${req.url}`));
  });
  app.addHook('onRequest', async (req, reply) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expectedAuth.length || !timingSafeEqual(given, expectedAuth)) {
      return reply
        .code(401)
        .header('www-authenticate', `Basic realm="${descriptor.name}", charset="UTF-8"`)
        .send(errorDetail('GENERAL_ERROR', 'Authentication required'));
    }
    return undefined;
  });

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0 || closing.signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        closing.signal.removeEventListener('abort', done);
        resolve();
      }
      closing.signal.addEventListener('abort', done, { once: true });
    });

  /** Holds a request until the client gives up, `maxMs` pass, or the provider closes. */
  const hang = (reply: FastifyReply, maxMs: number): Promise<HangEnd> =>
    new Promise((resolve) => {
      const finish = (how: HangEnd): void => {
        clearTimeout(timer);
        reply.raw.off('close', onClose);
        closing.signal.removeEventListener('abort', onAbort);
        resolve(how);
      };
      const onClose = (): void => finish('disconnected');
      const onAbort = (): void => finish('closing');
      const timer = setTimeout(() => finish('elapsed'), maxMs);
      reply.raw.on('close', onClose);
      closing.signal.addEventListener('abort', onAbort, { once: true });
      if (closing.signal.aborted) finish('closing');
    });

  /** Ends a request without an answer: the client sees the connection drop or its own timeout. */
  const dropRequest = (reply: FastifyReply): void => {
    reply.hijack();
    reply.raw.destroy();
  };

  const fail = (reply: FastifyReply, type: ErrorType, message: string, op: PpuOperation, id?: string): FastifyReply =>
    reply.code(statusForErrorType(type)).send(errorDetail(type, message, { ...(id ? { id } : {}), requestType: OPERATIONS[op].requestType }));

  const reference = (id: string): string => `${descriptor.id}-${digitsFor(`ref:${descriptor.id}:${id}`, 10)}`;

  async function handle(op: PpuOperation, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const b = behaviour;
    if (b.latencyMs > 0) await sleep(b.latencyMs);
    if (closing.signal.aborted) return fail(reply, 'UPSTREAM_UNAVAILABLE', `${descriptor.name} is shutting down`, op);
    if (b.down) return fail(reply, 'UPSTREAM_UNAVAILABLE', `${descriptor.name} is unavailable`, op);
    const needs = NEEDS[op];
    if (needs && !descriptor.capabilities[needs]) {
      return fail(reply, 'FUNCTION_NOT_SUPPORTED', `${descriptor.name} does not support ${OPERATIONS[op].requestType}`, op);
    }
    const params = req.params as Record<string, string | undefined>;
    if (req.body instanceof UnreadableBody || req.body === undefined) {
      const reason = req.body instanceof UnreadableBody ? req.body.reason : 'the request body is empty';
      return reply.code(400).send(formatError(OPERATIONS[op].requestType, [{ field: '(body)', msg: reason, value: null }]));
    }
    const v = validateRequest(op, params, req.body);
    if (!v.ok) return reply.code(v.status).send(v.error);
    const body = v.value;

    switch (op) {
      case 'meterLookup': {
        const r = body as typeof body & { meter: { meterId: string } } & Transaction;
        if (seenIds.has(r.id)) return fail(reply, 'DUPLICATE_RECORD', 'This lookup id was already used', op, r.id);
        seenIds.add(r.id);
        if (b.ignoreLookups) {
          await hang(reply, ignoredLookupMs);
          return dropRequest(reply);
        }
        if (b.refusedMeters.includes(r.meter.meterId)) return fail(reply, 'UNKNOWN_METER_ID', `Meter ${r.meter.meterId} is not known to ${descriptor.name}`, op, r.id);
        const found = backOffice.lookup(descriptor.id, r.meter.meterId);
        if (!found.ok) return fail(reply, found.errorType, found.message, op, r.id);
        if (random() < b.serverErrorRate) return fail(reply, 'SYSTEM_MALFUNCTION', 'Simulated server error', op, r.id);
        return reply.code(OPERATIONS[op].successStatus).send(lookupResponse(echo(r, descriptor.id, reference(r.id)), r.meter, found.value.meter, found.value.utility));
      }
      case 'purchase':
      case 'purchaseRetry': {
        const r = body as PurchaseRequest;
        if (op === 'purchase' && seenIds.has(r.id)) return fail(reply, 'DUPLICATE_RECORD', 'This purchase id was already used', op, r.id);
        seenIds.add(r.id);
        const meterId = r.meter.meterId;
        const known = backOffice.findPurchase(r.id);
        const isRetryOfKnown = op === 'purchaseRetry' && known?.providerId === descriptor.id;
        if (!isRetryOfKnown && b.refusedMeters.includes(meterId)) return fail(reply, 'UNKNOWN_METER_ID', `Meter ${meterId} is not known to ${descriptor.name}`, op, r.id);
        const sold = backOffice.purchase(descriptor.id, r.id, meterId, r.purchaseAmount.amount);
        if (!sold.ok) return fail(reply, sold.errorType, sold.message, op, r.id);
        const { record, isNew } = sold.value;
        // The purchase has taken effect from here on: every fault below leaves the outcome unknown.
        if (op === 'purchase' && isNew && record.firstAttemptOutcomeUnknown) {
          // As the public test server: a 504 with its ErrorDetail, after waiting as an upstream would.
          await sleep(opts.scenarioTimeoutMs ?? 0);
          return reply
            .code(504)
            .send(errorDetail('UPSTREAM_UNAVAILABLE', 'Timeout', { id: r.id, requestType: OPERATIONS[op].requestType, detailMessage: 'No response from upstream service' }));
        }
        if (random() < b.timeoutRate) {
          const end = await hang(reply, withheldAnswerMs);
          if (end !== 'elapsed') return dropRequest(reply);
        }
        if (random() < b.serverErrorRate) return fail(reply, 'SYSTEM_MALFUNCTION', 'Simulated server error after the purchase took effect', op, r.id);
        const view = backOffice.getMeter(record.meterId);
        const utility = backOffice.getUtility(record.utilityId);
        if (!view || !utility) return fail(reply, 'SYSTEM_MALFUNCTION', 'Back office record incomplete', op, r.id);
        return reply.code(OPERATIONS[op].successStatus).send(purchaseResponse(echo(r, descriptor.id, reference(r.id)), r.meter, view, utility, record));
      }
      case 'trialPurchase': {
        const r = body as PurchaseRequest;
        if (seenIds.has(r.id)) return fail(reply, 'DUPLICATE_RECORD', 'This id was already used', op, r.id);
        seenIds.add(r.id);
        if (b.refusedMeters.includes(r.meter.meterId)) return fail(reply, 'UNKNOWN_METER_ID', `Meter ${r.meter.meterId} is not known to ${descriptor.name}`, op, r.id);
        const t = backOffice.trial(descriptor.id, r.meter.meterId, r.purchaseAmount.amount);
        if (!t.ok) return fail(reply, t.errorType, t.message, op, r.id);
        const utility = t.value.utility;
        // A trial issues no token: token numbers are left empty, the rest shows what the amount buys.
        const tokens = t.value.plan.tokens.map((p) => ({ ...p, token: '', receiptNum: '', units: (p.unitsHundredths / 100).toFixed(2) }));
        return reply.code(OPERATIONS[op].successStatus).send({
          ...echo(r, descriptor.id, reference(r.id)),
          ...accountOf(r.meter, t.value.meter, utility),
          utilityType: utility.utilityType,
          ...partsOf(t.value.plan, tokens, { debt: [], service: [] }, true),
          tokens: tokens.map((tk) => tokenOf(tk, true)),
        });
      }
      case 'tokenReprint': {
        const r = body as typeof body & Transaction & { meter: { meterId: string }; originalRef: string };
        if (seenIds.has(r.id)) return fail(reply, 'DUPLICATE_RECORD', 'This reprint id was already used', op, r.id);
        seenIds.add(r.id);
        const found = backOffice.reprint(descriptor.id, r.originalRef, r.meter.meterId);
        if (!found.ok) return fail(reply, found.errorType, found.message, op, r.id);
        const view = backOffice.getMeter(found.value.meterId);
        const utility = backOffice.getUtility(found.value.utilityId);
        if (!view || !utility) return fail(reply, 'SYSTEM_MALFUNCTION', 'Back office record incomplete', op, r.id);
        return reply.code(OPERATIONS[op].successStatus).send(purchaseResponse(echo(r, descriptor.id, reference(r.id)), r.meter, view, utility, found.value));
      }
      case 'faultReport': {
        const r = body as typeof body & Transaction & { meter: { meterId: string }; faultType: string };
        if (seenIds.has(r.id)) return fail(reply, 'DUPLICATE_RECORD', 'This fault report id was already used', op, r.id);
        seenIds.add(r.id);
        const done = backOffice.faultReport(descriptor.id, r.id, r.meter.meterId, r.faultType);
        if (!done.ok) return fail(reply, done.errorType, done.message, op, r.id);
        return reply.code(OPERATIONS[op].successStatus).send({ ...echo(r, descriptor.id, reference(r.id)), ...done.value });
      }
      case 'keyChangeToken': {
        const r = body as typeof body & Transaction & { meter: { meterId: string } };
        if (seenIds.has(r.id)) return fail(reply, 'DUPLICATE_RECORD', 'This key change request id was already used', op, r.id);
        seenIds.add(r.id);
        const kc = backOffice.keyChange(descriptor.id, r.id, r.meter.meterId);
        if (!kc.ok) return fail(reply, kc.errorType, kc.message, op, r.id);
        keyChangeRequests.add(r.id);
        return reply.code(OPERATIONS[op].successStatus).send({
          ...echo(r, descriptor.id, reference(r.id)),
          meter: meterOf(kc.value.meter, r.meter),
          tokens: kc.value.tokens.map((t) => tokenOf(t, false)),
        });
      }
      case 'confirmation':
      case 'reversal':
      case 'keyChangeConfirmation': {
        const a = body as typeof body & { id: string; requestId: string };
        const previous = advices.get(a.id);
        if (previous !== undefined && previous !== a.requestId) return fail(reply, 'DUPLICATE_RECORD', 'This advice id was used for another transaction', op, a.id);
        const knownHere =
          op === 'keyChangeConfirmation' ? keyChangeRequests.has(a.requestId) : backOffice.findPurchase(a.requestId)?.providerId === descriptor.id;
        if (!knownHere) return fail(reply, 'UNABLE_TO_LOCATE_RECORD', `No transaction ${a.requestId} at ${descriptor.name}`, op, a.id);
        advices.set(a.id, a.requestId);
        if (op === 'confirmation') backOffice.markConfirmed(a.requestId);
        if (op === 'reversal') backOffice.markReversed(a.requestId);
        return reply.code(OPERATIONS[op].successStatus).send(BasicAdviceResponse.parse(a));
      }
    }
  }

  for (const op of Object.keys(OPERATIONS) as PpuOperation[]) {
    app.post(PPU_BASE_PATH + OPERATIONS[op].route, (req, reply) => handle(op, req, reply));
  }

  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('simulated provider: no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;

  return {
    descriptor,
    baseUrl: `http://${urlHost}:${address.port}`,
    username,
    password,
    behaviour: () => ({ ...behaviour, refusedMeters: [...behaviour.refusedMeters] }),
    setBehaviour(patch) {
      behaviour = { ...behaviour, ...checked(patch) };
      return { ...behaviour, refusedMeters: [...behaviour.refusedMeters] };
    },
    close() {
      closed ??= (async () => {
        closing.abort();
        await app.close();
      })();
      return closed;
    },
  };
}

function checked(patch: Partial<ProviderBehaviour>): Partial<ProviderBehaviour> {
  const parsed = parseBehaviourPatch(patch);
  if (!parsed.ok) throw new RangeError(`invalid provider behaviour: ${parsed.errors.map((e) => `${e.field}: ${e.msg}`).join('; ')}`);
  return parsed.value;
}
