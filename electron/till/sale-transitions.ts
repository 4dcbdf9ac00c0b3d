/**
 * Applies a sale event: the pure machine decides, this writes the new state and any advice it
 * queues in one transaction, wakes the sale's waiters, then starts the slip it owes.
 */
import { newId, type ConfirmationAdvice, type PurchaseRequest, type ReversalAdvice } from '../../switch-core/protocol';
import { ApiFail, type TillContext } from './backend-context';
import { nextSale, type Effect, type MachineSale, type RetryPolicy, type SaleEvent } from './sale-machine';
import type { BackgroundErrors } from './background-errors';
import type { SaleChanges } from './sale-changes';
import type { SaleSlips } from './sale-slips';
import type { SaleRow } from './store/repository';

export type ApplySale = (saleId: string, event: SaleEvent, extra?: Partial<SaleRow>) => { row: SaleRow; effects: Effect[] };

export function retryPolicy(ctx: TillContext): RetryPolicy {
  const t = ctx.settings().timeouts;
  return { baseMs: t.retryBaseMs, maxMs: t.retryMaxMs, foregroundRetries: t.foregroundRetries };
}

export function needSale(ctx: TillContext, saleId: string): SaleRow {
  const row = ctx.store.getSale(saleId);
  if (!row) throw new ApiFail('NOT_FOUND', 'No sale with this reference on this till. Check the reference.');
  return row;
}

function machineOf(row: SaleRow): MachineSale {
  return { state: row.state as MachineSale['state'], attempts: row.attempts, late: row.late, nextAttemptAt: row.nextAttemptAt, lastError: row.lastError };
}

/** What an event does to a stored sale: the row patch and advice to write, and the effects after. */
export interface SalePlan {
  patch: Partial<SaleRow>;
  advice?: { id: string; kind: 'confirmation' | 'reversal'; bodyJson: string; createdAt: string };
  effects: Effect[];
}

/** Plans an event on a sale (pure apart from new advice ids and the clock); null when it changes nothing. */
export function planSale(ctx: TillContext, row: SaleRow, event: SaleEvent, extra: Partial<SaleRow> = {}): SalePlan | null {
  const { clock, nowIso } = ctx;
  const before = machineOf(row);
  const t = nextSale(before, event, clock(), retryPolicy(ctx));
  if (!t.ok) throw new ApiFail('CONFLICT', `This sale cannot be changed: ${t.reason}.`);
  // The machine answers the very object it was given when the event changes nothing (a late answer
  // to a final sale, leaving a pending sale pending): nothing is written.
  if (t.sale === before) return null;
  const patch: Partial<SaleRow> = { ...extra, state: t.sale.state, attempts: t.sale.attempts, late: t.sale.late, nextAttemptAt: t.sale.nextAttemptAt, lastError: t.sale.lastError, updatedAt: nowIso() };
  let advice: SalePlan['advice'];
  for (const e of t.effects) {
    if (e.type === 'queue-confirmation') {
      const body: ConfirmationAdvice = { id: newId(), requestId: row.id, time: nowIso(), thirdPartyIdentifiers: [], tenders: (JSON.parse(row.requestJson) as PurchaseRequest).tenders ?? [] };
      advice = { id: body.id, kind: 'confirmation', bodyJson: JSON.stringify(body), createdAt: body.time };
    } else if (e.type === 'queue-reversal') {
      const body: ReversalAdvice = { id: newId(), requestId: row.id, time: nowIso(), thirdPartyIdentifiers: [], reversalReason: e.reason };
      advice = { id: body.id, kind: 'reversal', bodyJson: JSON.stringify(body), createdAt: body.time };
    }
  }
  return { patch, advice, effects: t.effects };
}

/**
 * What else a change of a sale's state writes, inside the change's own transaction; answers what to
 * do once that is committed (kick the drawer), or null.
 */
export type OnSaleChanged = (before: SaleRow, after: SaleRow) => (() => void) | null;

export function createApplySale(ctx: TillContext, changes: SaleChanges, slips: SaleSlips, errors: BackgroundErrors, onChanged: OnSaleChanged = () => null): ApplySale {
  return (saleId, event, extra = {}) => {
    const row = needSale(ctx, saleId);
    const plan = planSale(ctx, row, event, extra);
    if (!plan) return { row, effects: [] };
    const committed: { then: (() => void) | null } = { then: null };
    const next = ctx.store.transitionSale(saleId, plan.patch, plan.advice, (n) => {
      if (n.state !== row.state) committed.then = onChanged(row, n);
    })!;
    changes.notify(saleId);
    // The drawer opens before the slip prints, while the customer waits.
    committed.then?.();
    for (const e of plan.effects) if (e.type === 'print') void errors.guard('printing a slip', () => slips.printFor(next, e.slip));
    return { row: next, effects: plan.effects };
  };
}
