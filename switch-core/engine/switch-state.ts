/**
 * What every part of the engine shares: the store, the connected providers and their clients, the
 * provider monitor, the trace writer, the routing caches, and the transaction bookkeeping every
 * operation goes through (begin persists before anything is sent; finish records the reply, its
 * references and its trace). The operations themselves live in meter-lookup.ts, broadcast.ts,
 * purchase-routing.ts, retries.ts, optional-operations.ts, advice-queue.ts and events.ts.
 *
 * Just over 400 lines because begin/finish and the caches share this class's private state (the
 * lookups not yet written, the in-flight map, the provider call ↔ transaction links): apart, each
 * half would need the other's privates. The engine's configuration types at the top are its inputs.
 */
import {
  maskCardNumbersIn,
  nowIso,
  OPERATIONS,
  type ConfirmationAdvice,
  type FaultReportRequest,
  type KeyChangeTokenRequest,
  type MeterLookupRequest,
  type PpuOperation,
  type PpuResult,
  type PpuTrace,
  type PurchaseRequest,
  type PurchaseAnswer,
  type ReversalAdvice,
  type TokenReprintRequest,
} from '../protocol';
import type { ProviderCapabilities, ProviderDescriptor } from '../providers/types';
import { OPERATION_OF_ROW } from '../store/rows';
import { DuplicateIdError, type NewTransaction, type SwitchStore, type TransactionOutcome } from '../store/switch-store';
import type { Backoff } from '../../common/backoff';
import { DEFAULT_ADVICE_MAX_AGE_MS, DEFAULT_BACKOFF } from './advices';
import { DEFAULT_HEALTH_CONFIG, ProviderMonitor, type HealthConfig } from './health';
import type { MeterState, TraceRecord, TxStatus, TxType, UtilityPrefs } from './model';
import { referencesOf } from './references';
import { storeReferencesOf } from './store-scope';
import { fail, isProviderError, type Reply } from './replies';
import { routePurchase, type RouteDecision, type RoutingProvider } from './routing';
import { DEFAULT_SLIP_WIDTH } from './slip-data';
import { TraceWriter } from './traces';

/** What the engine needs of a provider connection (PpuClient satisfies it). */
export interface ProviderClient {
  meterLookup(req: MeterLookupRequest): Promise<PpuResult<unknown>>;
  purchase(req: PurchaseRequest): Promise<PpuResult<PurchaseAnswer>>;
  retryPurchase(req: PurchaseRequest): Promise<PpuResult<PurchaseAnswer>>;
  trialPurchase(req: PurchaseRequest): Promise<PpuResult<PurchaseAnswer>>;
  confirm(advice: ConfirmationAdvice): Promise<PpuResult<unknown>>;
  reverse(advice: ReversalAdvice): Promise<PpuResult<unknown>>;
  reprint(req: TokenReprintRequest): Promise<PpuResult<PurchaseAnswer>>;
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
  backoff: Backoff;
  /** An advice without a final answer (202 or 400) this long after it arrived is parked as needing reconciliation. */
  adviceMaxAgeMs: number;
  health: HealthConfig;
  /** Trace/reference writes are batched off the hot path and flushed this often. */
  traceFlushMs: number;
  /** Columns of the slipData the switch builds for an answer that has none. */
  slipWidth: number;
  /** How long a node holds an advice it is delivering (longer than any provider call). */
  adviceLeaseMs: number;
  /** How often the advice queue is looked at for other nodes' advices and expired leases. */
  advicePollMs: number;
}

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  broadcastTimeoutMs: 10_000,
  unknownOutcomeRetries: 1,
  backoff: DEFAULT_BACKOFF,
  adviceMaxAgeMs: DEFAULT_ADVICE_MAX_AGE_MS,
  health: DEFAULT_HEALTH_CONFIG,
  traceFlushMs: 25,
  slipWidth: DEFAULT_SLIP_WIDTH,
  adviceLeaseMs: 60_000,
  advicePollMs: 2_000,
};

export interface EngineDeps {
  store: SwitchStore;
  providers: readonly EngineProvider[];
  config?: Partial<EngineConfig>;
  clock?: () => number;
  rng?: () => number;
  /** This switch node's name (advice leases, logs); one is made up when absent. */
  nodeId?: string;
}

/** A transaction under way: when it began, and a lookup's row until it is written finished. */
export interface Started {
  startedAt: string;
  t0: number;
  providerId?: string | null;
  unwritten?: NewTransaction;
  /** A lookup's row on a store shared by nodes, being inserted while its broadcast runs: finish waits for it. */
  written?: Promise<void>;
}

export const TX_OF_OPERATION: Record<PpuOperation, TxType> = {
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

export class SwitchState {
  readonly store: SwitchStore;
  readonly monitor: ProviderMonitor;
  readonly config: EngineConfig;
  readonly clock: () => number;
  readonly traces: TraceWriter;
  readonly nodeId: string;
  /** Purchases under way by id, so a retry waits for its original instead of racing it. */
  readonly inFlight = new Map<string, Promise<Reply>>();
  closed = false;
  /** Whether this node runs the jobs for all nodes (alerts among them); a single node always does. */
  leading = true;
  /** The last failure of work nobody awaits (an alert or advice write), for status pages. */
  lastBackgroundError: string | null = null;
  private readonly providers = new Map<string, EngineProvider>();
  private readonly rng: () => number;
  private readonly sortedIds: readonly string[];
  /** Lookup ids whose row waits in the batch (checked with the store for reused ids). */
  private readonly unwrittenLookups = new Set<string>();
  /**
   * The body each provider call is sending, linked to its transaction until the call returns (for
   * the client's trace hook). A Map with explicit deletes, not a WeakMap: V8's young-generation GC keeps WeakMap keys alive,
   * so per-request keys made every scavenge copy and promote a megabyte of finished requests.
   */
  private readonly txOfBody = new Map<object, { txId: string; providerId: string; asRow: boolean }>();
  /**
   * The request each transaction under way stored in its row: a provider call sending that very
   * object sends the row's JSON again, so its trace need not store it twice (TraceRecord.requestAsRow).
   */
  private readonly rowRequests = new Map<string, unknown>();
  /**
   * Each lookup under way, from its begin to its finish, with what its provider calls leave for its
   * row. `call`: its provider call, held to be written with its outcome, in its row (WriteBatch's
   * upstream), rather than as a trace row of its own; a lookup that asks a second provider (a
   * broadcast, `several`) has every call written as a trace. `sentJson`, for a row that waits for
   * the batch: the JSON a provider was sent, the row's own request (the client serialised it), so
   * the row is written from it and the request is neither serialised twice nor kept, parsed, in the
   * batch until it is written.
   */
  private readonly lookupCalls = new Map<string, { call: TraceRecord | null; several: boolean; sentJson?: string }>();
  /** Lookup rows still being inserted while their broadcast runs: a provider's trace waits for its row (the id may prove taken). */
  private readonly rowsBeingWritten = new Map<string, Promise<void>>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly meterSteps = new Map<string, Promise<void>>();
  private utilities: Promise<Map<string, UtilityPrefs>> | null = null;
  /** Connected providers in id order with their stored weights. */
  private routingProviders: Promise<RoutingProvider[]> | null = null;
  private enabled: Promise<readonly string[]> | null = null;

  constructor(deps: EngineDeps) {
    this.store = deps.store;
    this.config = { ...DEFAULT_ENGINE_CONFIG, ...deps.config };
    this.clock = deps.clock ?? Date.now;
    this.rng = deps.rng ?? Math.random;
    this.nodeId = deps.nodeId ?? `node-${globalThis.crypto.randomUUID().slice(0, 8)}`;
    for (const p of deps.providers) this.providers.set(p.descriptor.id, p);
    this.sortedIds = [...this.providers.keys()].sort();
    this.traces = new TraceWriter(this.store, this.config.traceFlushMs);
    // A provider answering after close must not write into a closed store.
    this.monitor = new ProviderMonitor(this.clock, (a) => {
      if (!this.closed && this.leading) this.track(this.store.insertAlert(a));
    }, this.config.health);
    // Another node changed preferences or weights: read them again on next use.
    this.store.onChange((c) => {
      if (c.kind === 'utilities') this.forgetUtilities();
      if (c.kind === 'providers') this.forgetProviders();
    });
  }

  providerIds(): readonly string[] {
    return this.sortedIds;
  }
  descriptor(id: string): ProviderDescriptor | null {
    return this.providers.get(id)?.descriptor ?? null;
  }
  client(id: string): ProviderClient | null {
    return this.providers.get(id)?.client ?? null;
  }
  nameOf(providerId: string): string {
    return this.providers.get(providerId)?.descriptor.name ?? providerId;
  }
  now(): string {
    return nowIso(this.clock);
  }

  /** Hook for each provider client's onTrace: files the exchange under its transaction. */
  onProviderTrace(providerId: string, t: PpuTrace): void {
    const link = typeof t.requestBody === 'object' && t.requestBody !== null ? this.txOfBody.get(t.requestBody) : undefined;
    if (!link) return;
    const answered = !(t.outcome === 'unknown' && t.status === null);
    // The answer is kept as it came, except a card number in it (a provider's free text), masked.
    const responseText = t.responseText === null ? null : maskCardNumbersIn(t.responseText);
    // An answer that parsed as JSON is stored as the text that came (an empty 202 or an HTML error page is not).
    const asJson = answered && typeof t.responseBody === 'object' && t.responseBody !== null && responseText !== null;
    // The store writes the JSON as it crossed the wire (the request's, or the row's own): the parsed
    // bodies are not kept waiting for the batch, where they outlived young-generation collections.
    const trace: TraceRecord = {
      txId: link.txId,
      direction: 'switch->provider',
      providerId,
      operation: t.operation,
      url: t.url,
      requestBody: null,
      status: t.status,
      responseBody: !answered ? { reason: t.reason ?? 'no answer' } : asJson ? null : responseText === t.responseText ? t.responseBody : responseText,
      startedAt: t.startedAt,
      ms: t.ms,
      ...(link.asRow ? { requestAsRow: true as const } : { requestJson: t.requestText }),
      ...(asJson ? { responseJson: responseText } : {}),
    };
    // A call answered after its lookup finished (a late broadcast answer) finds no entry: it is a trace.
    const held = link.asRow ? this.lookupCalls.get(link.txId) : undefined;
    if (held && this.unwrittenLookups.has(link.txId)) held.sentJson = t.requestText;
    if (held && !held.several) {
      if (!held.call) {
        held.call = trace;
        return;
      }
      // A second provider asked (a broadcast): every call is a trace of its own.
      this.fileTrace(held.call);
      held.call = null;
      held.several = true;
    }
    this.fileTrace(trace);
  }

  /** Files a provider call's trace; one whose row is still being inserted waits for it (the id may prove taken). */
  private fileTrace(trace: TraceRecord): void {
    const row = this.rowsBeingWritten.get(trace.txId);
    if (row) row.then(() => this.traces.add(trace), () => undefined);
    else this.traces.add(trace);
  }

  /** The enabled providers' ids, in id order: one list per read of the providers' settings, not one per lookup. */
  enabledIds(): Promise<readonly string[]> {
    this.enabled ??= this.routing().then(
      (list) => list.filter((p) => p.enabled).map((p) => p.id),
      (err: unknown) => {
        this.enabled = null;
        throw err;
      },
    );
    return this.enabled;
  }

  utilityCache(): Promise<Map<string, UtilityPrefs>> {
    this.utilities ??= this.store.listUtilities().then(
      (list) => new Map(list.map((u) => [u.id, u])),
      (err: unknown) => {
        this.utilities = null; // a failed read is not cached
        throw err;
      },
    );
    return this.utilities;
  }
  /** After a utility was added or its preferences changed (here or on another node). */
  forgetUtilities(): void {
    this.utilities = null;
  }
  /** After a provider's weight changed (here or on another node). */
  forgetProviders(): void {
    this.routingProviders = null;
    this.enabled = null;
  }

  private routing(): Promise<RoutingProvider[]> {
    this.routingProviders ??= this.store.listProviders().then(
      (list) => {
        const w = new Map(list.map((p) => [p.id, p]));
        return this.sortedIds.map((id) => ({
          id,
          weight: w.get(id)?.weight ?? 1,
          enabled: w.get(id)?.enabled ?? true,
          capabilities: this.providers.get(id)!.descriptor.capabilities,
        }));
      },
      (err: unknown) => {
        this.routingProviders = null;
        throw err;
      },
    );
    return this.routingProviders;
  }

  async route(meter: MeterState, capability?: keyof ProviderCapabilities): Promise<RouteDecision> {
    const [utilities, providers] = await Promise.all([this.utilityCache(), this.routing()]);
    return routePurchase({
      meter,
      utility: meter.utilityId ? (utilities.get(meter.utilityId) ?? null) : null,
      providers,
      circuit: this.circuitOf,
      rng: this.rng,
      capability,
    });
  }
  private readonly circuitOf = (id: string) => this.monitor.circuit(id);
  /** Whether a provider's circuit is open (nothing is sent to it now); bound once, passed to array methods. */
  readonly isOpen = (id: string): boolean => this.circuitOf(id) === 'open';

  /** Sends through a provider's client with the body linked to `txId`, and feeds health. */
  async call<T>(txId: string, providerId: string, body: object, send: (c: ProviderClient, b: never) => Promise<PpuResult<T>>): Promise<PpuResult<T>> {
    const provider = this.providers.get(providerId)!;
    const copy = { ...body };
    this.txOfBody.set(copy, { txId, providerId, asRow: this.rowRequests.get(txId) === body });
    let result: PpuResult<T>;
    try {
      result = await send(provider.client, copy as never);
    } finally {
      this.txOfBody.delete(copy);
    }
    this.monitor.record(providerId, result.ms, isProviderError(result));
    return result;
  }

  async begin(
    id: string,
    type: TxType,
    meterId: string | null,
    amount: number | null,
    purchaseId: string | null,
    request: unknown,
    providerId: string | null = null,
  ): Promise<Started> {
    const startedAt = this.now();
    const tx = { id, type, meterId, providerId, status: 'UNKNOWN' as const, amount, startedAt, purchaseId, request };
    if (this.unwrittenLookups.has(id)) throw new DuplicateIdError(id);
    const started = await this.insertRow(tx);
    this.rowRequests.set(id, request);
    if (type === 'LOOKUP') this.lookupCalls.set(id, { call: null, several: false });
    // A store finds its sales by these: one still in flight (a till killed while it waits) must show too.
    const storeRefs = storeReferencesOf(id, type, request);
    if (storeRefs.length > 0) this.traces.addRefs(id, storeRefs);
    return started;
  }

  /** Begins a transaction's row (see begin): written now, or for a lookup on one node with the batch after its answer. */
  private async insertRow(tx: NewTransaction): Promise<Started> {
    const { id, type, providerId, startedAt } = tx;
    if (type === 'LOOKUP') {
      if (this.store.sharedByNodes) {
        // Another node may get the same id at the same moment: the insert refuses it. No money
        // moves on a lookup, so the row need not survive a power cut before the broadcast, and the
        // broadcast need not wait for it: finish does (one round trip less before a provider is
        // asked). The same id under way here already waits, as before, so a repeat never asks twice.
        if (this.inFlight.has(id) || this.rowsBeingWritten.has(id)) {
          await this.store.insertTransaction(tx, { durable: false });
          return { startedAt, t0: performance.now(), providerId };
        }
        const written = this.store.insertTransaction(tx, { durable: false });
        this.rowsBeingWritten.set(id, written);
        // Written: the row exists, traces go straight on. Refused: kept until finish, so none is filed under another's id.
        written.then(() => this.rowsBeingWritten.delete(id), () => undefined);
        return { startedAt, t0: performance.now(), providerId, written };
      }
      // One node: the row is written once, finished, with the next batch; a reused id is still refused now.
      this.unwrittenLookups.add(id);
      if (await this.store.hasTransaction(id)) {
        this.unwrittenLookups.delete(id);
        throw new DuplicateIdError(id);
      }
      return { startedAt, t0: performance.now(), providerId, unwritten: tx };
    }
    await this.store.insertTransaction(tx);
    return { startedAt, t0: performance.now(), providerId };
  }

  async finish(
    txId: string,
    op: PpuOperation,
    request: unknown,
    started: Pick<Started, 'startedAt' | 't0' | 'unwritten' | 'written'>,
    reply: Reply,
    providerId: string | null,
    status: TxStatus,
    final: boolean,
  ): Promise<Reply> {
    this.rowRequests.delete(txId);
    // Taken before the row is known to be this lookup's: one whose id proves taken records nothing.
    const calls = this.lookupCalls.get(txId);
    this.lookupCalls.delete(txId);
    const upstream = calls?.call ?? undefined;
    if (started.written) {
      try {
        await started.written; // a reused id throws here (DuplicateIdError): nothing of this attempt is recorded
      } finally {
        if (this.rowsBeingWritten.get(txId) === started.written) this.rowsBeingWritten.delete(txId);
      }
    }
    const ms = performance.now() - started.t0;
    const body = reply.body as { errorType?: string } | null;
    const json = JSON.stringify(reply.body); // once: stored, traced and sent
    const outcome: TransactionOutcome = {
      providerId,
      status,
      errorType: status === 'SUCCESSFUL' ? null : body?.errorType ?? null,
      ms,
      responseStatus: reply.status,
      // Stored from its JSON: the body itself would only wait in the batch (a lookup's) for nobody.
      responseBody: null,
      responseJson: json,
      final,
    };
    const meterId = (request as { meter?: { meterId?: unknown } } | null)?.meter?.meterId;
    // The store's own references were filed when it began (begin).
    this.traces.addRefs(txId, referencesOf(txId, typeof meterId === 'string' ? meterId : null, request, reply.body));
    const row = started.unwritten;
    if (row) {
      // A lookup: one finished row holding its provider call, and no till->switch trace (the row is that exchange; see tracesOf).
      const requestJson = calls?.sentJson ?? JSON.stringify(row.request);
      this.traces.addFinishedRow({ ...row, request: null, requestJson }, outcome, () => this.unwrittenLookups.delete(row.id), upstream);
      return { ...reply, json };
    }
    if (TX_OF_OPERATION[op] === 'LOOKUP') {
      // A lookup whose row was written up front (several nodes): its outcome may ride the batch, with its provider call.
      this.traces.addOutcome(txId, outcome, upstream);
      return { ...reply, json };
    }
    // Anything but a lookup may have moved money: its outcome is written before the answer leaves, so
    // a switch killed right after answering still knows what it sold (the crash test found one that
    // rode the batch and was lost). Not waiting for a power-cut-proof write: a WAL append, no fsync.
    await this.store.finishTransaction(txId, outcome);
    // The row now holds this exchange whole; only a type shared by two operations needs the trace.
    if (OPERATION_OF_ROW[TX_OF_OPERATION[op]] === op) return { ...reply, json };
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

  /**
   * Runs read-modify-write steps on one meter's row one after another: answers arriving together
   * for a meter must not each write back the row they read before the other's write.
   */
  withMeter<T>(meterId: string, step: () => Promise<T>): Promise<T> {
    const before = this.meterSteps.get(meterId) ?? Promise.resolve();
    const run = before.then(step, step);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.meterSteps.set(meterId, tail);
    void tail.then(() => {
      if (this.meterSteps.get(meterId) === tail) this.meterSteps.delete(meterId);
    });
    return run;
  }

  /** Whether read-modify-write steps on this meter's row are queued or running (withMeter). */
  meterBusy(meterId: string): boolean {
    return this.meterSteps.has(meterId);
  }

  /** Work under way for an id: a retry or repeat with its id waits for it (its failure is its caller's to handle). */
  trackInFlight(id: string, p: Promise<Reply>): Promise<Reply> {
    const tracked: Promise<Reply> = p.finally(() => {
      if (this.inFlight.get(id) === tracked) this.inFlight.delete(id);
    });
    tracked.catch(() => undefined);
    this.inFlight.set(id, tracked);
    return tracked;
  }
  /** `tracked` turned out to be a repeat, not the work: others must not wait on it. */
  untrack(id: string, tracked: Promise<Reply> | null): void {
    if (tracked && this.inFlight.get(id) === tracked) this.inFlight.delete(id);
  }

  duplicate(op: PpuOperation, id: string): Reply {
    return fail('DUPLICATE_RECORD', `id ${id} was already used for another request`, OPERATIONS[op].requestType, id);
  }

  /** Work that outlives its request (late broadcast answers, advice deliveries): awaited on close. */
  track(p: Promise<unknown>): void {
    this.background.add(p);
    void p
      .catch((err: unknown) => {
        // Nobody awaits background work: its failure is reported, never an unhandled rejection.
        this.lastBackgroundError = err instanceof Error ? err.message : String(err);
        process.stderr.write(`ppu-switch: background work failed: ${this.lastBackgroundError}\n`);
      })
      .finally(() => this.background.delete(p));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.race([Promise.allSettled([...this.background]), new Promise((r) => setTimeout(r, 200))]);
    await this.traces.close();
  }
}
