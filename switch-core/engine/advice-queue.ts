/**
 * The advice queue (store-and-forward, seed 002): confirmations, reversals and key change
 * confirmations are answered 202 at once, persisted, and delivered to the provider that took the
 * purchase — one at a time per provider, in order, with backoff — by the rule in advices.ts. One
 * parked as needing reconciliation raises an alert and stops holding up the queue behind it.
 * Several switch nodes share one queue: a node leases an advice before delivering it, so each goes
 * out from one node at a time, and a dead node's lease runs out for another to take over.
 */
import { OPERATIONS, type ConfirmationAdvice, type PpuResult, type ReversalAdvice } from '../protocol';
import { DuplicateIdError } from '../store/switch-store';
import { nextAdviceState } from './advices';
import type { AdviceKind, AdviceOperation, AdviceRecord, TxType } from './model';
import { errorTypeOf, fail, type Reply } from './replies';
import type { Started, SwitchState } from './switch-state';

const attemptsText = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);

export interface AdviceQueueOptions {
  /** This node's name on the leases it takes. */
  nodeId: string;
  /** How long a lease holds: longer than a provider call can take. */
  leaseMs: number;
  /** How often the queue is looked at without a reason (another node's advices, expired leases). */
  pollMs: number;
}

export class AdviceQueue {
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  /** Providers with a delivery under way: their queue waits for it. */
  private readonly busy = new Set<string>();
  private kicking: Promise<void> | null = null;
  private kickAgain = false;

  constructor(
    private readonly s: SwitchState,
    private readonly opts: AdviceQueueOptions,
  ) {}

  /** Confirmations and reversals: 202 at once, persisted, forwarded from the queue. */
  async accept(op: AdviceOperation, advice: ConfirmationAdvice | ReversalAdvice): Promise<Reply> {
    const s = this.s;
    const rt = OPERATIONS[op].requestType;
    const kind: AdviceKind = op === 'reversal' ? 'reversal' : 'confirmation';
    await s.traces.flush();
    const parent = await s.store.getTransaction(advice.requestId);
    const parentTypes: TxType[] = op === 'keyChangeConfirmation' ? ['KEY_CHANGE'] : ['PURCHASE', 'TRIAL'];
    if (!parent || !parentTypes.includes(parent.type)) {
      return fail('UNABLE_TO_LOCATE_RECORD', `No ${op === 'keyChangeConfirmation' ? 'key change request' : 'purchase'} ${advice.requestId} is known to the switch`, rt, advice.id);
    }
    const existing = await s.store.getAdvice(advice.id);
    if (existing) {
      // A till repeats the head of its queue until it sees a final status: the same advice again is fine.
      if (existing.purchaseId === advice.requestId && existing.kind === kind) return { status: 202, body: advice };
      return s.duplicate(op, advice.id);
    }
    const txType: TxType = kind === 'reversal' ? 'REVERSAL' : 'CONFIRMATION';
    let started: Started;
    try {
      started = await s.begin(advice.id, txType, parent.meterId, parent.amount, advice.requestId, advice);
    } catch (e) {
      if (!(e instanceof DuplicateIdError)) throw e;
      // The switch died after recording this advice and before queueing it toward the provider: the
      // till repeats it (must-deliver), and the repeat finishes the job instead of a final 400.
      const recorded = await s.store.getTransaction(advice.id);
      if (!recorded || recorded.type !== txType || recorded.purchaseId !== advice.requestId) return s.duplicate(op, advice.id);
      started = { startedAt: recorded.startedAt, t0: performance.now() };
    }
    const now = s.now();
    const reply: Reply = { status: 202, body: advice };
    if (!parent.providerId) {
      // No provider ever received the purchase: there is nothing to advise.
      await s.finish(advice.id, op, advice, started, reply, null, 'SUCCESSFUL', true);
      return reply;
    }
    await s.store.insertAdvice({
      id: advice.id,
      purchaseId: advice.requestId,
      kind,
      operation: op,
      providerId: parent.providerId,
      body: advice,
      createdAt: now,
      nextAttemptAt: now,
      status: 'PENDING',
    });
    await s.finish(advice.id, op, advice, started, reply, parent.providerId, 'UNKNOWN', false);
    this.kick();
    return reply;
  }

  /** Starts (or resumes after a restart) delivery of the advice queue, and its regular look. */
  start(): void {
    this.poller ??= setInterval(() => this.kick(), this.opts.pollMs);
    this.poller.unref?.();
    this.kick();
  }

  /** Looks at the queue now: one look at a time, a kick during a look asks for one more. */
  kick(): void {
    if (this.s.closed) return;
    if (this.kicking) {
      this.kickAgain = true;
      return;
    }
    this.kicking = this.look()
      .catch((err: unknown) => {
        // The store is unreachable: the poller looks again.
        this.s.lastBackgroundError = err instanceof Error ? err.message : String(err);
      })
      .finally(() => {
        this.kicking = null;
        if (this.kickAgain) {
          this.kickAgain = false;
          this.kick();
        }
      });
    this.s.track(this.kicking);
  }

  private async look(): Promise<void> {
    const s = this.s;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const heads = await s.store.pendingAdviceHeads();
    const now = s.clock();
    let nextAt = Infinity;
    for (const head of heads) {
      if (this.busy.has(head.providerId)) continue;
      const at = Date.parse(head.nextAttemptAt);
      if (at > now) {
        nextAt = Math.min(nextAt, at);
        continue;
      }
      const until = new Date(now + this.opts.leaseMs).toISOString();
      // Leased by another node that is alive: its delivery is under way there.
      if (!(await s.store.claimAdvice(head.id, this.opts.nodeId, new Date(now).toISOString(), until))) continue;
      // Read again under the lease: another node may have tried it since the heads were read.
      const fresh = await s.store.getAdvice(head.id);
      if (s.closed || !fresh || fresh.status !== 'PENDING' || this.busy.has(head.providerId)) continue;
      s.track(this.deliver(fresh));
    }
    if (nextAt < Infinity && !s.closed) {
      this.timer = setTimeout(() => this.kick(), Math.max(5, nextAt - now));
      this.timer.unref?.();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }

  private async deliver(a: AdviceRecord): Promise<void> {
    const s = this.s;
    this.busy.add(a.providerId);
    try {
      const r: PpuResult<unknown> = s.descriptor(a.providerId)
        ? await s.call(a.id, a.providerId, a.body as ConfirmationAdvice & ReversalAdvice, (c, b) =>
            a.operation === 'reversal' ? c.reverse(b) : a.operation === 'keyChangeConfirmation' ? c.confirmKeyChange(b) : c.confirm(b),
          )
        : { outcome: 'unknown', status: null, reason: `provider ${a.providerId} is not connected`, error: null, ms: 0 };
      if (s.closed) return;
      const next = nextAdviceState(a, r, s.clock(), s.config.backoff, s.config.adviceMaxAgeMs);
      if (next.status === 'NEEDS_RECONCILIATION') {
        await s.store.parkAdvice(next, {
          at: next.nextAttemptAt,
          providerId: a.providerId,
          adviceId: a.id,
          message: `${a.kind === 'reversal' ? 'Reversal' : 'Confirmation'} ${a.id} of purchase ${a.purchaseId} got no final answer from ${s.nameOf(a.providerId)} in ${attemptsText(next.attempts)} since ${a.createdAt} (last: ${next.lastError}); reconcile it with the provider`,
        });
        return;
      }
      await s.store.updateAdvice(next);
      if (next.status !== 'PENDING') {
        await s.traces.flush();
        const tx = await s.store.getTransaction(a.id);
        if (tx) {
          await s.store.finishTransaction(a.id, {
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
      this.busy.delete(a.providerId);
      if (!s.closed) setImmediate(() => this.kick());
    }
  }
}
