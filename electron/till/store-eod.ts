/**
 * The store's end of day, asked at any of its tills: every till's sales as the switch recorded them,
 * by till, by cashier and by tender, with the pending, reversed and late ones, as data, a CSV row per
 * sale and a 32-column receipt. Pure: sales in, the report out.
 */
import type { StoreEodReport, StoreEodRow, StoreSale } from '../api/contract';
import { decimalAmount, rands } from '../../common/money';
import { localTime } from '../../common/local-time';
import { center, csvField, pair, rule, TENDERS } from './end-of-day';

export interface StoreEodInput extends Pick<StoreEodReport, 'merchantId' | 'storeName' | 'from' | 'to' | 'generatedAt' | 'terminalId'> {
  sales: readonly StoreSale[];
  /** Names of the operators this till knows; another till's cashier shows by id. */
  operatorNames: ReadonlyMap<string, string>;
  /** The till's time zone: the report's times, the CSV's dates and the day are local to it. */
  zone: string;
}

const tenderLabel = (k: string) => TENDERS.find(([t]) => t === k)?.[1] ?? k;

function rowOf(key: string, label: string, sales: readonly StoreSale[]): StoreEodRow {
  const sold = sales.filter((s) => s.state === 'sold');
  return {
    key,
    label,
    soldCount: sold.length,
    soldCents: sold.reduce((t, s) => t + s.amountCents, 0),
    pendingCount: sales.filter((s) => s.state === 'pending').length,
    reversedCount: sales.filter((s) => s.state === 'reversed').length,
    lateCount: sales.filter((s) => s.late && s.state === 'sold').length,
    failedCount: sales.filter((s) => s.state === 'failed').length,
  };
}

function groupBy(sales: readonly StoreSale[], key: (s: StoreSale) => string, label: (k: string) => string): StoreEodRow[] {
  const m = new Map<string, StoreSale[]>();
  for (const s of sales) m.set(key(s), [...(m.get(key(s)) ?? []), s]);
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, list]) => rowOf(k, label(k), list));
}

const STATE_WORDS: Record<StoreSale['state'], string> = { sold: 'sold', pending: 'pending', failed: 'failed', reversed: 'reversed (refunded)' };

export function buildStoreEod(i: StoreEodInput): StoreEodReport {
  const local = (iso: string) => localTime(iso, i.zone);
  const till = (k: string) => (k === i.terminalId ? `${k} (this till)` : k);
  const cashier = (k: string) => i.operatorNames.get(k) ?? k;
  const report = {
    merchantId: i.merchantId,
    storeName: i.storeName,
    from: i.from,
    to: i.to,
    generatedAt: i.generatedAt,
    terminalId: i.terminalId,
    total: rowOf('store', 'Store', i.sales),
    byTill: groupBy(i.sales, (s) => s.terminalId ?? 'unknown', till),
    byCashier: groupBy(i.sales, (s) => s.operatorId ?? 'unknown', cashier),
    byTender: groupBy(i.sales, (s) => s.tenderType ?? 'unknown', tenderLabel),
    pending: i.sales.filter((s) => s.state === 'pending'),
    reversed: i.sales.filter((s) => s.state === 'reversed'),
    late: i.sales.filter((s) => s.late && s.state === 'sold'),
  };
  const csv = ['date,reference,till,meter,state,tender,amount,cashier'];
  for (const s of [...i.sales].sort((a, b) => a.at.localeCompare(b.at))) {
    const state = STATE_WORDS[s.state] + (s.late && s.state === 'sold' ? ' late' : '');
    csv.push([local(s.at), s.purchaseId, csvField(s.terminalId ?? ''), csvField(s.meterId ?? ''), state, csvField(tenderLabel(s.tenderType ?? '')), decimalAmount(s.amountCents), csvField(cashier(s.operatorId ?? ''))].join(','));
  }
  const section = (title: string, list: readonly StoreEodRow[]) => [title, ...list.flatMap((r) => pair(`  ${r.label} (${r.soldCount})`, rands(r.soldCents)))];
  const saleLines = (s: StoreSale) => pair(`  ${s.meterId ?? '?'} ${s.terminalId ?? ''}`, rands(s.amountCents)).concat(`    ref ${s.shortRef}`);
  const lines = [
    center('STORE END OF DAY'),
    center(i.storeName),
    center(`Merchant ${i.merchantId}`),
    ...pair('From', local(i.from)),
    ...pair('To', local(i.to)),
    ...pair('Printed', local(i.generatedAt)),
    ...pair('At till', i.terminalId),
    rule,
    ...pair(`Sales (${report.total.soldCount})`, rands(report.total.soldCents)),
    ...pair('Failed (nothing charged)', String(report.total.failedCount)),
    rule,
    ...section('By till', report.byTill),
    ...section('By cashier', report.byCashier),
    ...section('By tender', report.byTender),
    rule,
    ...pair('Pending', String(report.pending.length)),
    ...report.pending.flatMap(saleLines),
    ...pair('Reversed (refunded)', String(report.reversed.length)),
    ...report.reversed.flatMap(saleLines),
    ...pair('Late (sold on a retry)', String(report.late.length)),
    ...report.late.flatMap(saleLines),
    rule,
  ];
  const day = local(i.from).slice(0, 10);
  return { ...report, csv: csv.join('\r\n') + '\r\n', csvFileName: `store-end-of-day-${day}.csv`, lines };
}
