/**
 * The switch's orchestrator: takes a validated PPU v3 request from the till, consults the contract
 * table, broadcasts or routes to providers through injected per-provider clients, persists before
 * it sends, traces every message, and answers with the interface's status and body. Decisions are
 * delegated to the pure functions in contract.ts, routing.ts, health.ts and advices.ts.
 */
import {
  errorDetail,
  nowIso,
  OPERATIONS,
  statusForErrorType,
  type ConfirmationAdvice,
  type ErrorType,
  type FaultReportRequest,
  type KeyChangeTokenRequest,
  type MeterLookupRequest,
  type PpuOperation,
  type PpuResult,
  type PpuTrace,
  type PurchaseRequest,
  type PurchaseResponse,
  type ReversalAdvice,
  type TokenReprintRequest,
} from '../protocol';
import type { ProviderCapabilities, ProviderDescriptor } from '../providers/types';
import { DuplicateIdError, type NewTransaction, type SwitchStore, type TransactionOutcome } from '../store';
import { nextAdviceState, DEFAULT_BACKOFF, type BackoffConfig } from './advices';
import { applyLookupAnswers, classifyLookupResult, keepPreferences, markForRebroadcast, newMeter, whomToBroadcast, type ProviderLookupAnswer } from './contract';
import { ProviderMonitor, DEFAULT_HEALTH_CONFIG, type HealthConfig } from './health';
import type { AdviceKind, AdviceOperation, AdviceRecord, MeterState, TxStatus, TxType, UtilityPrefs } from './model';
import { routePurchase, type RouteDecision, type RoutingProvider } from './routing';
import { TraceWriter } from './traces';

/** What the engine needs of a provider connection (PpuClient satisfies it). */
export interface ProviderClient {
  meterLookup(req: MeterLookupRequest): Promise<PpuResult<unknown>>;
  purchase(req: PurchaseRequest): Promise<PpuResult<PurchaseResponse>>;
  retryPurchase(req: PurchaseRequest): Promise<PpuResult<PurchaseResponse>>;
  trialPurchase(req: PurchaseRequest): Promise<PpuResult<PurchaseResponse>>;
  confirm(advice: ConfirmationAdvice): Promise<PpuResult<unknown>>;
  reverse(advice: ReversalAdvice): Promise<PpuResult<unknown>>;
  reprint(req: TokenReprintRequest): Promise<PpuResult<PurchaseResponse>>;
  faultReport(req: FaultReportRequest): Promise<PpuResult<unknown>>;
  keyChangeToken(req: KeyChangeTokenRequest): Promise<PpuResult<unknown>>;
  confirmKeyChange(advice: ConfirmationAdvice): Promise<PpuResult<unknown>>;
  close(): Promise<void>;
}

export interface EngineProvider {
  readonly descriptor: ProviderDescriptor;
  readonly client: ProviderClient;
}

export interface EngineConfig {
  /** Overall bound on a broadcast lookup; late answers are still stored until then. */
  broadcastTimeoutMs: number;
  /** How many times an unknown purchase outcome is retried at the same provider before answering 504. */
  unknownOutcomeRetries: number;
  backoff: BackoffConfig;
  health: HealthConfig;
  /** Trace/reference writes are batched off the hot path and flushed this often. */
  traceFlushMs: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  broadcastTimeoutMs: 10_000,
  unknownOutcomeRetries: 1,
  backoff: DEFAULT_BACKOFF,
  health: DEFAULT_HEALTH_CONFIG,
  traceFlushMs: 25,
};

export interface EngineDeps {
  store: SwitchStore;
  providers: readonly EngineProvider[];
  config?: Partial<EngineConfig>;
  clock?: () => number;
  rng?: () => number;
}

/** A transaction under way: when it began, and a lookup's row until it is written finished. */
interface Started {
  startedAt: string;
  t0: number;
  providerId: string | null;
  unwritten?: NewTransaction;
}

/** A reply to the till: HTTP status and JSON body. */
export interface Reply {
  status: number;
  body: unknown;
  /** body as JSON, when the engine already serialised it to store it: sent as is. */
  json?: string;
}

const TX_OF_OPERATION: Record<PpuOperation, TxType> = {
  meterLookup: 'LOOKUP',
  purchase: 'PURCHASE',
  purchaseRetry: 'RETRY',
  trialPurchase: 'TRIAL',
  confirmation: 'CONFIRMATION',
  reversal: 'REVERSAL',
  tokenReprint: 'REPRINT',
  faultReport: 'FAULT_REPORT',
  keyChangeToken: 'KEY_CHANGE',
  keyChangeConfirmation: 'CONFIRMATION',
};

function fail(errorType: ErrorType, message: string, requestType: string, id?: string): Reply {
  return { status: statusForErrorType(errorType), body: errorDetail(errorType, message, { id, requestType }) };
}

function replyOf(result: PpuResult<unknown>, requestType: string, id: string, providerName: string): Reply {
  if (result.outcome === 'successful') return { status: result.status, body: result.body };
  if (result.outcome === 'failed') {
    return { status: result.status, body: result.error ?? errorDetail('GENERAL_ERROR', `${providerName} answered HTTP ${result.status}`, { id, requestType }) };
  }
  return fail('OUTCOME_UNKNOWN', `Outcome at ${providerName} unknown (${result.reason}); retry this purchase`, requestType, id);
}

const statusOf = (r: PpuResult<unknown>): TxStatus => (r.outcome === 'successful' ? 'SUCCESSFUL' : r.outcome === 'failed' ? 'FAILED' : 'UNKNOWN');
const errorTypeOf = (r: PpuResult<unknown>): string | null =>
  r.outcome === 'successful' ? null : r.error?.errorType ?? (r.outcome === 'unknown' ? 'OUTCOME_UNKNOWN' : null);
/** Provider trouble (not a business refusal): feeds health and the circuit breaker. */
const isProviderError = (r: PpuResult<unknown>): boolean => r.outcome === 'unknown' || r.status === 503;
/** Nothing reached the provider: safe to try the next one even for a purchase. */
const neverSent = (r: PpuResult<unknown>): boolean => r.outcome === 'unknown' && r.status === null && /ECONNREFUSED/.test(r.reason);

const REFERENCE_KEYS = new Set(['id', 'requestId', 'rrn', 'stan', 'basketRef', 'meterId', 'token', 'receiptNum', 'vatInvoiceNumber', 'reference', 'issuerReference', 'transactionIdentifier', 'originalRef']);
/** Parties, not references: every transaction with the same till or provider would share them. */
const PARTY_KEYS = new Set(['originator', 'client', 'receiver', 'settlementEntity']);

/**
 * Every reference a cashier or support agent might search by, except the transaction's own id and
 * meter number: the transactions table's own indexes answer those (see listTransactions), and
 * each row left out here is a random B-tree insert less on the hot path.
 */
export function referencesOf(txId: string, meterId: string | null, ...bodies: unknown[]): string[] {
  const out = new Set<string>();
  const visit = (v: unknown, key: string, depth: number) => {
    if (depth > 6 || v === null || v === undefined) return;
    if (typeof v === 'string' || typeof v === 'number') {
      if (REFERENCE_KEYS.has(key)) out.add(String(v));
      return;
    }
    if (Array.isArray(v)) return v.forEach((x) => visit(x, key, depth + 1));
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k in o) if (!PARTY_KEYS.has(k) && Object.hasOwn(o, k)) visit(o[k], k, depth + 1);
    }
  };
  for (const b of bodies) visit(b, '', 0);
  out.delete(txId);
  if (meterId !== null) out.delete(meterId);
  return [...out];
}

export class SwitchEngine {
  readonly store: SwitchStore;
  readonly monitor: ProviderMonitor;
  readonly config: EngineConfig;
  private readonly providers = new Map<string, EngineProvider>();
  private readonly clock: () => number;
  private readonly rng: () => number;
  private readonly traces: TraceWriter;
  /** Lookup ids whose row waits in the batch (checked with the store for reused ids). */
  private readonly unwrittenLookups = new Set<string>();
  /**
   * The body each provider call is sending, linked to its transaction until the call returns (for
   * the client's trace hook). A Map with explicit deletes, not a WeakMap: V8's young-generation GC keeps WeakMap keys alive,
   * so per-request keys made every scavenge copy and promote a megabyte of finished requests.
   */
  private readonly txOfBody = new Map<object, { txId: string; providerId: string }>();
  private readonly inFlight = new Map<string, Promise<Reply>>();
  private readonly background = new Set<Promise<unknown>>();
  private adviceTimer: NodeJS.Timeout | null = null;
  private readonly adviceBusy = new Set<string>();
  private closed = false;
  private readonly sortedIds: readonly string[];

  constructor(deps: EngineDeps) {
    this.store = deps.store;
    this.config = { ...DEFAULT_ENGINE_CONFIG, ...deps.config };
    this.clock = deps.clock ?? Date.now;
    this.rng = deps.rng ?? Math.random;
    for (const p of deps.providers) this.providers.set(p.descriptor.id, p);
    this.sortedIds = [...this.providers.keys()].sort();
    this.traces = new TraceWriter(this.store, this.config.traceFlushMs);
    this.monitor = new ProviderMonitor(this.clock, (a) => this.store.insertAlert(a), this.config.health);
  }

  providerIds(): string[] {
    return [...this.sortedIds];
  }
  descriptor(id: string): ProviderDescriptor | null {
    return this.providers.get(id)?.descriptor ?? null;
  }

  /** Hook for each provider client's onTrace: files the exchange under its transaction. */
  onProviderTrace(providerId: string, t: PpuTrace): void {
    const link = typeof t.requestBody === 'object' && t.requestBody !== null ? this.txOfBody.get(t.requestBody) : undefined;
    if (!link) return;
    const answered = !(t.outcome === 'unknown' && t.status === null);
    this.traces.add({
      txId: link.txId,
      direction: 'switch->provider',
      providerId,
      operation: t.operation,
      url: t.url,
      requestBody: t.requestBody,
      status: t.status,
      responseBody: answered ? t.responseBody : { reason: t.reason ?? 'no answer' },
      startedAt: t.startedAt,
      ms: t.ms,
      // The bytes as they crossed the wire, instead of serialising the bodies again.
      requestJson: t.requestText,
      // Only an answer that parsed as JSON is stored as sent (an empty 202 or an HTML error page is not).
      ...(answered && typeof t.responseBody === 'object' && t.responseBody !== null && t.responseText ? { responseJson: t.responseText } : {}),
    });
  }

  flushTraces(): void {
    this.traces.flush();
  }

  // ---------------------------------------------------------------- helpers

  private now(): string {
    return nowIso(this.clock);
  }

  private enabledIds(): string[] {
    return this.routing().filter((p) => p.enabled).map((p) => p.id);
  }

  private utilityOf(meter: MeterState): UtilityPrefs | null {
    if (!meter.utilityId) return null;
    return this.utilityCache().get(meter.utilityId) ?? null;
  }

  private utilities: Map<string, UtilityPrefs> | null = null;
  private utilityCache(): Map<string, UtilityPrefs> {
    if (!this.utilities) this.utilities = new Map(this.store.listUtilities().map((u) => [u.id, u]));
    return this.utilities;
  }
  invalidateCaches(): void {
    this.utilities = null;
    this.routingProviders = null;
  }
  /** Connected providers in id order with their stored weights; rebuilt after an admin change. */
  private routingProviders: RoutingProvider[] | null = null;
  private routing(): RoutingProvider[] {
    if (!this.routingProviders) {
      const w = new Map(this.store.listProviders().map((p) => [p.id, p]));
      this.routingProviders = this.sortedIds.map((id) => ({
        id,
        weight: w.get(id)?.weight ?? 1,
        enabled: w.get(id)?.enabled ?? true,
        capabilities: this.providers.get(id)!.descriptor.capabilities,
      }));
    }
    return this.routingProviders;
  }

  route(meter: MeterState, capability?: keyof ProviderCapabilities): RouteDecision {
    return routePurchase({
      meter,
      utility: this.utilityOf(meter),
      providers: this.routing(),
      circuit: this.circuitOf,
      rng: this.rng,
      capability,
    });
  }
  private readonly circuitOf = (id: string) => this.monitor.circuit(id);

  /** Sends through a provider's client with the body linked to `txId`, and feeds health. */
  private async call<T>(txId: string, providerId: string, body: object, send: (c: ProviderClient, b: never) => Promise<PpuResult<T>>): Promise<PpuResult<T>> {
    const provider = this.providers.get(providerId)!;
    const copy = { ...body };
    this.txOfBody.set(copy, { txId, providerId });
    let result: PpuResult<T>;
    try {
      result = await send(provider.client, copy as never);
    } finally {
      this.txOfBody.delete(copy);
    }
    this.monitor.record(providerId, result.ms, isProviderError(result));
    return result;
  }

  private begin(
    id: string,
    type: TxType,
    meterId: string | null,
    amount: number | null,
    purchaseId: string | null,
    request: unknown,
    providerId: string | null = null,
  ): Started {
    const startedAt = this.now();
    const tx = { id, type, meterId, providerId, status: 'UNKNOWN' as const, amount, startedAt, purchaseId, request };
    if (this.unwrittenLookups.has(id)) throw new DuplicateIdError(id);
    if (type === 'LOOKUP') {
      // No money moves on a lookup, so its row is written once, finished, with the next batch; a
      // reused id is still refused now.
      if (this.store.hasTransaction(id)) throw new DuplicateIdError(id);
      this.unwrittenLookups.add(id);
      return { startedAt, t0: performance.now(), providerId, unwritten: tx };
    }
    this.store.insertTransaction(tx);
    return { startedAt, t0: performance.now(), providerId };
  }

  private finish(
    txId: string,
    op: PpuOperation,
    request: unknown,
    started: Pick<Started, 'startedAt' | 't0' | 'unwritten'>,
    reply: Reply,
    providerId: string | null,
    status: TxStatus,
    final: boolean,
  ): Reply {
    const ms = performance.now() - started.t0;
    const body = reply.body as { errorType?: string } | null;
    const json = JSON.stringify(reply.body); // once: stored, traced and sent
    const outcome: TransactionOutcome = {
      providerId,
      status,
      errorType: status === 'SUCCESSFUL' ? null : body?.errorType ?? null,
      ms,
      responseStatus: reply.status,
      responseBody: reply.body,
      responseJson: json,
      final,
    };
    const meterId = (request as { meter?: { meterId?: unknown } } | null)?.meter?.meterId;
    this.traces.addRefs(txId, referencesOf(txId, typeof meterId === 'string' ? meterId : null, request, reply.body));
    // The answer is already decided; recording it can ride the next batch (reads flush first).
    const row = started.unwritten;
    if (row) {
      // A lookup: one finished row, and no till->switch trace (the row is that exchange; see tracesOf).
      this.traces.defer(() => {
        this.unwrittenLookups.delete(row.id);
        this.store.insertFinishedTransaction(row, outcome);
      });
      return { ...reply, json };
    }
    this.traces.defer(() => this.store.finishTransaction(txId, outcome));
    this.traces.add({
      txId,
      direction: 'till->switch',
      providerId: null,
      operation: op,
      url: OPERATIONS[op].route,
      requestBody: request,
      status: reply.status,
      responseBody: reply.body,
      startedAt: started.startedAt,
      ms,
      responseJson: json,
    });
    return { ...reply, json };
  }

  private duplicate(op: PpuOperation, id: string): Reply {
    return fail('DUPLICATE_RECORD', `id ${id} was already used for another request`, OPERATIONS[op].requestType, id);
  }

  // ---------------------------------------------------------------- meter lookup and broadcast

  async lookup(req: MeterLookupRequest): Promise<Reply> {
    const rt = OPERATIONS.meterLookup.requestType;
    let started;
    try {
      started = this.begin(req.id, 'LOOKUP', req.meter.meterId, null, null, req);
    } catch (e) {
      if (e instanceof DuplicateIdError) return this.duplicate('meterLookup', req.id);
      throw e;
    }
    let discovered;
    try {
      discovered = await this.discover(req.id, req);
    } catch (e) {
      // Still recorded (the id stays used), then the server answers its 500.
      this.finish(req.id, 'meterLookup', req, started, fail('SYSTEM_MALFUNCTION', `The lookup failed inside the switch: ${e instanceof Error ? e.message : String(e)}`, rt, req.id), null, 'UNKNOWN', true);
      throw e;
    }
    const { result, providerId } = discovered;
    const reply = result
      ? replyOf(result.result, rt, req.id, result.providerId)
      : fail('UNKNOWN_METER_ID', `Meter ${req.meter.meterId} is not supported by any provider that answered`, rt, req.id);
    if (!result && providerId === 'none-answered') {
      Object.assign(reply, fail('UPSTREAM_UNAVAILABLE', `No provider answered the lookup for meter ${req.meter.meterId}; try again`, rt, req.id));
    }
    return this.finish(req.id, 'meterLookup', req, started, reply, result?.providerId ?? null, result ? statusOf(result.result) : 'FAILED', true);
  }

  /**
   * The lookup's fan-out: unconfirmed providers (all of them for an unknown or flagged meter) plus
   * the provider a purchase would go to, in parallel, bounded by the broadcast timeout. Resolves
   * with the first Supported answer (or the first definite refusal once everyone answered) while
   * late answers keep updating the contract table until the timeout.
   */
  private discover(txId: string, req: MeterLookupRequest): Promise<{ result: { providerId: string; result: PpuResult<unknown> } | null; providerId: string | null }> {
    const meterId = req.meter.meterId;
    const before = this.store.getMeter(meterId);
    const wasFlagged = before?.rebroadcastFlag ?? false;
    const broadcast = whomToBroadcast(before, this.enabledIds()).filter((id) => this.monitor.circuit(id) !== 'open');
    const route = before ? this.route(before) : null;
    const primaries = route && route.ok ? route.candidates : [];
    const first = primaries.find((p) => !broadcast.includes(p));
    const ask = first ? [first, ...broadcast] : broadcast;
    if (!before) this.store.saveMeter(applyLookupAnswers(newMeter(meterId), broadcast.map((p) => ({ providerId: p, answer: 'NO_ANSWER', at: this.now() }))), this.now());

    return new Promise((resolve) => {
      let decided = false;
      let pending = ask.length;
      let refusal: { providerId: string; result: PpuResult<unknown> } | null = null;
      let anyAnswer = false;
      const decide = (v: { providerId: string; result: PpuResult<unknown> } | null, why: string | null) => {
        if (decided) return;
        decided = true;
        resolve({ result: v, providerId: why });
      };
      const deadline = this.clock() + this.config.broadcastTimeoutMs;
      let timer: NodeJS.Timeout | null = null;
      const done = new Promise<void>((res) => {
        timer = setTimeout(res, this.config.broadcastTimeoutMs);
        timer.unref?.();
      });
      const tryFailover = async () => {
        // Known meter whose first supporting provider could not answer: ask the next ones in route order.
        for (const p of primaries) {
          if (ask.includes(p)) continue;
          const r = await this.call(txId, p, req, (c, b) => c.meterLookup(b));
          this.applyAnswer(meterId, p, r, false);
          if (r.outcome === 'successful') return decide({ providerId: p, result: r }, null);
          if (r.outcome === 'failed' && r.status !== 503) refusal ??= { providerId: p, result: r };
        }
        decide(refusal, anyAnswer || refusal ? null : 'none-answered');
      };
      if (ask.length === 0) {
        // Everyone already answered and nobody supports the meter: the contract table decides.
        anyAnswer = true;
        void tryFailover();
        return;
      }
      const all = ask.map(async (p) => {
        const r = await Promise.race([this.call(txId, p, req, (c, b) => c.meterLookup(b)), done.then(() => null)]);
        if (this.closed) return;
        if (r === null || this.clock() > deadline + 5) {
          this.applyAnswer(meterId, p, null, false);
        } else {
          const answer = this.applyAnswer(meterId, p, r, false);
          if (answer !== 'NO_ANSWER') anyAnswer = true;
          if (r.outcome === 'successful') decide({ providerId: p, result: r }, null);
          else if (r.outcome === 'failed' && r.status !== 503 && r.error?.errorType !== 'UNKNOWN_METER_ID') refusal ??= { providerId: p, result: r };
        }
        pending--;
        if (pending === 0 && !decided) void tryFailover();
      });
      const finished = Promise.all(all).then(() => {
        if (timer) clearTimeout(timer);
        if (wasFlagged && !this.closed) {
          // The rebroadcast cycle ends once the flagged lookup has been sent to everyone unconfirmed.
          const m = this.store.getMeter(meterId);
          if (m) this.store.saveMeter({ ...m, rebroadcastFlag: false }, this.now());
        }
      });
      this.track(finished);
    });
  }

  private applyAnswer(meterId: string, providerId: string, r: PpuResult<unknown> | null, clear: boolean): ProviderLookupAnswer['answer'] {
    const answer = r ? classifyLookupResult(r) : 'NO_ANSWER';
    const at = this.now();
    const current = this.store.getMeter(meterId) ?? newMeter(meterId);
    const utilityId = r && r.outcome === 'successful' && current.utilityId === null ? this.utilityIdFor(r.body) : null;
    const next = applyLookupAnswers(current, [{ providerId, answer, at }], { clearRebroadcastFlag: clear, utilityId });
    if (current.support.length > 0 && utilityId === null && !clear) {
      // Hot path (a known meter answered again): write only the provider's row that changed.
      const row = next.support.find((x) => x.providerId === providerId);
      const before = current.support.find((x) => x.providerId === providerId);
      if (row && row.status !== before?.status) this.store.setSupport(meterId, row);
      else if (row?.lastResponseAt && row.lastResponseAt !== before?.lastResponseAt) {
        const at = row.lastResponseAt; // only the time moved
        this.traces.defer(() => this.store.touchSupport(meterId, providerId, at));
      }
    } else {
      this.store.saveMeter(next, at);
    }
    return answer;
  }

  /** Learns a meter's utility from a provider's answer (by name), adding a utility the table lacks. */
  private utilityIdFor(body: unknown): string | null {
    const u = (body as { utility?: { name?: string; clientId?: string }; utilityType?: string } | null)?.utility;
    if (!u?.name) return null;
    const cache = this.utilityCache();
    for (const x of cache.values()) if (x.id === u.clientId || x.name.toLowerCase() === u.name.toLowerCase()) return x.id;
    const id = 'U-' + u.name.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-|-$/g, '');
    const utilityType = ((body as { utilityType?: string }).utilityType ?? 'ELECTRICITY') as UtilityPrefs['utilityType'];
    this.store.upsertUtility({ id, name: u.name, utilityType, ranked: [], excluded: [] });
    this.utilities = null;
    return id;
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  // ---------------------------------------------------------------- purchases

  purchase(req: PurchaseRequest, op: 'purchase' | 'trialPurchase' = 'purchase'): Promise<Reply> {
    let started;
    // The provider the purchase will most likely go to is stored with the insert itself, so the
    // usual case persists once before sending; a failover updates it before its own send.
    const meter = this.store.getMeter(req.meter.meterId);
    const likely = meter ? this.route(meter, op === 'trialPurchase' ? 'trialPurchases' : undefined) : null;
    try {
      started = this.begin(req.id, TX_OF_OPERATION[op], req.meter.meterId, req.purchaseAmount.amount, null, req, likely?.ok ? likely.candidates[0]! : null);
    } catch (e) {
      if (e instanceof DuplicateIdError) return Promise.resolve(this.duplicate(op, req.id));
      throw e;
    }
    const p = this.routeAndSend(req, op, started, likely ?? undefined).finally(() => this.inFlight.delete(req.id));
    this.inFlight.set(req.id, p);
    return p;
  }

  private async routeAndSend(
    req: PurchaseRequest,
    op: 'purchase' | 'trialPurchase' | 'purchaseRetry',
    started: { startedAt: string; t0: number; providerId?: string | null },
    pre?: RouteDecision,
  ): Promise<Reply> {
    const rt = OPERATIONS[op].requestType;
    let meter = this.store.getMeter(req.meter.meterId);
    const known = pre?.ok === true;
    if (!known && (!meter || (!meter.support.some((s) => s.status === 'SUPPORTED') && whomToBroadcast(meter, this.enabledIds()).length > 0))) {
      // A purchase for a meter nobody confirmed yet: broadcast first, as a lookup would.
      const lookup: MeterLookupRequest = {
        id: globalThis.crypto.randomUUID(),
        time: req.time,
        originator: req.originator,
        client: req.client,
        thirdPartyIdentifiers: [],
        meter: req.meter,
      };
      await this.discover(req.id, lookup);
      meter = this.store.getMeter(req.meter.meterId);
    }
    const decision =
      known && pre ? pre : meter ? this.route(meter, op === 'trialPurchase' ? 'trialPurchases' : undefined) : ({ ok: false, reason: 'NO_SUPPORTING_PROVIDER' } as const);
    if (!decision.ok) {
      const reply =
        decision.reason === 'NOT_CAPABLE'
          ? fail('FUNCTION_NOT_SUPPORTED', `No provider supporting meter ${req.meter.meterId} offers this operation`, rt, req.id)
          : decision.reason === 'ALL_UNAVAILABLE'
            ? fail('UPSTREAM_UNAVAILABLE', `Every provider supporting meter ${req.meter.meterId} is unavailable; try again later`, rt, req.id)
            : fail('UNKNOWN_METER_ID', `Meter ${req.meter.meterId} is not supported by any enabled provider`, rt, req.id);
      return this.finish(req.id, op, req, started, reply, null, 'FAILED', true);
    }
    let lastFailure: { providerId: string; result: PpuResult<unknown> } | null = null;
    for (const providerId of decision.candidates) {
      if (this.monitor.circuit(providerId) === 'open') continue;
      if (started.providerId !== providerId) {
        this.store.setTransactionProvider(req.id, providerId); // persist before send
        started.providerId = providerId;
      }
      const send = op === 'trialPurchase' ? (c: ProviderClient, b: never) => c.trialPurchase(b) : (c: ProviderClient, b: never) => c.purchase(b);
      const r = await this.call(req.id, providerId, req, send);
      if (r.outcome === 'successful') return this.finish(req.id, op, req, started, { status: r.status, body: r.body }, providerId, 'SUCCESSFUL', true);
      if (r.outcome === 'failed') {
        if (r.status === 503 || r.error?.errorType === 'UNKNOWN_METER_ID') {
          if (r.error?.errorType === 'UNKNOWN_METER_ID') this.applyAnswer(req.meter.meterId, providerId, r, false);
          lastFailure = { providerId, result: r };
          continue; // nothing was issued: the next supporting provider may take it
        }
        return this.finish(req.id, op, req, started, replyOf(r, rt, req.id, this.nameOf(providerId)), providerId, 'FAILED', true);
      }
      if (neverSent(r)) {
        lastFailure = { providerId, result: r };
        continue;
      }
      // Outcome unknown: never a second provider. Retry here where the provider supports retries.
      return this.resolveUnknown(req, op, started, providerId, r);
    }
    const reply = lastFailure
      ? replyOf(lastFailure.result, rt, req.id, this.nameOf(lastFailure.providerId))
      : fail('UPSTREAM_UNAVAILABLE', `Every provider supporting meter ${req.meter.meterId} is unavailable`, rt, req.id);
    if (lastFailure?.result.outcome === 'unknown') Object.assign(reply, fail('UPSTREAM_UNAVAILABLE', `No provider could be reached for meter ${req.meter.meterId}`, rt, req.id));
    return this.finish(req.id, op, req, started, reply, lastFailure?.providerId ?? null, 'FAILED', true);
  }

  private nameOf(providerId: string): string {
    return this.providers.get(providerId)?.descriptor.name ?? providerId;
  }

  private async resolveUnknown(
    req: PurchaseRequest,
    op: 'purchase' | 'trialPurchase' | 'purchaseRetry',
    started: { startedAt: string; t0: number; providerId?: string | null },
    providerId: string,
    first: PpuResult<unknown>,
    retries = this.config.unknownOutcomeRetries,
  ): Promise<Reply> {
    const rt = OPERATIONS[op].requestType;
    let r = first;
    const canRetry = this.providers.get(providerId)?.descriptor.capabilities.retries === true && op !== 'trialPurchase';
    for (let i = 0; canRetry && i < retries && r.outcome === 'unknown'; i++) {
      r = await this.call(req.id, providerId, req, (c, b) => c.retryPurchase(b));
    }
    if (r.outcome === 'successful') return this.finish(req.id, op, req, started, { status: r.status, body: r.body }, providerId, 'SUCCESSFUL', true);
    if (r.outcome === 'failed') return this.finish(req.id, op, req, started, replyOf(r, rt, req.id, this.nameOf(providerId)), providerId, 'FAILED', true);
    const why = canRetry ? r.reason : `${r.reason}; ${this.nameOf(providerId)} does not support retries — reverse this purchase`;
    return this.finish(req.id, op, req, started, fail('OUTCOME_UNKNOWN', `Outcome at ${this.nameOf(providerId)} unknown (${why}); retry this purchase`, rt, req.id), providerId, 'UNKNOWN', false);
  }

  /** The till's /retry: answered from the store when final, else retried at the provider that got the original. */
  async retry(req: PurchaseRequest): Promise<Reply> {
    const rt = OPERATIONS.purchaseRetry.requestType;
    const running = this.inFlight.get(req.id);
    if (running) await running;
    this.traces.flush();
    const original = this.store.getTransaction(req.id);
    if (!original) {
      // The switch never saw the original: this retry is the purchase.
      let started;
      try {
        started = this.begin(req.id, 'PURCHASE', req.meter.meterId, req.purchaseAmount.amount, null, req);
      } catch (e) {
        if (e instanceof DuplicateIdError) return this.retry(req);
        throw e;
      }
      const p = this.routeAndSend(req, 'purchase', started).finally(() => this.inFlight.delete(req.id));
      this.inFlight.set(req.id, p);
      return p;
    }
    if (!['PURCHASE', 'TRIAL'].includes(original.type) || original.meterId !== req.meter.meterId || original.amount !== req.purchaseAmount.amount) {
      return fail('DUPLICATE_RECORD', `id ${req.id} belongs to a different request; a retry must repeat the original purchase unchanged`, rt, req.id);
    }
    const retryId = globalThis.crypto.randomUUID();
    const started = this.begin(retryId, 'RETRY', req.meter.meterId, req.purchaseAmount.amount, req.id, req);
    if (original.final) {
      const reply = { status: original.responseStatus ?? 500, body: original.responseBody };
      return this.finish(retryId, 'purchaseRetry', req, started, reply, original.providerId, original.status, true);
    }
    const work = (async (): Promise<Reply> => {
      const origStarted = { startedAt: original.startedAt, t0: performance.now() };
      let reply: Reply;
      if (!original.providerId) {
        reply = await this.routeAndSend(req, 'purchase', origStarted);
      } else {
        const providerId = original.providerId;
        const canRetry = this.providers.get(providerId)?.descriptor.capabilities.retries === true;
        if (!canRetry) {
          reply = fail('OUTCOME_UNKNOWN', `${this.nameOf(providerId)} does not support retries; the outcome stays unknown — reverse this purchase`, rt, req.id);
        } else {
          const r = await this.call(req.id, providerId, req, (c, b) => c.retryPurchase(b));
          reply = await this.resolveUnknown(req, 'purchase', origStarted, providerId, r, 0);
        }
      }
      this.traces.flush();
      const after = this.store.getTransaction(req.id);
      return this.finish(retryId, 'purchaseRetry', req, started, reply, after?.providerId ?? original.providerId, after?.status ?? 'UNKNOWN', true);
    })();
    const p = work.finally(() => this.inFlight.delete(req.id));
    this.inFlight.set(req.id, p);
    return p;
  }

  // ---------------------------------------------------------------- optional operations

  private async simpleRouted<Req extends { id: string; meter: { meterId: string } }>(
    op: 'tokenReprint' | 'faultReport' | 'keyChangeToken',
    req: Req,
    capability: keyof ProviderCapabilities,
    send: (c: ProviderClient, b: never) => Promise<PpuResult<unknown>>,
    fixedProvider: string | null,
  ): Promise<Reply> {
    const rt = OPERATIONS[op].requestType;
    let started;
    try {
      started = this.begin(req.id, TX_OF_OPERATION[op], req.meter.meterId, null, null, req);
    } catch (e) {
      if (e instanceof DuplicateIdError) return this.duplicate(op, req.id);
      throw e;
    }
    let candidates: string[];
    if (fixedProvider) {
      if (!this.providers.get(fixedProvider)?.descriptor.capabilities[capability]) {
        return this.finish(req.id, op, req, started, fail('FUNCTION_NOT_SUPPORTED', `${this.nameOf(fixedProvider)} does not offer this operation`, rt, req.id), fixedProvider, 'FAILED', true);
      }
      candidates = [fixedProvider];
    } else {
      const meter = this.store.getMeter(req.meter.meterId);
      const d = meter ? this.route(meter, capability) : ({ ok: false, reason: 'NO_SUPPORTING_PROVIDER' } as const);
      if (!d.ok) {
        const reply =
          d.reason === 'NOT_CAPABLE'
            ? fail('FUNCTION_NOT_SUPPORTED', `No provider supporting meter ${req.meter.meterId} offers this operation`, rt, req.id)
            : d.reason === 'ALL_UNAVAILABLE'
              ? fail('UPSTREAM_UNAVAILABLE', 'Every capable provider is unavailable', rt, req.id)
              : fail('UNKNOWN_METER_ID', `Meter ${req.meter.meterId} is not supported by any enabled provider; look it up first`, rt, req.id);
        return this.finish(req.id, op, req, started, reply, null, 'FAILED', true);
      }
      candidates = d.candidates;
    }
    let last: { p: string; r: PpuResult<unknown> } | null = null;
    for (const p of candidates) {
      this.store.setTransactionProvider(req.id, p);
      const r = await this.call(req.id, p, req, send);
      last = { p, r };
      if (r.outcome === 'failed' && r.status === 503) continue;
      if (neverSent(r)) continue;
      break;
    }
    const { p, r } = last!;
    return this.finish(req.id, op, req, started, replyOf(r, rt, req.id, this.nameOf(p)), p, statusOf(r), r.outcome !== 'unknown');
  }

  reprint(req: TokenReprintRequest): Promise<Reply> {
    this.traces.flush();
    const original = this.store.getTransaction(req.originalRef) ?? this.findByReference(req.originalRef);
    return this.simpleRouted('tokenReprint', req, 'reprints', (c, b) => c.reprint(b), original?.providerId ?? null);
  }
  private findByReference(ref: string) {
    const hit = this.store.listTransactions({ q: ref, limit: 10 }).find((t) => t.type === 'PURCHASE' && t.providerId);
    return hit ?? null;
  }
  faultReport(req: FaultReportRequest): Promise<Reply> {
    return this.simpleRouted('faultReport', req, 'faultReports', (c, b) => c.faultReport(b), null);
  }
  keyChange(req: KeyChangeTokenRequest): Promise<Reply> {
    return this.simpleRouted('keyChangeToken', req, 'keyChange', (c, b) => c.keyChangeToken(b), null);
  }

  // ---------------------------------------------------------------- advices (must-deliver)

  /** Confirmations and reversals: 202 at once, persisted, forwarded from the queue. */
  advice(op: 'confirmation' | 'reversal' | 'keyChangeConfirmation', advice: ConfirmationAdvice | ReversalAdvice): Reply {
    const rt = OPERATIONS[op].requestType;
    const kind: AdviceKind = op === 'reversal' ? 'reversal' : 'confirmation';
    this.traces.flush();
    const parent = this.store.getTransaction(advice.requestId);
    const parentTypes: TxType[] = op === 'keyChangeConfirmation' ? ['KEY_CHANGE'] : ['PURCHASE', 'TRIAL'];
    if (!parent || !parentTypes.includes(parent.type)) {
      return fail('UNABLE_TO_LOCATE_RECORD', `No ${op === 'keyChangeConfirmation' ? 'key change request' : 'purchase'} ${advice.requestId} is known to the switch`, rt, advice.id);
    }
    const existing = this.store.getAdvice(advice.id);
    if (existing) {
      // A till repeats the head of its queue until it sees a final status: the same advice again is fine.
      if (existing.purchaseId === advice.requestId && existing.kind === kind) return { status: 202, body: advice };
      return this.duplicate(op, advice.id);
    }
    let started;
    try {
      started = this.begin(advice.id, kind === 'reversal' ? 'REVERSAL' : 'CONFIRMATION', parent.meterId, parent.amount, advice.requestId, advice);
    } catch (e) {
      if (e instanceof DuplicateIdError) return this.duplicate(op, advice.id);
      throw e;
    }
    const now = this.now();
    const reply: Reply = { status: 202, body: advice };
    if (!parent.providerId) {
      // No provider ever received the purchase: there is nothing to advise.
      this.finish(advice.id, op, advice, started, reply, null, 'SUCCESSFUL', true);
      return reply;
    }
    this.store.insertAdvice({
      id: advice.id,
      purchaseId: advice.requestId,
      kind,
      operation: op as AdviceOperation,
      providerId: parent.providerId,
      body: advice,
      createdAt: now,
      nextAttemptAt: now,
      status: 'PENDING',
    });
    this.finish(advice.id, op, advice, started, reply, parent.providerId, 'UNKNOWN', false);
    this.kickAdvices();
    return reply;
  }

  /** Starts (or restarts after a restart) delivery of the advice queue. */
  kickAdvices(): void {
    if (this.closed) return;
    if (this.adviceTimer) clearTimeout(this.adviceTimer);
    this.adviceTimer = null;
    const heads = this.store.pendingAdviceHeads();
    const now = this.clock();
    let nextAt = Infinity;
    for (const head of heads) {
      if (this.adviceBusy.has(head.providerId)) continue;
      const at = Date.parse(head.nextAttemptAt);
      if (at <= now) this.track(this.deliver(head));
      else nextAt = Math.min(nextAt, at);
    }
    if (nextAt < Infinity) {
      this.adviceTimer = setTimeout(() => this.kickAdvices(), Math.max(5, nextAt - now));
      this.adviceTimer.unref?.();
    }
  }

  private async deliver(a: AdviceRecord): Promise<void> {
    this.adviceBusy.add(a.providerId);
    try {
      if (!this.providers.has(a.providerId)) {
        this.store.updateAdvice({ id: a.id, attempts: a.attempts + 1, lastError: `provider ${a.providerId} is not connected`, nextAttemptAt: new Date(this.clock() + this.config.backoff.maxMs).toISOString(), status: 'PENDING' });
        return;
      }
      const body = a.body as ConfirmationAdvice & ReversalAdvice;
      const r = await this.call(a.id, a.providerId, body, (c, b) =>
        a.operation === 'reversal' ? c.reverse(b) : a.operation === 'keyChangeConfirmation' ? c.confirmKeyChange(b) : c.confirm(b),
      );
      if (this.closed) return;
      const next = nextAdviceState(a, r, this.clock(), this.config.backoff);
      this.store.updateAdvice(next);
      if (next.status !== 'PENDING') {
        this.traces.flush();
        const tx = this.store.getTransaction(a.id);
        if (tx) {
          this.store.finishTransaction(a.id, {
            providerId: a.providerId,
            status: next.status === 'DELIVERED' ? 'SUCCESSFUL' : 'FAILED',
            errorType: errorTypeOf(r),
            ms: tx.ms,
            responseStatus: tx.responseStatus,
            responseBody: tx.responseBody,
            final: true,
          });
        }
      }
    } finally {
      this.adviceBusy.delete(a.providerId);
      if (!this.closed) setImmediate(() => this.kickAdvices());
    }
  }

  // ---------------------------------------------------------------- contract table admin

  /** "Confirm support" on a meter (seed 001). */
  confirmSupport(meterId: string): MeterState | null {
    const meter = this.store.getMeter(meterId);
    if (!meter) return null;
    const next = markForRebroadcast(meter, this.providerIds());
    this.store.saveMeter(next, this.now());
    return next;
  }

  /**
   * Periodic re-broadcast of the contract table: every meter is looked up at every enabled provider
   * again (a few meters at a time), statuses refreshed, meter preferences kept only where the
   * preferred provider still supports the meter.
   */
  async rebroadcastAll(opts: { concurrency?: number; batch?: number } = {}): Promise<{ meters: number }> {
    const concurrency = opts.concurrency ?? 4;
    const batch = opts.batch ?? 200;
    let after = '';
    let meters = 0;
    const providers = this.enabledIds();
    for (;;) {
      const ids = this.store.meterIdsAfter(after, batch);
      if (ids.length === 0 || this.closed) break;
      after = ids[ids.length - 1]!;
      for (let i = 0; i < ids.length; i += concurrency) {
        await Promise.all(
          ids.slice(i, i + concurrency).map(async (meterId) => {
            const id = globalThis.crypto.randomUUID();
            const req: MeterLookupRequest = {
              id,
              time: this.now(),
              originator: REBROADCAST_ORIGINATOR,
              client: { id: 'SWITCH', name: 'PPU switch' },
              thirdPartyIdentifiers: [],
              meter: { meterId },
            };
            const answers = await Promise.all(
              providers.map(async (p) => {
                const r = await this.providers.get(p)!.client.meterLookup(req);
                this.monitor.record(p, r.ms, isProviderError(r));
                return { providerId: p, answer: classifyLookupResult(r), at: this.now(), r };
              }),
            );
            const utilityId = answers.map((a) => (a.r.outcome === 'successful' ? this.utilityIdFor(a.r.body) : null)).find((x) => x) ?? null;
            const current = this.store.getMeter(meterId);
            if (!current) return;
            this.store.saveMeter(keepPreferences(applyLookupAnswers(current, answers, { utilityId })), this.now());
          }),
        );
        meters += Math.min(concurrency, ids.length - i);
      }
    }
    this.store.setMeta('last_rebroadcast_at', this.now());
    return { meters };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.adviceTimer) clearTimeout(this.adviceTimer);
    await Promise.race([Promise.allSettled([...this.background]), new Promise((r) => setTimeout(r, 200))]);
    this.traces.close();
  }
}

const REBROADCAST_ORIGINATOR = {
  institution: { id: 'SWITCH', name: 'PPU switch' },
  terminalId: 'SWITCH01',
  merchant: { merchantId: '000000000000000', merchantType: '0000', merchantName: { name: 'PPU switch', city: 'Switch', region: 'ZA', country: 'ZA' } },
};
