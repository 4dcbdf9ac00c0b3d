/**
 * Who pays the refund of a cash sale still waiting for its answer (pending, or still retrying) that
 * the customer gets her cash back for: a manager's cancel, or the provider's final answer failing it.
 * While the sale's own drawer session is open, that drawer pays it and the change takes the sale off
 * what the drawer should hold: nothing more to record. Once that session is closed (it was counted
 * with the cash held) or when the sale had none (recovered), the refund is a payout of its own,
 * written in the change's transaction: from the drawer session open at this till then — the
 * cancelling operator's own (for a failure, the sale's cashier's), else the latest opened — whose
 * expected cash it lowers, or, with none open, from the safe, named so in the Z-read. Only a cancel's
 * refund paid from a drawer opens the drawer (cash-drawer.ts): a failure comes in the background,
 * with nobody at the counter.
 */
import { newId } from '../../switch-core/protocol';
import { isOpenSaleState } from '../api/contract';
import type { TillContext } from './backend-context';
import type { SaleRow, TillStore } from './store/repository';

/** Where a refund's cash comes from: a drawer at this till, or the safe (no drawer session open). */
export type RefundSource = 'drawer' | 'safe';

/** A cash sale that ended cancelled or failed: the customer's cash goes back to her. */
const refundsCash = (row: SaleRow): boolean => row.tenderType === 'CASH' && (row.state === 'cancelled' || row.state === 'failed');

/**
 * True for every change that owes the cash of a sale still waiting for its answer back — pending, or
 * still retrying (its drawer session holds the cash as it does a pending sale's, and counts it so at
 * its close): the cancel, or the sale's failure.
 */
const owesCashBack = (before: SaleRow, after: SaleRow): boolean => isOpenSaleState(before.state) && refundsCash(after);

/** True for the manager's cancel that refunds a waiting (pending or retrying) cash sale's cash to the customer. */
export const isCashRefund = (before: SaleRow, after: SaleRow): boolean => owesCashBack(before, after) && after.state === 'cancelled';

/**
 * Called inside the transaction of every change of a sale's state (`before` is the row as it was):
 * records the payout the change owes and answers where its cash comes from (null: no refund).
 */
export function refundPayouts(ctx: TillContext): (before: SaleRow, after: SaleRow) => RefundSource | null {
  const { store, nowIso } = ctx;
  return (before, after) => {
    if (!owesCashBack(before, after)) return null;
    const sold = after.shiftId ? store.getShift(after.shiftId) : null;
    if (sold && !sold.closedAt) return 'drawer';
    const by = after.cancelledBy ?? after.operatorId;
    const paying = store.currentShift(by) ?? store.openShifts()[0] ?? null;
    store.addRefundPayout({ id: newId(), saleId: after.id, shiftId: paying?.id ?? null, soldShiftId: sold?.id ?? null, amountCents: after.amountCents, at: nowIso(), operatorId: by });
    return paying ? 'drawer' : 'safe';
  };
}

/**
 * Where a cancelled or failed cash sale's cash goes back to the customer from, as recorded (no payout
 * row: its own drawer, then open, pays it); null for a card or a sale that did not end so. The screens
 * word it (the Queue's cancel, the Sell screen's notice of a pending sale that failed) from this alone.
 */
export function refundSourceOf(store: TillStore, row: SaleRow): RefundSource | null {
  if (!refundsCash(row)) return null;
  return store.refundPayoutOfSale(row.id)?.shiftId === null ? 'safe' : 'drawer';
}
