/**
 * The advice queue (store-and-forward, seed 002): confirmations, reversals and key change
 * confirmations are answered 202 at once, persisted, and delivered to the provider that took the
 * purchase — one at a time per provider, in order, with backoff — by the rule in advices.ts. One
 * parked as needing reconciliation raises an alert and stops holding up the queue behind it.
 */
import { OPERATIONS, type ConfirmationAdvice, type PpuResult, type ReversalAdvice } from '../protocol';
import { DuplicateIdError } from '../store';
import { nextAdviceState } from './advices';
import type { AdviceKind, AdviceOperation, AdviceRecord, TxType } from './model';
import { errorTypeOf, fail, type Reply } from './replies';
import type { Started, SwitchState } from './switch-state';

const attemptsText = (n: number) => (n === 1 ? '1 attempt' : `${n} attempts`);

export class AdviceQueue {
  private timer: NodeJS.Timeout | null = null;
  /** Providers with a delivery under way: their queue waits for it. */
  private readonly busy = new Set<string>();

  constructor(private readonly s: SwitchState) {}

  /** Confirmations and reversals: 202 at once, persisted, forwarded from the queue. */
  accept(op: AdviceOperation, advice: ConfirmationAdvice | ReversalAdvice): Reply {
    const s = this.s;
    const rt = OPERATIONS[op].requestType;
    const kind: AdviceKind = op === 'reversal' ? 'reversal' : 'confirmation';
    s.traces.flush();
    const parent = s.store.getTransaction(advice.requestId);
    const parentTypes: TxType[] = op === 'keyChangeConfirmation' ? ['KEY_CHANGE'] : ['PURCHASE', 'TRIAL'];
    if (!parent || !parentTypes.includes(parent.type)) {
      return fail('UNABLE_TO_LOCATE_RECORD', `No ${op === 'keyChangeConfirmation' ? 'key change request' : 'purchase'} ${advice.requestId} is known to the switch`, rt, advice.id);
    }
    const existing = s.store.getAdvice(advice.id);
    if (existing) {
      // A till repeats the head of its queue until it sees a final status: the same advice again is fine.
      if (existing.purchaseId === advice.requestId && existing.kind === kind) return { status: 202, body: advice };
      return s.duplicate(op, advice.id);
    }
    const txType: TxType = kind === 'reversal' ? 'REVERSAL' : 'CONFIRMATION';
    let started: Started;
    try {
      started = s.begin(advice.id, txType, parent.meterId, parent.amount, advice.requestId, advice);
    } catch (e) {
      if (!(e instanceof DuplicateIdError)) throw e;
      // The switch died after recording this advice and before queueing it toward the provider: the
      // till repeats it (must-deliver), and the repeat finishes the job instead of a final 400.
      const recorded = s.store.getTransaction(advice.id);
      if (!recorded || recorded.type !== txType || recorded.purchaseId !== advice.requestId) return s.duplicate(op, advice.id);
      started = { startedAt: recorded.startedAt, t0: performance.now() };
    }
    const now = s.now();
    const reply: Reply = { status: 202, body: advice };
    if (!parent.providerId) {
      // No provider ever received the purchase: there is nothing to advise.
      s.finish(advice.id, op, advice, started, reply, null, 'SUCCESSFUL', true);
      return reply;
    }
    s.store.insertAdvice({
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
    s.finish(advice.id, op, advice, started, reply, parent.providerId, 'UNKNOWN', false);
    this.kick();
    return reply;
  }

  /** Starts (or restarts after a restart) delivery of the advice queue. */
  kick(): void {
    const s = this.s;
    if (s.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const heads = s.store.pendingAdviceHeads();
    const now = s.clock();
    let nextAt = Infinity;
    for (const head of heads) {
      if (this.busy.has(head.providerId)) continue;
      const at = Date.parse(head.nextAttemptAt);
      if (at <= now) s.track(this.deliver(head));
      else nextAt = Math.min(nextAt, at);
    }
    if (nextAt < Infinity) {
      this.timer = setTimeout(() => this.kick(), Math.max(5, nextAt - now));
      this.timer.unref?.();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
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
        s.store.parkAdvice(next, {
          at: next.nextAttemptAt,
          providerId: a.providerId,
          adviceId: a.id,
          message: `${a.kind === 'reversal' ? 'Reversal' : 'Confirmation'} ${a.id} of purchase ${a.purchaseId} got no final answer from ${s.nameOf(a.providerId)} in ${attemptsText(next.attempts)} since ${a.createdAt} (last: ${next.lastError}); reconcile it with the provider`,
        });
        return;
      }
      s.store.updateAdvice(next);
      if (next.status !== 'PENDING') {
        s.traces.flush();
        const tx = s.store.getTransaction(a.id);
        if (tx) {
          s.store.finishTransaction(a.id, {
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
