/**
 * The manager's backup methods: the list of backups (and why the database was refused, if it was),
 * and restore from a chosen good backup, which keeps the damaged file and asks for a restart.
 */
import { ApiFail, type Handlers, type TillContext } from './backend-context';

export function backupHandlers(ctx: TillContext): Handlers<'listBackups' | 'restoreBackup'> {
  const { deps, clock } = ctx;
  const backups = () => {
    if (!deps.backups) throw new ApiFail('NOT_SUPPORTED', 'This till keeps no backups.');
    return deps.backups;
  };
  return {
    listBackups: () => ({ damaged: deps.damage ?? null, backups: backups().list(), newestGood: backups().newestGood()?.name ?? null }),
    restoreBackup({ name }) {
      // A sound database is open and in use: restoring over it would throw away the sales since that backup.
      if (!deps.damage) throw new ApiFail('CONFLICT', 'The till’s database is sound; a backup is restored only over a damaged one.');
      try {
        const { keptAs } = backups().restore(name, clock());
        return { restoredFrom: name, keptAs, message: `Restored from ${name}. The damaged file is kept as ${keptAs}. Close the till and start it again to sell.` };
      } catch (err) {
        throw new ApiFail('CONFLICT', `The backup could not be restored: ${(err as Error).message}. Choose another backup.`);
      }
    },
  };
}
