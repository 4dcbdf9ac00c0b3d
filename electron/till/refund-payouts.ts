/**
 * Who pays the refund of a cancelled pending cash sale. While the sale's own drawer session is open,
 * that drawer pays it and the cancel takes the sale off what the drawer should hold: nothing more to
 * record. Once that session is closed (it was counted with the cash held) or when the sale had none
 * (recovered), the refund is a payout of its own, written in the cancel's transaction: from the
 * drawer session open at this till then — the cancelling operator's own, else the latest opened —
 * whose expected cash it lowers, or, with none open, from the safe, named so in the Z-read.
 */
import { newId } from '../../switch-core/protocol';
import type { TillContext } from './backend-context';
import type { SaleRow } from './store/repository';

/** True for the change that refunds a pending cash sale's cash to the customer. */
export const isCashRefund = (before: SaleRow, after: SaleRow): boolean => after.tenderType === 'CASH' && before.state === 'pending' && after.state === 'cancelled';

/** Called inside the transaction of every change of a sale's state (`before` is the row as it was). */
export function refundPayouts(ctx: TillContext): (before: SaleRow, after: SaleRow) => void {
  const { store, nowIso } = ctx;
  return (before, after) => {
    if (!isCashRefund(before, after)) return;
    const sold = after.shiftId ? store.getShift(after.shiftId) : null;
    if (sold && !sold.closedAt) return;
    const by = after.cancelledBy ?? after.operatorId;
    const paying = store.currentShift(by) ?? store.openShifts()[0] ?? null;
    store.addRefundPayout({ id: newId(), saleId: after.id, shiftId: paying?.id ?? null, soldShiftId: sold?.id ?? null, amountCents: after.amountCents, at: nowIso(), operatorId: by });
  };
}
