/**
 * The advice outbox: confirmations and reversals delivered head of queue first (nothing overtakes
 * the head), repeated with backoff until the switch gives a final answer. Survives restarts: the
 * queue is the store's.
 */
import type { ConfirmationAdvice, PpuResult, ReversalAdvice } from '../../switch-core/protocol';
import type { TillContext } from './backend-context';
import type { BackgroundErrors } from './background-errors';
import { nextAdvice, type Outcome } from './sale-machine';
import type { SaleChanges } from './sale-changes';
import { retryPolicy } from './sale-transitions';
import type { SwitchLink } from './switch-link';

export interface AdviceDelivery {
  /** Delivers the head once if it is due (or `force`); joins a delivery in flight. */
  deliverHead(force?: boolean): Promise<void>;
  /** Keeps delivering while the head is due and gets a final answer, at most `max` advices. */
  deliverDue(max: number): Promise<void>;
  /** The delivery in flight, if any. */
  inflight(): Promise<void> | null;
}

/** `sending(saleId)`: a send of that sale's purchase is in flight now. */
export function createAdviceDelivery(ctx: TillContext, link: SwitchLink, changes: SaleChanges, sending: (saleId: string) => boolean, errors: BackgroundErrors): AdviceDelivery {
  const { store, clock, nowIso } = ctx;
  let running: Promise<void> | null = null;
  const due = (at: number | null) => at === null || at <= clock();

  function deliverHead(force = false): Promise<void> {
    if (running) return running;
    const head = store.headAdvice();
    if (!head || (!force && !due(head.nextAttemptAt))) return Promise.resolve();
    // A reversal goes out only after the last send of its purchase settled, so it covers what that send bought.
    if (head.kind === 'reversal' && sending(head.saleId)) return Promise.resolve();
    running = (async () => {
      let res: PpuResult<unknown>;
      try {
        const body = JSON.parse(head.bodyJson) as ConfirmationAdvice & ReversalAdvice;
        res = await link.exchange((c) => (head.kind === 'confirmation' ? c.confirm(body) : c.reverse(body)));
      } catch (err) {
        res = { outcome: 'unknown', status: null, reason: err instanceof Error ? err.message : String(err), error: null, ms: 0 };
      }
      if (ctx.closed()) return;
      const why = res.outcome === 'successful' ? null : res.outcome === 'failed' ? `HTTP ${res.status} ${res.error?.errorType ?? ''}`.trim() : (res.error?.errorType ?? res.reason);
      const next = nextAdvice({ status: head.status, attempts: head.attempts, nextAttemptAt: head.nextAttemptAt, lastError: head.lastError }, res.outcome as Outcome, why, clock(), retryPolicy(ctx));
      store.updateAdvice(head.id, { ...next, deliveredAt: next.status === 'delivered' ? nowIso() : null });
      changes.notify(head.saleId);
    })()
      .catch((err: unknown) => errors.report('delivering an advice', err))
      .finally(() => {
        running = null;
      });
    return running;
  }

  async function deliverDue(max: number): Promise<void> {
    for (let i = 0; i < max; i++) {
      const head = store.headAdvice();
      if (!head || !due(head.nextAttemptAt) || (head.kind === 'reversal' && sending(head.saleId))) return;
      await deliverHead();
      if (store.getAdvice(head.id)?.status === 'queued') return;
    }
  }

  return { deliverHead, deliverDue, inflight: () => running };
}
