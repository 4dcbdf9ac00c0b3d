/**
 * The till back end's entry point: builds its parts (session, switch link, sale runner, slips,
 * advice delivery, background worker, and each group of TillApi methods) over one store and one
 * printer, and answers every TillApi call through one `invoke` — the ONE place where a method's
 * arguments are validated and its role checked. Nothing throws across it.
 *
 * Money safety lives in the parts: a sale is stored before it is sent (sale-handlers), each send is
 * counted on disk before the bytes leave (sale-runner), an answer and its advice are written in one
 * transaction (sale-transitions), the slip prints last (sale-slips).
 */
import { METHODS, fail, ok, validateArgs, type Invoke, type MethodName, type Result, type SessionInvoke, type TillValues } from '../api/contract';
import { createAdviceDelivery } from './advice-delivery';
import { refundPayouts } from './refund-payouts';
import { createCashDrawer } from './cash-drawer';
import { ApiFail, createContext, type Handlers, type TillDeps } from './backend-context';
import { createBackgroundErrors } from './background-errors';
import { startBackgroundWorker } from './background-worker';
import { storageStatus } from './disk-space';
import { createUnsavedAnswers } from './unsaved-answers';
import { backupHandlers } from './backup-handlers';
import { consoleHandlers } from './console-proxy';
import { operatorHandlers, seedOperators } from './operators';
import { queueHandlers } from './queue-handlers';
import { reprintHandlers } from './reprint-handlers';
import { createReports } from './report-handlers';
import { createSaleChanges } from './sale-changes';
import { saleHandlers } from './sale-handlers';
import { saleSplitHandlers } from './sale-split';
import { createSaleRunner } from './sale-runner';
import { createSaleSlips } from './sale-slips';
import { createApplySale } from './sale-transitions';
import { createSaleViews } from './sale-views';
import { LOCAL_SESSION, createSessions } from './session';
import { settingsHandlers } from './settings-handlers';
import { shiftHandlers } from './shift-handlers';
import { statusHandlers } from './status-handlers';
import { storeHandlers } from './store-handlers';
import { certifyHandlers } from './certify/run';
import { virtualMeterHandlers } from './virtual-meter';
import { createSwitchLink } from './switch-link';
import { recoverLostSales } from './switch-recovery';
import type { TillStore } from './store/repository';

export type { SecretStore, TillDeps, VirtualJobsSource } from './backend-context';
export { DEFAULT_OPERATORS, checkPin, hashPin, operatorsWithShippedPins, parseProvisionedOperators, type ProvisionedOperator } from './operators';
export { LOCAL_SESSION } from './session';

/** Methods after which the database is backed up at once: the newest backup always has today's PINs and operators. */
const BACKUP_AFTER: ReadonlySet<MethodName> = new Set(['changePin', 'saveOperator']);

/** What still works on a damaged database: signing in, the status bar, and restoring a backup. */
const WHILE_DAMAGED: ReadonlySet<MethodName> = new Set(['signIn', 'signOut', 'session', 'status', 'listBackups', 'restoreBackup']);

function damagedWords(damage: string, newestGood: string | null): string {
  return (
    `The till's database is damaged (${damage}); the till sells nothing until a manager restores it. ` +
    (newestGood ? `Manager: restore the newest good backup, ${newestGood} (Backups). ` : 'No good backup was found: call support. ') +
    'The damaged file is kept.'
  );
}

export interface TillBackend {
  /** The process's own caller (CLI, tests): one session, LOCAL_SESSION. */
  invoke: Invoke;
  /** Hosts with several callers (browser tabs, Electron windows): the call on behalf of one session. */
  invokeAs: SessionInvoke;
  /** One round of background work (retries, owed slips, advices); tests and the CLI call it. */
  tick(): Promise<void>;
  /** Resolves when no send is in flight (tests, shutdown). */
  idle(): Promise<void>;
  /** Resolves when the start's comparison with the switch's sales is done. */
  recovered(): Promise<void>;
  close(): Promise<void>;
  store: TillStore;
}

export function createTillBackend(deps: TillDeps): TillBackend {
  const ctx = createContext(deps);
  seedOperators(ctx, deps.operators);
  const sessions = createSessions(ctx);
  const link = createSwitchLink(ctx);
  const errors = createBackgroundErrors(ctx.clock, deps.log);
  const changes = createSaleChanges();
  const slips = createSaleSlips(ctx, changes);
  const drawer = createCashDrawer(ctx);
  const payouts = refundPayouts(ctx);
  // A refund's payout is written before the drawer opens for it, in the cancel's one transaction;
  // a refund paid from the safe leaves the drawer shut (no kick, no opening recorded).
  const apply = createApplySale(ctx, changes, slips, errors, (before, after) => (payouts(before, after) === 'safe' ? null : drawer.saleChanged(before, after)));
  const unsaved = createUnsavedAnswers(ctx, apply);
  const runner = createSaleRunner(ctx, link, apply, changes, unsaved, errors);
  const views = createSaleViews(ctx, runner.busy, unsaved.overlay);
  const advices = createAdviceDelivery(ctx, link, changes, runner.busy, errors);
  const reports = createReports(ctx, views);
  const worker = startBackgroundWorker(ctx, runner, slips, advices, unsaved, errors, deps.workerIntervalMs ?? 250);
  const damage = deps.damage ? damagedWords(deps.damage, deps.backups?.newestGood()?.name ?? null) : null;
  // Once per start of a till with a history (backups): completed sales the switch knows and this till
  // lost come back, marked recovered. A new till has lost nothing, even where its terminal id was used
  // before. A switch that cannot be asked (down, or no console rights) is noted in the log, not as a fault.
  const recovery = damage || !deps.backups?.list().length
    ? Promise.resolve()
    : recoverLostSales(ctx, link, apply).then(
        (ids) => void (ids.length > 0 && deps.log?.(`took back ${ids.length} sale(s) the switch knows and this till had lost or held open: ${ids.join(', ')}`)),
        (err: unknown) => void deps.log?.(`could not compare this till's sales with the switch's: ${err instanceof Error ? err.message : String(err)}`),
      );
  const storage = () => storageStatus(deps.freeBytes?.(), unsaved.count(), damage);

  const handlers: Handlers = {
    ...sessions.handlers,
    ...shiftHandlers(ctx, views, errors),
    ...operatorHandlers(ctx),
    ...saleHandlers(ctx, { link, views, apply, runner, changes, advices }),
    ...saleSplitHandlers(link),
    ...reprintHandlers(ctx, link, views, slips),
    ...queueHandlers(ctx, views, apply, runner, advices),
    ...reports.handlers,
    ...drawer.handlers,
    ...settingsHandlers(ctx, link),
    ...statusHandlers(ctx, link, storage, errors),
    ...virtualMeterHandlers(ctx),
    ...consoleHandlers(link),
    ...storeHandlers(ctx, link),
    ...certifyHandlers(ctx, link),
    ...backupHandlers(ctx),
  };

  const invokeAs: SessionInvoke = async <M extends MethodName>(session: string | null, method: M, args: unknown): Promise<Result<TillValues[M]>> => {
    if (!Object.prototype.hasOwnProperty.call(METHODS, method)) return fail('NOT_FOUND', `Unknown till method "${String(method)}".`);
    // A damaged database answers nothing: no sales, and no "Nothing pending" or totals read from it.
    if (damage && !WHILE_DAMAGED.has(method)) return fail('STORE_DAMAGED', damage);
    try {
      // Who is asking before what they ask: a caller without the right sign-in learns nothing, not even which arguments a method takes.
      const caller = sessions.caller(session, method);
      const v = validateArgs(method, args);
      if (!v.ok) return v;
      const fn = handlers[method] as (a: unknown, c: typeof caller, s: string | null) => Promise<TillValues[M]> | TillValues[M];
      const value = await fn(v.value, caller, session);
      const backups = deps.backups;
      if (backups && !deps.damage && BACKUP_AFTER.has(method)) await errors.guard('backing up after an operator change', () => backups.backup('operators'));
      return ok(value);
    } catch (err) {
      if (err instanceof ApiFail) return fail(err.code, err.message, err.extra);
      return fail('INTERNAL', `Something went wrong in the till: ${err instanceof Error ? err.message : String(err)}. Nothing was lost; try again.`);
    }
  };
  const invoke: Invoke = (method, args) => invokeAs(LOCAL_SESSION, method, args);

  const inFlight = () => Promise.all([runner.settled(), advices.inflight() ?? Promise.resolve()]);
  return {
    invoke,
    invokeAs,
    tick: worker.tick,
    store: deps.store,
    recovered: () => recovery,
    async idle() {
      for (let i = 0; i < 1000 && (runner.inflightCount() > 0 || advices.inflight() || slips.printingCount() > 0); i++) {
        await inFlight();
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      await worker.stop();
      await recovery;
      await inFlight().catch(() => undefined);
      ctx.close();
      changes.wakeAll();
      link.reset();
      await deps.printer.drain().catch(() => []);
      deps.printer.close();
    },
  };
}
