/**
 * The manager's records: the transaction list and one sale's full record (advices, reprints,
 * switch traces), and the end-of-day report on screen, as CSV and printed.
 */
import type { CashCount, EodReport } from '../api/contract';
import type { Handlers, TillContext } from './backend-context';
import { buildEodReport, dayRange } from './end-of-day';
import { needSale } from './sale-transitions';
import { slipContext } from './sale-slips';
import type { SaleViews } from './sale-views';

export interface Reports {
  /** The end-of-day report for a period (today by default). */
  eod(from?: string, to?: string, count?: Partial<CashCount>): EodReport;
  handlers: Handlers<'listTransactions' | 'getTransaction' | 'eodReport' | 'printEodReport'>;
}

export function createReports(ctx: TillContext, views: SaleViews): Reports {
  const { store, clock, nowIso, printer } = ctx;

  function eod(fromArg?: string, toArg?: string, typed?: Partial<CashCount>): EodReport {
    const { from, to } = dayRange(clock(), ctx.zone(), fromArg, toArg);
    // The floats and drops are the drawer sessions' own (typed at opening, recorded when taken), not retyped at end of day.
    const sessions = store.shiftsOpenedBetween(from, to);
    const count: CashCount = {
      openingFloatCents: typed?.openingFloatCents ?? sessions.reduce((t, s) => t + s.floatCents, 0),
      dropsCents: typed?.dropsCents ?? sessions.reduce((t, s) => t + store.cashDrops(s.id).reduce((d, x) => d + x.amountCents, 0), 0),
      counted: typed?.counted ?? {},
    };
    return buildEodReport({
      from,
      to,
      generatedAt: nowIso(),
      terminalId: ctx.settings().terminalId,
      rows: store.findSales({ from, to, limit: 5000 }),
      operatorNames: new Map(store.listOperators().map((o) => [o.id, o.name])),
      drawerOpens: store.drawerOpens(from, to),
      summary: views.summary,
      zone: ctx.zone(),
      count,
    });
  }

  return {
    eod,
    handlers: {
      listTransactions(f) {
        const r = f.from || f.to ? dayRange(clock(), ctx.zone(), f.from, f.to) : { from: undefined, to: undefined };
        return store.findSales({ ...f, from: r.from, to: r.to }).map(views.summary);
      },
      getTransaction({ saleId }) {
        const row = needSale(ctx, saleId);
        return {
          sale: views.saleView(row),
          advices: store.advicesForSale(saleId).map(views.adviceItem),
          reprints: [
            ...store.reprintsFor(saleId).map((r) => ({ at: r.at, operatorId: r.operatorId, source: r.source, printed: r.printed })),
            // COPYs printed at another till of the store (read from the switch: storeReprints).
            ...store.storeReprintsOf(saleId).map((r) => ({ at: r.at, operatorId: r.operatorId ?? '', source: 'store' as const, printed: true, reprintedAt: r.reprintedAt })),
          ],
          traces: store.tracesFor(saleId).map((t) => ({ at: t.at, operation: t.operation, url: t.url, status: t.status, outcome: t.outcome as 'successful', ms: t.ms, requestBody: JSON.parse(t.requestJson ?? 'null') as unknown, responseBody: JSON.parse(t.responseJson ?? 'null') as unknown })),
        };
      },
      eodReport: ({ from, to, count }) => eod(from, to, count),
      printEodReport: ({ from, to, count }, op) => printer.printLines(eod(from, to, count).lines, slipContext(ctx, op.name)),
    },
  };
}
