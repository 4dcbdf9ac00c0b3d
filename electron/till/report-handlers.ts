/**
 * The manager's records: the transaction list and one sale's full record (advices, reprints,
 * switch traces), and the end-of-day report on screen, as CSV and printed.
 */
import type { CashCount, EodReport } from '../api/contract';
import type { Handlers, TillContext } from './backend-context';
import { buildEodReport, dayRange } from './end-of-day';
import { needSale } from './sale-transitions';
import { sessionInput, sessionReportContext } from './shift-handlers';
import { refundView, sessionCashUp, summarizeShift } from './shift-report';
import { slipContext } from './sale-slips';
import type { SaleViews } from './sale-views';

export interface Reports {
  /** The end-of-day report for a period (today by default), with what the manager typed per tender. */
  eod(from?: string, to?: string, typed?: CashCount['counted']): EodReport;
  handlers: Handlers<'listTransactions' | 'getTransaction' | 'eodReport' | 'printEodReport'>;
}

export function createReports(ctx: TillContext, views: SaleViews): Reports {
  const { store, clock, nowIso, printer } = ctx;

  function eod(fromArg?: string, toArg?: string, typed?: CashCount['counted']): EodReport {
    const { from, to } = dayRange(clock(), ctx.zone(), fromArg, toArg);
    const rows = store.findSales({ from, to, limit: 5000 });
    // The floats, drops, refunds paid out and counts are the drawer sessions' own (typed at opening,
    // recorded when taken, counted at each close), not retyped at end of day: the sessions opened in the
    // period and those its sales were made in.
    const shifts = new Map(store.shiftsOpenedBetween(from, to).map((s) => [s.id, s]));
    for (const id of new Set(rows.map((r) => r.shiftId))) {
      const s = id && !shifts.has(id) ? store.getShift(id) : null;
      if (s) shifts.set(s.id, s);
    }
    const c = sessionReportContext(ctx, views);
    const sessions = [...shifts.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt)).map((s) => sessionInput(ctx, s));
    return buildEodReport({
      from,
      to,
      generatedAt: nowIso(),
      terminalId: ctx.settings().terminalId,
      rows,
      sessions: sessions.map((s) => ({ summary: summarizeShift(s, c), cashUp: sessionCashUp(s) })),
      safeRefunds: store.safeRefundsBetween(from, to).map((r) => refundView(r, c)),
      operatorNames: new Map(store.listOperators().map((o) => [o.id, o.name])),
      drawerOpens: store.drawerOpens(from, to),
      summary: views.summary,
      zone: ctx.zone(),
      typed,
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
      eodReport: ({ from, to, count }) => eod(from, to, count?.counted),
      printEodReport: ({ from, to, count }, op) => printer.printLines(eod(from, to, count?.counted).lines, slipContext(ctx, op.name)),
    },
  };
}
