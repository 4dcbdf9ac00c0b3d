/**
 * Receipt lines both the Z-read and the end-of-day report print: each drawer session with its own
 * count (counted, expected, variance, or "not counted"), and the refunds paid out for sales of closed
 * sessions (which drawer paid, or the safe, and the session that sold). Pure layout.
 */
import { rands } from '../../common/money';
import { localTime } from '../../common/local-time';
import type { RefundPayoutView, ShiftSummary } from '../api/contract';
import type { ReceiptColumns } from './receipt-columns';

type Columns = Pick<ReceiptColumns, 'pair' | 'fit'>;

/** A cash variance in words; 'open' while nothing is counted. */
export const varianceWords = (v: number | null): string => (v === null ? 'open' : v === 0 ? 'balances' : `${v < 0 ? 'short' : 'over'} ${rands(Math.abs(v))}`);

export function sessionLines(sessions: readonly ShiftSummary[], { pair, fit }: Columns, zone: string): string[] {
  const time = (iso: string) => localTime(iso, zone).slice(11);
  return sessions.flatMap((s) => [
    fit(`${s.shift.operatorName} ${time(s.shift.openedAt)}-${s.shift.closedAt ? time(s.shift.closedAt) : 'open'}`),
    ...pair('  Float', rands(s.shift.floatCents)),
    ...pair('  Counted cash', s.countedCashCents === null ? 'not counted' : rands(s.countedCashCents)),
    ...pair('  Expected cash', s.expectedCashCents === null ? '-' : rands(s.expectedCashCents)),
    ...pair('  Variance', varianceWords(s.varianceCents)),
  ]);
}

export function refundLines(refunds: readonly RefundPayoutView[], { pair, fit }: Columns): string[] {
  return refunds.flatMap((r) => [
    ...pair(`  ref ${r.saleId.slice(-8)} ${r.paidFrom ? `${r.paidFrom.operatorName}'s drawer` : 'safe'}`, rands(r.amountCents)),
    fit(`    sold in ${r.soldIn ? `${r.soldIn.operatorName}'s session` : 'no session'}`),
  ]);
}
