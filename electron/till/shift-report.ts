/**
 * Drawer-session reports, pure: a session's X-read (open: what was sold, float, drops, pending cash
 * held — never what the drawer should hold, so the close stays a blind count), its close report
 * (counted, expected, variance per tender, as they stood at the count) and the till's Z-read over
 * every session of the day.
 * Laid out as receipts at 32, 42 or 48 columns. Plain rows in, reports out.
 */
import { isOpenSaleState, type CashDropView, type CashUpRow, type DayReport, type RefundPayoutView, type ReportWidth, type SaleSummary, type Shift, type ShiftReport, type ShiftSummary } from '../api/contract';
import { rands } from '../../common/money';
import { localTime } from '../../common/local-time';
import { cashUp, tenderLabel, totalsBy } from './end-of-day';
import { receiptColumns } from './receipt-columns';
import { refundLines, sessionLines, varianceWords } from './session-lines';
import type { CashDropRow, RefundPayoutRow, SaleRow, ShiftRow } from './store/repository';

export function shiftOf(row: ShiftRow): Shift;
export function shiftOf(row: ShiftRow | null): Shift | null;
export function shiftOf(row: ShiftRow | null): Shift | null {
  return row ? { id: row.id, operatorId: row.operatorId, openedAt: row.openedAt, closedAt: row.closedAt, floatCents: row.floatCents } : null;
}

/** A session's rows as read from the store. */
export interface ShiftInput {
  shift: ShiftRow;
  sales: readonly SaleRow[];
  drops: readonly CashDropRow[];
  /** Refunds its drawer paid out for sales of sessions closed before. */
  refunds: readonly RefundPayoutRow[];
}
export interface ReportContext {
  generatedAt: string;
  terminalId: string;
  /** The till's time zone: the times a report prints are local to it. */
  zone: string;
  operatorName: (id: string) => string;
  /** The name of the operator whose drawer session this is; null for a session the till has no record of. */
  shiftOperator: (shiftId: string) => string | null;
  summary: (row: SaleRow) => SaleSummary;
  columns: ReportWidth;
}

/**
 * A closed session as it was counted: a sale it held cash for then (pending, or waiting for its answer)
 * that failed or was cancelled since stays held in its figures (a cancel's refund is paid out of the
 * drawer open at the till then, or the safe: refund-payouts.ts), and one sold since moves from held
 * to sold, the same cash; so the session's expected cash and variance never change after the count.
 */
export function asCounted(input: ShiftInput): ShiftInput {
  const held = new Set(input.shift.heldAtClose ?? []);
  if (held.size === 0) return input;
  return { ...input, sales: input.sales.map((r) => (held.has(r.id) && (r.state === 'failed' || r.state === 'cancelled') ? { ...r, state: 'pending' } : r)) };
}

/**
 * A session's expected money per tender (float + cash sales + pending cash held − drops − refunds paid
 * out) as it stood at its count, and what was counted (null per tender not counted, all while open).
 */
export function sessionCashUp(session: ShiftInput): CashUpRow[] {
  const { shift, sales, drops, refunds } = asCounted(session);
  return cashUp(sales, { openingFloatCents: shift.floatCents, dropsCents: sumCents(drops), counted: shift.counted ?? {} }, sumCents(refunds));
}
/** Expected and counted per tender, and the cash variance; null while the session is open (blind). */
function countOf(input: ShiftInput) {
  if (!input.shift.counted) return null;
  const rows = sessionCashUp(input);
  return { rows, varianceCents: rows.find((r) => r.tender === 'CASH')?.differenceCents ?? 0 };
}
const sumCents = (items: readonly { amountCents: number }[]) => items.reduce((s, d) => s + d.amountCents, 0);
/** A refund paid out as reports show it: by whom, from which drawer (or the safe), for which session's sale. */
export function refundView(r: RefundPayoutRow, c: Pick<ReportContext, 'operatorName' | 'shiftOperator'>): RefundPayoutView {
  const session = (id: string | null) => (id ? { shiftId: id, operatorName: c.shiftOperator(id) ?? 'unknown' } : null);
  return { saleId: r.saleId, amountCents: r.amountCents, at: r.at, by: c.operatorName(r.operatorId), paidFrom: session(r.shiftId), soldIn: session(r.soldShiftId) };
}
const soldOf = (sales: readonly SaleRow[]) => sales.filter((r) => r.state === 'succeeded');
const named = (row: ShiftRow, c: Pick<ReportContext, 'operatorName'>) => ({ ...shiftOf(row), operatorName: c.operatorName(row.operatorId), closedBy: row.closedBy ? c.operatorName(row.closedBy) : null });

export function buildShiftReport(counted: ShiftInput, c: ReportContext): ShiftReport {
  const input = asCounted(counted);
  const { shift, sales, drops } = input;
  const sold = soldOf(sales);
  const count = countOf(input);
  const dropViews: CashDropView[] = drops.map((d) => ({ at: d.at, amountCents: d.amountCents, by: c.operatorName(d.operatorId) }));
  const report: Omit<ShiftReport, 'lines'> = {
    shift: named(shift, c),
    kind: shift.closedAt ? 'session close' : 'X-read',
    generatedAt: c.generatedAt,
    floatCents: shift.floatCents,
    drops: dropViews,
    dropsCents: sumCents(drops),
    refunds: input.refunds.map((r) => refundView(r, c)),
    refundsCents: sumCents(input.refunds),
    sold: { count: sold.length, amountCents: sold.reduce((s, r) => s + r.amountCents, 0) },
    byTender: totalsBy(sold, (r) => r.tenderType, tenderLabel),
    pending: sales.filter((r) => isOpenSaleState(r.state)).map(c.summary),
    counted: shift.counted ? { CASH: 0, ...shift.counted } : null,
    cashUp: count?.rows ?? null,
    varianceCents: count?.varianceCents ?? null,
    columns: c.columns,
  };
  return { ...report, lines: shiftLines(report, c) };
}

const differenceWords = (d: number) => (d < 0 ? 'SHORT' : d > 0 ? 'OVER' : 'Balances');

function shiftLines(r: Omit<ShiftReport, 'lines'>, c: ReportContext): string[] {
  const { pair, rule, center, fit } = receiptColumns(c.columns);
  const local = (iso: string) => localTime(iso, c.zone);
  return [
    center(r.kind === 'X-read' ? 'X-READ' : 'DRAWER SESSION CLOSE'),
    center(`Terminal ${c.terminalId}`),
    ...pair('Cashier', r.shift.operatorName),
    ...pair('Opened', local(r.shift.openedAt)),
    ...pair('Closed', r.shift.closedAt ? local(r.shift.closedAt) : 'still open'),
    ...(r.shift.closedBy ? pair('Closed by', r.shift.closedBy) : []),
    ...pair('Printed', local(r.generatedAt)),
    rule,
    ...pair('Opening float', rands(r.floatCents)),
    ...pair(`Cash drops (${r.drops.length})`, rands(-r.dropsCents)),
    ...r.drops.flatMap((d) => pair(fit(`  ${local(d.at).slice(11)} ${d.by}`), rands(d.amountCents))),
    ...(r.refunds.length ? [...pair(`Refunds paid out (${r.refunds.length})`, rands(-r.refundsCents)), ...refundLines(r.refunds, { pair, fit })] : []),
    ...pair(`Sales (${r.sold.count})`, rands(r.sold.amountCents)),
    ...r.byTender.flatMap((t) => pair(`  ${t.label} (${t.count})`, rands(t.amountCents))),
    ...pair(`Pending, cash held (${r.pending.length})`, rands(r.pending.reduce((s, p) => s + p.amountCents, 0))),
    ...r.pending.flatMap((p) => pair(`  ${p.meterId} ref ${p.saleId.slice(-8)}`, rands(p.amountCents))),
    rule,
    ...(r.cashUp
      ? [
          'COUNT',
          ...r.cashUp
            .filter((u) => u.tender === 'CASH' || u.countedCents !== null || u.expectedCents !== 0)
            .flatMap((u) => [
              u.label,
              ...pair('  Counted', u.countedCents === null ? 'not counted' : rands(u.countedCents)),
              ...pair('  Expected', rands(u.expectedCents)),
              ...(u.differenceCents === null ? [] : pair(`  ${differenceWords(u.differenceCents)}`, rands(u.differenceCents))),
            ]),
          rule,
          '',
          fit('Counted by: ' + '_'.repeat(c.columns)),
          '',
          fit('Checked by: ' + '_'.repeat(c.columns)),
        ]
      : [fit('Blind count: what the drawer'), fit('should hold shows at the close.')]),
  ];
}

/** A session as the Z-read lists it. */
export function summarizeShift(session: ShiftInput, c: Pick<ReportContext, 'operatorName'>): ShiftSummary {
  const input = asCounted(session);
  const counted = countOf(input);
  const cash = counted?.rows.find((r) => r.tender === 'CASH');
  return {
    shift: named(input.shift, c),
    dropsCents: sumCents(input.drops),
    refundsCents: sumCents(input.refunds),
    soldCents: soldOf(input.sales).reduce((s, r) => s + r.amountCents, 0),
    countedCashCents: cash?.countedCents ?? null,
    expectedCashCents: cash?.expectedCents ?? null,
    varianceCents: counted?.varianceCents ?? null,
  };
}

/** The Z-read over the day's sessions (every session no earlier Z-read took in) and the refunds paid from the safe meanwhile. */
export function buildDayReport(sessions: readonly ShiftInput[], safeRefunds: readonly RefundPayoutRow[], z: { zNumber: number | null; closedBy: string | null; to: string }, c: ReportContext): DayReport {
  const all = sessions.map((s) => summarizeShift(s, c));
  const closed = all.filter((s) => s.shift.closedAt !== null);
  const sales = sessions.flatMap((s) => s.sales);
  const sold = soldOf(sales);
  const sum = (f: (s: ShiftSummary) => number | null, list = closed) => list.reduce((t, s) => t + (f(s) ?? 0), 0);
  const report: Omit<DayReport, 'lines'> = {
    zNumber: z.zNumber,
    from: sessions.reduce((m, s) => (s.shift.openedAt < m ? s.shift.openedAt : m), z.to),
    to: z.to,
    closedBy: z.closedBy,
    sessions: all,
    openSessions: all.filter((s) => s.shift.closedAt === null),
    floatCents: sum((s) => s.shift.floatCents, all),
    dropsCents: sum((s) => s.dropsCents, all),
    refunds: [...sessions.flatMap((s) => s.refunds), ...safeRefunds].map((r) => refundView(r, c)),
    safeRefundsCents: sumCents(safeRefunds),
    sold: { count: sold.length, amountCents: sold.reduce((s, r) => s + r.amountCents, 0) },
    byTender: totalsBy(sold, (r) => r.tenderType, tenderLabel),
    pending: sales.filter((r) => isOpenSaleState(r.state)).map(c.summary),
    countedCashCents: sum((s) => s.countedCashCents),
    expectedCashCents: sum((s) => s.expectedCashCents),
    varianceCents: sum((s) => s.varianceCents),
    columns: c.columns,
  };
  return { ...report, lines: dayLines(report, c) };
}

function dayLines(r: Omit<DayReport, 'lines'>, c: ReportContext): string[] {
  const { pair, rule, center, fit } = receiptColumns(c.columns);
  const local = (iso: string) => localTime(iso, c.zone);
  return [
    center(r.zNumber === null ? 'Z-READ (PREVIEW)' : `Z-READ No. ${r.zNumber}`),
    center(`Terminal ${c.terminalId}`),
    ...pair('From', local(r.from)),
    ...pair('To', local(r.to)),
    ...(r.closedBy ? pair('Day closed by', r.closedBy) : []),
    rule,
    ...pair(`Sales (${r.sold.count})`, rands(r.sold.amountCents)),
    ...r.byTender.flatMap((t) => pair(`  ${t.label} (${t.count})`, rands(t.amountCents))),
    ...pair(`Pending, cash held (${r.pending.length})`, rands(r.pending.reduce((s, p) => s + p.amountCents, 0))),
    ...pair('Floats', rands(r.floatCents)),
    ...pair('Cash drops', rands(-r.dropsCents)),
    ...(r.refunds.length
      ? [...pair(`Refunds paid (${r.refunds.length})`, rands(-r.refunds.reduce((t, x) => t + x.amountCents, 0))), ...(r.safeRefundsCents ? pair('  of which from the safe', rands(-r.safeRefundsCents)) : []), ...refundLines(r.refunds, { pair, fit })]
      : []),
    rule,
    `SESSIONS (${r.sessions.length})`,
    ...sessionLines(r.sessions, { pair, fit }, c.zone),
    ...(r.openSessions.length ? [fit(`STILL OPEN: ${r.openSessions.length}`), ...r.openSessions.map((s) => fit(`  ${s.shift.operatorName} since ${local(s.shift.openedAt).slice(11)}`))] : []),
    rule,
    ...pair('Cash counted', rands(r.countedCashCents)),
    ...pair('Cash expected', rands(r.expectedCashCents)),
    ...pair('Variance', varianceWords(r.varianceCents)),
    rule,
    '',
    fit('Manager: ' + '_'.repeat(c.columns)),
  ];
}

/** The report width for the paper in use: 32 columns on 58 mm, 48 on 80 mm. */
export const columnsForPaper = (paper: 58 | 80): ReportWidth => (paper === 58 ? 32 : 48);
