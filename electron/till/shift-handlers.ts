/**
 * Drawer sessions as a shop runs them: an operator opens hers with the float in the drawer (sign-in
 * opens nothing), records cash drops to the safe, prints an X-read at any time, and closes with a
 * blind count — the counted figures are saved before anything expected is shown. A manager closes
 * anyone's session and closes the till's day with the Z-read, which lists the sessions still open
 * and is refused until they are closed. Closing a session or the day takes a database backup.
 */
import { newId } from '../../switch-core/protocol';
import { isOpenSaleState, type Operator, type ReportWidth } from '../api/contract';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import type { BackgroundErrors } from './background-errors';
import { localTime } from '../../common/local-time';
import { slipContext } from './sale-slips';
import type { SaleViews } from './sale-views';
import { buildDayReport, buildShiftReport, columnsForPaper, shiftOf, type ReportContext, type ShiftInput } from './shift-report';
import type { ShiftRow } from './store/repository';

type ShiftMethod = 'openShift' | 'closeShift' | 'addCashDrop' | 'shiftReport' | 'printShiftReport' | 'zRead' | 'closeDay';

export const NO_SESSION_WORDS = 'Your drawer session is not open. Open it with the float in your drawer (Open my drawer), then sell.';

/** What a report of drawer sessions reads besides their rows: names, the time zone, the paper's width. */
export function sessionReportContext(ctx: TillContext, views: SaleViews, columns?: ReportWidth): ReportContext {
  const { store } = ctx;
  const names = new Map(store.listOperators().map((o) => [o.id, o.name]));
  return {
    generatedAt: ctx.nowIso(),
    terminalId: ctx.settings().terminalId,
    zone: ctx.zone(),
    operatorName: (id) => names.get(id) ?? id,
    shiftOperator: (id) => {
      const s = store.getShift(id);
      return s ? (names.get(s.operatorId) ?? s.operatorId) : null;
    },
    summary: views.summary,
    columns: columns ?? columnsForPaper(ctx.settings().printer.paperWidth),
  };
}

/** A session's rows as its reports read them. */
export const sessionInput = (ctx: TillContext, shift: ShiftRow): ShiftInput => ({ shift, sales: ctx.store.salesOfShift(shift.id), drops: ctx.store.cashDrops(shift.id), refunds: ctx.store.refundPayouts(shift.id) });

export function shiftHandlers(ctx: TillContext, views: SaleViews, errors: BackgroundErrors): Handlers<ShiftMethod> {
  const { store, nowIso, deps, printer } = ctx;
  const reportContext = (columns?: ReportWidth) => sessionReportContext(ctx, views, columns);
  const inputOf = (shift: ShiftRow) => sessionInput(ctx, shift);

  /** The session a call is about: the caller's open one, or one named by id (another operator's: managers only). */
  function target(shiftId: string | undefined, op: Operator): ShiftRow {
    if (!shiftId) {
      const own = store.currentShift(op.id);
      if (!own) throw new ApiFail('NO_SHIFT', NO_SESSION_WORDS);
      return own;
    }
    const s = store.getShift(shiftId);
    if (!s) throw new ApiFail('NOT_FOUND', 'There is no such drawer session.', { field: 'shiftId' });
    if (s.operatorId !== op.id && op.role !== 'manager') throw new ApiFail('FORBIDDEN', "Only a manager can work on another cashier's drawer session.", { field: 'shiftId' });
    return s;
  }
  function openTarget(shiftId: string | undefined, op: Operator): ShiftRow {
    const s = target(shiftId, op);
    if (s.closedAt) throw new ApiFail('CONFLICT', `That drawer session was closed at ${localTime(s.closedAt, ctx.zone())}.`, { field: 'shiftId' });
    return s;
  }
  // Awaited: a CLI that closes a session and exits must not close the database under the backup.
  const backup = async (): Promise<void> => {
    const b = deps.backups;
    if (b && !deps.damage) await errors.guard('backing up at a close', () => b.backup('shift-close'));
  };

  return {
    openShift({ floatCents }, op) {
      const cur = store.currentShift(op.id);
      if (cur) return shiftOf(cur);
      const s = { id: newId(), operatorId: op.id, openedAt: nowIso(), floatCents };
      store.openShift(s);
      return { ...s, closedAt: null };
    },
    async closeShift({ shiftId, counted }, op) {
      const s = openTarget(shiftId, op);
      // The count is written before anything expected is worked out: the close is blind. With it go
      // the sales the drawer holds cash for, so the session's figures stay as counted.
      const held = store.salesOfShift(s.id).filter((r) => isOpenSaleState(r.state)).map((r) => r.id);
      if (!store.closeShift(s.id, nowIso(), op.id, counted, held)) throw new ApiFail('CONFLICT', 'That drawer session was closed meanwhile.', { field: 'shiftId' });
      await backup();
      return buildShiftReport(inputOf(store.getShift(s.id)!), reportContext());
    },
    addCashDrop({ shiftId, amountCents }, op) {
      const s = openTarget(shiftId, op);
      store.addCashDrop({ id: newId(), shiftId: s.id, at: nowIso(), amountCents, operatorId: op.id });
      return buildShiftReport(inputOf(s), reportContext());
    },
    shiftReport: ({ shiftId, columns }, op) => buildShiftReport(inputOf(target(shiftId, op)), reportContext(columns)),
    printShiftReport({ shiftId }, op) {
      const r = buildShiftReport(inputOf(target(shiftId, op)), reportContext());
      return printer.printLines(r.lines, slipContext(ctx, op.name));
    },
    zRead: ({ columns }) => buildDayReport(store.shiftsOfOpenDay().map(inputOf), store.safeRefundsOfOpenDay(), { zNumber: null, closedBy: null, to: nowIso() }, reportContext(columns)),
    async closeDay(_args, op) {
      const day = store.shiftsOfOpenDay();
      const c = reportContext();
      const open = day.filter((s) => !s.closedAt);
      if (open.length) {
        const who = open.map((s) => `${c.operatorName(s.operatorId)} (open since ${localTime(s.openedAt, c.zone).slice(11)})`).join(', ');
        throw new ApiFail('CONFLICT', `Close these drawer sessions first: ${who}. Count each drawer, then close the day.`);
      }
      if (!day.length) throw new ApiFail('CONFLICT', 'Nothing to close: no drawer session since the last Z-read.');
      const at = nowIso();
      const safeRefunds = store.safeRefundsOfOpenDay();
      const zNumber = store.closeDay({ id: newId(), fromAt: day[0]!.openedAt, closedAt: at, closedBy: op.id }, day.map((s) => s.id));
      const report = buildDayReport(day.map(inputOf), safeRefunds, { zNumber, closedBy: op.name, to: at }, c);
      await backup();
      return { ...report, print: await printer.printLines(report.lines, slipContext(ctx, op.name)) };
    },
  };
}
