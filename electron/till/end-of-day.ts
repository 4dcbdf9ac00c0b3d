/**
 * The end-of-day report: totals of succeeded sales by utility, provider, tender and cashier, the
 * failed count, the pending and reversed sales, as data, CSV (RFC 4180) and printable lines.
 * Pure: plain rows in, the report out.
 */
import { isOpenSaleState, type EodReport, type EodRow, type SaleSummary } from '../api/contract';
import type { SaleRow } from './store/repository';

const DAY_MS = 86_400_000;

/** A report period: whole days for YYYY-MM-DD, exact times for ISO times; today when `from` is missing. */
export function dayRange(now: number, from?: string, to?: string): { from: string; to: string } {
  const start = from ? new Date(from.length === 10 ? from + 'T00:00:00.000Z' : from) : new Date(new Date(now).toISOString().slice(0, 10) + 'T00:00:00.000Z');
  const end = to ? new Date(to.length === 10 ? new Date(Date.parse(to + 'T00:00:00.000Z') + DAY_MS).toISOString() : to) : new Date(start.getTime() + DAY_MS);
  return { from: start.toISOString(), to: end.toISOString() };
}

export interface EodInput {
  from: string;
  to: string;
  generatedAt: string;
  terminalId: string;
  /** Every sale created in the period. */
  rows: SaleRow[];
  operatorNames: ReadonlyMap<string, string>;
  summary: (row: SaleRow) => SaleSummary;
}

const money = (c: number) => (c / 100).toFixed(2);
const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function buildEodReport({ from, to, generatedAt, terminalId, rows, operatorNames, summary }: EodInput): EodReport {
  const sold = rows.filter((r) => r.state === 'succeeded');
  const group = (key: (r: SaleRow) => string, label: (k: string) => string = (k) => k): EodRow[] => {
    const m = new Map<string, EodRow>();
    for (const r of sold) {
      const k = key(r);
      const e = m.get(k) ?? { key: k, label: label(k), count: 0, amountCents: 0 };
      e.count++;
      e.amountCents += r.amountCents;
      m.set(k, e);
    }
    return [...m.values()].sort((a, b) => a.key.localeCompare(b.key));
  };
  const report: Omit<EodReport, 'csv' | 'lines'> = {
    from,
    to,
    generatedAt,
    terminalId,
    succeeded: { count: sold.length, amountCents: sold.reduce((s, r) => s + r.amountCents, 0) },
    failedCount: rows.filter((r) => r.state === 'failed').length,
    byUtility: group((r) => r.utilityName ?? 'Unknown'),
    byProvider: group((r) => r.provider ?? 'Unknown'),
    byTender: group((r) => r.tenderType),
    byCashier: group((r) => r.operatorId, (k) => operatorNames.get(k) ?? k),
    pending: rows.filter((r) => isOpenSaleState(r.state)).map(summary),
    reversed: rows.filter((r) => r.state === 'cancelled').map(summary),
  };
  const sections = [
    ['utility', 'By utility', report.byUtility],
    ['provider', 'By provider', report.byProvider],
    ['tender', 'By tender', report.byTender],
    ['cashier', 'By cashier', report.byCashier],
  ] as const;
  const csv: string[] = ['section,key,label,count,amount'];
  csv.push(`total,succeeded,Succeeded,${report.succeeded.count},${money(report.succeeded.amountCents)}`, `total,failed,Failed,${report.failedCount},0.00`);
  for (const [sec, , list] of sections) for (const r of list) csv.push([sec, csvField(r.key), csvField(r.label), r.count, money(r.amountCents)].join(','));
  for (const p of report.pending) csv.push(['pending', p.saleId, csvField(p.meterId), 1, money(p.amountCents)].join(','));
  for (const p of report.reversed) csv.push(['reversed', p.saleId, csvField(p.meterId), 1, money(p.amountCents)].join(','));
  const saleLine = (p: SaleSummary) => `  ${p.meterId} R${money(p.amountCents)} ${p.saleId.slice(0, 8)}`;
  const lines = [
    'END OF DAY REPORT',
    `Terminal ${terminalId}`,
    `${from.slice(0, 16)} to ${to.slice(0, 16)}`,
    `Sales: ${report.succeeded.count}  R${money(report.succeeded.amountCents)}`,
    `Failed: ${report.failedCount}`,
    ...sections.flatMap(([, title, list]) => [title, ...list.map((r) => `  ${r.label}: ${r.count}  R${money(r.amountCents)}`)]),
    `Pending: ${report.pending.length}`,
    ...report.pending.map(saleLine),
    `Reversed: ${report.reversed.length}`,
    ...report.reversed.map(saleLine),
  ];
  return { ...report, csv: csv.join('\r\n') + '\r\n', lines };
}
