/**
 * The end-of-day cash-up: totals of succeeded sales by utility, provider, tender and cashier, the
 * failed count, the pending and reversed sales, expected against counted money per tender over the
 * period's drawer sessions (each with its own float, drops, cash held for pending sales, refunds paid
 * out and its own count; the day's variance is theirs summed, a session not counted is named so) and
 * the sales in no session, the refunds paid from the safe, the drawer opened without a sale, as data,
 * a CSV row per sale (RFC 4180) and a receipt — every time in the till's zone, days cut at its local
 * midnight.
 * Pure: plain rows in, the report out.
 */
import { decimalAmount, rands } from '../../common/money';
import { isOpenSaleState, type CashCount, type CashUpRow, type EodReport, type EodRow, type RefundPayoutView, type SaleSummary, type ShiftSummary, type TenderKind } from '../api/contract';
import { receiptColumns } from './receipt-columns';
import { refundLines, sessionLines } from './session-lines';
import { localDay, localMidnight, localTime, nextDay } from '../../common/local-time';
import type { DrawerOpenRow, SaleRow } from './store/repository';

/**
 * A report period: whole local days (from local midnight to local midnight in `zone`) for YYYY-MM-DD,
 * exact times for ISO times; today when `from` is missing.
 */
export function dayRange(now: number, zone: string, from?: string, to?: string): { from: string; to: string } {
  const fromDay = from && from.length === 10 ? from : from ? null : localDay(now, zone);
  const start = fromDay ? localMidnight(fromDay, zone) : Date.parse(from ?? '');
  const lastDay = to && to.length === 10 ? to : to ? null : (fromDay ?? localDay(start, zone));
  const end = lastDay ? localMidnight(nextDay(lastDay), zone) : Date.parse(to ?? '');
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

export interface EodInput {
  from: string;
  to: string;
  generatedAt: string;
  terminalId: string;
  /** Every sale created in the period. */
  rows: SaleRow[];
  /** The period's drawer sessions, each as the Z-read sums it up and with its own expected and counted money per tender. */
  sessions: readonly { summary: ShiftSummary; cashUp: readonly CashUpRow[] }[];
  /** Refunds paid from the safe in the period. */
  safeRefunds: readonly RefundPayoutView[];
  operatorNames: ReadonlyMap<string, string>;
  /** Drawer openings in the period (those of cash sales are left out of the report: the sale stands for them). */
  drawerOpens: DrawerOpenRow[];
  summary: (row: SaleRow) => SaleSummary;
  /** What the manager typed per tender; a tender left out takes the sessions' own counts. */
  typed?: CashCount['counted'];
  /** The till's time zone: the report's times and the CSV's dates are local to it. */
  zone: string;
}

export const csvField = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Receipt width: 32 columns fit 58 mm paper and every 80 mm font. */
export const REPORT_COLUMNS = 32;
/** Label left, value right; headings centred; rules across (the store's end of day lays out with them too). */
export const { pair, rule, center, fit } = receiptColumns(REPORT_COLUMNS);

export const TENDERS = [
  ['CASH', 'Cash'],
  ['DEBIT_CARD', 'Debit card'],
  ['CREDIT_CARD', 'Credit card'],
] as const satisfies readonly (readonly [TenderKind, string])[];

/**
 * Expected per tender against what was counted. Pending sales' money is in the drawer (the cashier
 * kept it); refunds the drawer paid out for sales of closed sessions are not.
 */
export function cashUp(rows: readonly SaleRow[], count: CashCount, refundsPaidCents = 0): CashUpRow[] {
  return TENDERS.map(([tender, label]) => {
    const taken = rows.filter((r) => r.tenderType === tender && (r.state === 'succeeded' || isOpenSaleState(r.state))).reduce((s, r) => s + r.amountCents, 0);
    const expectedCents = tender === 'CASH' ? count.openingFloatCents + taken - count.dropsCents - refundsPaidCents : taken;
    const countedCents = count.counted[tender] ?? null;
    return { tender, label, expectedCents, countedCents, differenceCents: countedCents === null ? null : countedCents - expectedCents };
  });
}

export const tenderLabel = (k: string) => TENDERS.find(([t]) => t === k)?.[1] ?? k;

/** Count and amount of the sold rows per key, in key order. */
export function totalsBy(sold: readonly SaleRow[], key: (r: SaleRow) => string, label: (k: string) => string = (k) => k): EodRow[] {
  const m = new Map<string, EodRow>();
  for (const r of sold) {
    const k = key(r);
    const e = m.get(k) ?? { key: k, label: label(k), count: 0, amountCents: 0 };
    e.count++;
    e.amountCents += r.amountCents;
    m.set(k, e);
  }
  return [...m.values()].sort((a, b) => a.key.localeCompare(b.key));
}

/** Cash the cashiers kept for sales still pending: in the drawer, owed as a token or a refund. */
export function heldForPending(rows: readonly SaleRow[]): number {
  return rows.filter((r) => r.tenderType === 'CASH' && isOpenSaleState(r.state)).reduce((s, r) => s + r.amountCents, 0);
}

/**
 * The period's money per tender: expected over the sessions and the sales in none; counted and the
 * difference the sessions' own counts summed (over those that counted the tender) unless typed.
 */
export function dayCashUp(sessions: EodInput['sessions'], looseRows: readonly SaleRow[], typed: CashCount['counted'] = {}): CashUpRow[] {
  const loose = cashUp(looseRows, { openingFloatCents: 0, dropsCents: 0, counted: {} });
  const rows = loose.map(({ tender, label, expectedCents: looseCents }): CashUpRow => {
    const own = sessions.map((s) => s.cashUp.find((r) => r.tender === tender)!);
    const expectedCents = looseCents + own.reduce((t, r) => t + r.expectedCents, 0);
    const given = typed[tender];
    if (given !== undefined) return { tender, label, expectedCents, countedCents: given, differenceCents: given - expectedCents };
    const counted = own.filter((r) => r.countedCents !== null);
    if (counted.length === 0) return { tender, label, expectedCents, countedCents: null, differenceCents: null };
    const countedCents = counted.reduce((t, r) => t + r.countedCents!, 0);
    const differenceCents = counted.reduce((t, r) => t + r.differenceCents!, 0);
    return { tender, label, expectedCents, countedCents, differenceCents, uncountedCents: expectedCents - (countedCents - differenceCents) };
  });
  // A card nobody took or counted has nothing to say (a session's count is its cash, cards when there are any).
  return rows.filter((r) => r.tender === 'CASH' || r.expectedCents !== 0 || r.countedCents !== null);
}

export function buildEodReport({ from, to, generatedAt, terminalId, rows, sessions, safeRefunds, operatorNames, drawerOpens, summary, typed, zone }: EodInput): EodReport {
  /** "YYYY-MM-DD HH:MM" in the shop's time. */
  const local = (iso: string) => localTime(iso, zone);
  const sold = rows.filter((r) => r.state === 'succeeded');
  const group = (key: (r: SaleRow) => string, label?: (k: string) => string) => totalsBy(sold, key, label);
  const ids = new Set(sessions.map((s) => s.summary.shift.id));
  const sum = (f: (s: ShiftSummary) => number) => sessions.reduce((t, s) => t + f(s.summary), 0);
  const report: Omit<EodReport, 'csv' | 'csvFileName' | 'lines'> = {
    from,
    to,
    generatedAt,
    terminalId,
    succeeded: { count: sold.length, amountCents: sold.reduce((s, r) => s + r.amountCents, 0) },
    failedCount: rows.filter((r) => r.state === 'failed').length,
    byUtility: group((r) => r.utilityName ?? 'Unknown'),
    byProvider: group((r) => r.provider ?? 'Unknown'),
    byTender: group((r) => r.tenderType, tenderLabel),
    byCashier: group((r) => r.operatorId, (k) => operatorNames.get(k) ?? k),
    pending: rows.filter((r) => isOpenSaleState(r.state)).map(summary),
    heldForPendingCents: heldForPending(rows),
    reversed: rows.filter((r) => r.state === 'cancelled').map(summary),
    openingFloatCents: sum((s) => s.shift.floatCents),
    dropsCents: sum((s) => s.dropsCents),
    refundsPaidCents: sum((s) => s.refundsCents),
    cashUp: dayCashUp(sessions, rows.filter((r) => r.shiftId === null || !ids.has(r.shiftId)), typed),
    sessions: sessions.map((s) => s.summary),
    safeRefunds: [...safeRefunds],
    drawerOpens: drawerOpens
      .filter((d) => d.saleId === null)
      .map((d) => ({ at: d.at, operator: operatorNames.get(d.operatorId ?? '') ?? d.operatorId ?? 'unknown', reason: d.reason ?? '', opened: d.opened })),
  };
  const STATE_WORDS: Record<string, string> = { succeeded: 'sold', failed: 'failed', cancelled: 'reversed (refunded)' };
  const csv: string[] = ['date,reference,meter,state,tender,amount,cashier,utility,provider'];
  for (const r of [...rows].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
    const state = (STATE_WORDS[r.state] ?? (isOpenSaleState(r.state) ? 'pending' : r.state)) + (r.late && r.state === 'succeeded' ? ' late' : '');
    csv.push([local(r.createdAt), r.id, csvField(r.meterId), state, tenderLabel(r.tenderType), decimalAmount(r.amountCents), csvField(operatorNames.get(r.operatorId) ?? r.operatorId), csvField(r.utilityName ?? ''), csvField(r.provider ?? '')].join(','));
  }
  const firstDay = local(from).slice(0, 10);
  const lastDay = local(new Date(Date.parse(to) - 1).toISOString()).slice(0, 10);
  const csvFileName = firstDay === lastDay ? `end-of-day-${firstDay}.csv` : `end-of-day-${firstDay}-to-${lastDay}.csv`;
  const saleLines = (p: SaleSummary) => pair(`  ${p.meterId}`, rands(p.amountCents)).concat(`    ref ${p.saleId.slice(-8)}`);
  const section = (title: string, list: readonly EodRow[]) => [title, ...list.flatMap((r) => pair(`  ${r.label} (${r.count})`, rands(r.amountCents)))];
  const lines = [
    center('END OF DAY'),
    center(`Terminal ${terminalId}`),
    ...pair('From', local(from)),
    ...pair('To', local(to)),
    ...pair('Printed', local(generatedAt)),
    rule,
    ...pair(`Sales (${report.succeeded.count})`, rands(report.succeeded.amountCents)),
    ...pair('Failed (nothing charged)', String(report.failedCount)),
    rule,
    'CASH-UP',
    ...pair('Opening float', rands(report.openingFloatCents)),
    ...pair('Cash drops', rands(-report.dropsCents)),
    ...(report.refundsPaidCents ? pair('Refunds from drawers', rands(-report.refundsPaidCents)) : []),
    ...report.cashUp.flatMap((c) => [
      c.label,
      ...pair('  Expected', rands(c.expectedCents)),
      ...(c.tender === 'CASH' && report.heldForPendingCents > 0 ? pair('  incl. held for pending', rands(report.heldForPendingCents)) : []),
      ...pair('  Counted', c.countedCents === null ? 'not counted' : rands(c.countedCents)),
      ...(c.uncountedCents ? pair('  in no count', rands(c.uncountedCents)) : []),
      ...(c.differenceCents === null ? [] : pair(c.differenceCents < 0 ? '  SHORT' : c.differenceCents > 0 ? '  OVER' : '  Difference', rands(c.differenceCents))),
    ]),
    rule,
    `DRAWER SESSIONS (${report.sessions.length})`,
    ...sessionLines(report.sessions, { pair, fit }, zone),
    ...(report.safeRefunds.length ? [rule, ...pair(`Refunds from the safe (${report.safeRefunds.length})`, rands(-report.safeRefunds.reduce((t, r) => t + r.amountCents, 0))), ...refundLines(report.safeRefunds, { pair, fit })] : []),
    rule,
    ...section('By tender', report.byTender),
    ...section('By utility', report.byUtility),
    ...section('By provider', report.byProvider),
    ...section('By cashier', report.byCashier),
    rule,
    ...pair('Pending', String(report.pending.length)),
    ...report.pending.flatMap(saleLines),
    ...pair('Reversed (refunded)', String(report.reversed.length)),
    ...report.reversed.flatMap(saleLines),
    ...pair('Drawer opened, no sale', String(report.drawerOpens.length)),
    ...report.drawerOpens.flatMap((d) => [fit(`  ${local(d.at).slice(11)} ${d.operator}`), fit(`    ${d.reason}${d.opened ? '' : ' (did not open)'}`)]),
    rule,
    '',
    'Counted by: ____________________',
    '',
    'Checked by: ____________________',
  ];
  return { ...report, csv: csv.join('\r\n') + '\r\n', csvFileName, lines };
}
