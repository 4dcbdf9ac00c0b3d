/** The ordered list of the switch store's migrations (both engines) and the SQLite runner; postgres-store.ts runs the same list on PostgreSQL. */
import type { Database } from 'better-sqlite3';
import m0001 from './0001-contract-table';
import m0002 from './0002-transactions-traces';
import m0003 from './0003-advices-health';
import m0004 from './0004-advice-reconciliation';
import m0005 from './0005-advice-leases';
import { migrate as migrateWith } from '../../../common/sqlite';
import type { SwitchMigration } from './migration';

export const MIGRATIONS: readonly SwitchMigration[] = [m0001, m0002, m0003, m0004, m0005];
export const LATEST_VERSION = MIGRATIONS.length;

/** Applies every migration above the file's user_version (see common/sqlite.ts). */
export function migrate(db: Database, upTo: number = LATEST_VERSION): number {
  return migrateWith(db, MIGRATIONS, upTo);
}
