/** The ordered list of the till store's migrations and the runner that applies the missing ones. */
import type { Database } from 'better-sqlite3';
import m0001 from './0001-sales-advices';
import m0002 from './0002-reprints-traces-settings';
import m0003 from './0003-cancelled-by';
import m0004 from './0004-lookup-ref-index';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004];
export const LATEST_VERSION = MIGRATIONS.length;

/** Applies every migration above the file's user_version, each in its own transaction. */
export function migrate(db: Database, upTo: number = LATEST_VERSION): number {
  const current = Number(db.pragma('user_version', { simple: true }));
  for (const mig of MIGRATIONS) {
    if (mig.version <= current || mig.version > upTo) continue;
    db.transaction(() => {
      mig.up(db);
      db.pragma(`user_version = ${mig.version}`);
    })();
  }
  return Number(db.pragma('user_version', { simple: true }));
}
