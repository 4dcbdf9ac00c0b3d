/**
 * Shifts: an operator's shift opened (at sign-in or on request) and closed with its end-of-day report;
 * closing a shift takes a backup of the database.
 */
import { newId } from '../../switch-core/protocol';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import type { BackgroundErrors } from './background-errors';
import type { Reports } from './report-handlers';

export function shiftHandlers({ store, nowIso, deps }: TillContext, reports: Reports, errors: BackgroundErrors): Handlers<'openShift' | 'closeShift'> {
  return {
    openShift(_args, op) {
      const cur = store.currentShift(op.id);
      if (cur) return cur;
      const s = { id: newId(), operatorId: op.id, openedAt: nowIso(), closedAt: null };
      store.openShift(s);
      return s;
    },
    async closeShift(_args, op) {
      const cur = store.currentShift(op.id);
      if (!cur) throw new ApiFail('NO_SHIFT', 'No shift is open.');
      const at = nowIso();
      store.closeShift(cur.id, at);
      const backups = deps.backups;
      // Awaited: a CLI that closes the shift and exits must not close the database under the backup.
      if (backups && !deps.damage) await errors.guard('backing up at shift close', () => backups.backup('shift-close'));
      return { shift: { ...cur, closedAt: at }, report: reports.eod(cur.openedAt, at) };
    },
  };
}
