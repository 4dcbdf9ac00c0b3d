/**
 * The switch's engine as the server and the switch's start-up see it: one object per running
 * switch whose methods are the PPU operations and the contract-table admin actions. It owns the
 * shared state (switch-state.ts) and hands each operation to the module of its concern:
 * meter-lookup.ts and broadcast.ts, purchase-routing.ts, retries.ts, optional-operations.ts,
 * advice-queue.ts, events.ts; replies.ts and references.ts serve them all.
 */
import {
  OPERATIONS,
  type PpuOperation,
  type ConfirmationAdvice,
  type FaultReportRequest,
  type KeyChangeTokenRequest,
  type MeterLookupRequest,
  type PpuTrace,
  type PurchaseRequest,
  type ReversalAdvice,
  type TokenReprintRequest,
} from '../protocol';
import type { ProviderDescriptor } from '../providers/types';
import type { SwitchStore } from '../store/switch-store';
import { AdviceQueue } from './advice-queue';
import { confirmSupport, rebroadcastAll } from './broadcast';
import { notifyTokenPurchase } from './events';
import type { ProviderMonitor } from './health';
import { lookup } from './meter-lookup';
import type { AdviceOperation, MeterState } from './model';
import { faultReport, keyChange, reprint } from './optional-operations';
import { purchase, routeAndSend, type PurchaseOperation } from './purchase-routing';
import { refuseEmptyMeter, type Reply } from './replies';
import { retry } from './retries';
import { SwitchState, type EngineDeps } from './switch-state';

export type { Reply } from './replies';
export type { EngineConfig, EngineDeps, EngineProvider, ProviderClient } from './switch-state';
export { DEFAULT_ENGINE_CONFIG } from './switch-state';
export { NOTIFY_TOKEN_PURCHASE_ROUTE } from './events';

export class SwitchEngine {
  private readonly s: SwitchState;
  private readonly advices: AdviceQueue;

  constructor(deps: EngineDeps) {
    this.s = new SwitchState(deps);
    this.advices = new AdviceQueue(this.s, { nodeId: this.s.nodeId, leaseMs: this.s.config.adviceLeaseMs, pollMs: this.s.config.advicePollMs });
  }

  get store(): SwitchStore {
    return this.s.store;
  }
  get monitor(): ProviderMonitor {
    return this.s.monitor;
  }
  providerIds(): readonly string[] {
    return this.s.providerIds();
  }
  descriptor(id: string): ProviderDescriptor | null {
    return this.s.descriptor(id);
  }
  /** Hook for each provider client's onTrace: files the exchange under its transaction. */
  onProviderTrace(providerId: string, t: PpuTrace): void {
    this.s.onProviderTrace(providerId, t);
  }
  flushTraces(): Promise<void> {
    return this.s.traces.flush();
  }
  /** The last failure of work nobody awaits (trace batches, alerts, advice look-ups), for status pages. */
  lastBackgroundError(): string | null {
    return this.s.traces.lastError ?? this.s.lastBackgroundError;
  }

  lookup(req: MeterLookupRequest): Promise<Reply> {
    return this.forMeter('meterLookup', req, () => lookup(this.s, req));
  }
  purchase(req: PurchaseRequest, op: PurchaseOperation = 'purchase'): Promise<Reply> {
    return this.forMeter(op, req, () => purchase(this.s, req, op));
  }
  retry(req: PurchaseRequest): Promise<Reply> {
    return this.forMeter('purchaseRetry', req, () => retry(this.s, req, (r, started) => routeAndSend(this.s, r, 'purchase', started)));
  }
  reprint(req: TokenReprintRequest): Promise<Reply> {
    return this.forMeter('tokenReprint', req, () => reprint(this.s, req));
  }
  faultReport(req: FaultReportRequest): Promise<Reply> {
    return this.forMeter('faultReport', req, () => faultReport(this.s, req));
  }
  keyChange(req: KeyChangeTokenRequest): Promise<Reply> {
    return this.forMeter('keyChangeToken', req, () => keyChange(this.s, req));
  }
  /** Every operation on a meter: an empty meterId never reaches the store or a provider. */
  private forMeter(op: PpuOperation, req: { id: string; meter: { meterId: string } }, run: () => Promise<Reply>): Promise<Reply> {
    const refused = refuseEmptyMeter(req, OPERATIONS[op].requestType);
    return refused ? Promise.resolve(refused) : run();
  }
  advice(op: AdviceOperation, advice: ConfirmationAdvice | ReversalAdvice): Promise<Reply> {
    return this.advices.accept(op, advice);
  }
  /** `POST /events/tokenPurchases`: informational, filed under the purchase. */
  notifyTokenPurchase(purchaseId: unknown, body: unknown): Promise<Reply> {
    return notifyTokenPurchase(this.s, purchaseId, body);
  }
  /** Starts (or resumes after a restart) delivery of the advice queue, and its regular look. */
  startAdvices(): void {
    this.advices.start();
  }
  /** Which node this is, on which store, and whether it runs the jobs for all (the admin API's node view). */
  node(): { nodeId: string; store: SwitchStore['engine']; sharedByNodes: boolean; leading: boolean } {
    return { nodeId: this.s.nodeId, store: this.s.store.engine, sharedByNodes: this.s.store.sharedByNodes, leading: this.s.leading };
  }
  /** Leadership changed (background-jobs.ts): only the leader files provider-health alerts. */
  setLeading(leading: boolean): void {
    this.s.leading = leading;
  }
  /** Background work nobody awaits: failures are reported, never unhandled. */
  track(p: Promise<unknown>): void {
    this.s.track(p);
  }


  /** "Confirm support" on a meter (seed 001). */
  confirmSupport(meterId: string): Promise<MeterState | null> {
    return confirmSupport(this.s, meterId);
  }
  rebroadcastAll(opts: { concurrency?: number; batch?: number } = {}): Promise<{ meters: number }> {
    return rebroadcastAll(this.s, opts);
  }

  async close(): Promise<void> {
    this.advices.stop();
    await this.s.close();
  }
}
