/** The ordered list of the switch store's migrations and the runner that applies the missing ones. */
import type { Database } from 'better-sqlite3';
import m0001 from './0001-contract-table';
import m0002 from './0002-transactions-traces';
import m0003 from './0003-advices-health';
import type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003];
export const LATEST_VERSION = MIGRATIONS.length;

/** Applies every migration above the file's user_version, each in its own transaction. */
export function migrate(db: Database, upTo: number = LATEST_VERSION): number {
  const current = Number(db.pragma('user_version', { simple: true }));
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return Number(db.pragma('user_version', { simple: true }));
}
