/**
 * Applies a sale event: the pure machine decides, this writes the new state and any advice it
 * queues in one transaction, wakes the sale's waiters, then starts the slip it owes.
 */
import { newId, type ConfirmationAdvice, type PurchaseRequest, type ReversalAdvice } from '../../switch-core/protocol';
import { ApiFail, type TillContext } from './backend-context';
import { nextSale, type Effect, type MachineSale, type RetryPolicy, type SaleEvent } from './sale-machine';
import type { SaleChanges } from './sale-changes';
import type { SaleSlips } from './sale-slips';
import type { SaleRow } from './store/repository';

export type ApplySale = (saleId: string, event: SaleEvent, extra?: Partial<SaleRow>) => { row: SaleRow; effects: Effect[] };

export function retryPolicy(ctx: TillContext): RetryPolicy {
  const t = ctx.settings().timeouts;
  return { baseMs: t.retryBaseMs, maxMs: t.retryMaxMs };
}

export function needSale(ctx: TillContext, saleId: string): SaleRow {
  const row = ctx.store.getSale(saleId);
  if (!row) throw new ApiFail('NOT_FOUND', 'No sale with this reference on this till. Check the reference.');
  return row;
}

function machineOf(row: SaleRow): MachineSale {
  return { state: row.state as MachineSale['state'], attempts: row.attempts, late: row.late, nextAttemptAt: row.nextAttemptAt, lastError: row.lastError };
}

export function createApplySale(ctx: TillContext, changes: SaleChanges, slips: SaleSlips, onSucceeded: (row: SaleRow) => void = () => undefined): ApplySale {
  const { store, clock, nowIso } = ctx;
  return (saleId, event, extra = {}) => {
    const row = needSale(ctx, saleId);
    const before = machineOf(row);
    const t = nextSale(before, event, clock(), retryPolicy(ctx));
    if (!t.ok) throw new ApiFail('CONFLICT', `This sale cannot be changed: ${t.reason}.`);
    // The machine answers the very object it was given when the event changes nothing (a late answer
    // to a final sale, leaving a pending sale pending): nothing is written.
    if (t.sale === before) return { row, effects: [] };
    const patch: Partial<SaleRow> = { ...extra, state: t.sale.state, attempts: t.sale.attempts, late: t.sale.late, nextAttemptAt: t.sale.nextAttemptAt, lastError: t.sale.lastError, updatedAt: nowIso() };
    let advice: { id: string; kind: 'confirmation' | 'reversal'; bodyJson: string; createdAt: string } | undefined;
    for (const e of t.effects) {
      if (e.type === 'queue-confirmation') {
        const body: ConfirmationAdvice = { id: newId(), requestId: saleId, time: nowIso(), thirdPartyIdentifiers: [], tenders: (JSON.parse(row.requestJson) as PurchaseRequest).tenders ?? [] };
        advice = { id: body.id, kind: 'confirmation', bodyJson: JSON.stringify(body), createdAt: body.time };
      } else if (e.type === 'queue-reversal') {
        const body: ReversalAdvice = { id: newId(), requestId: saleId, time: nowIso(), thirdPartyIdentifiers: [], reversalReason: e.reason };
        advice = { id: body.id, kind: 'reversal', bodyJson: JSON.stringify(body), createdAt: body.time };
      }
    }
    const next = store.transitionSale(saleId, patch, advice)!;
    changes.notify(saleId);
    // The drawer opens before the slip prints, while the customer waits.
    if (next.state === 'succeeded' && before.state !== 'succeeded') onSucceeded(next);
    for (const e of t.effects) if (e.type === 'print') void slips.printFor(saleId, e.slip);
    return { row: next, effects: t.effects };
  };
}
