/** The ordered list of the switch store's migrations and the runner that applies the missing ones. */
import type { Database } from 'better-sqlite3';
import m0001 from './0001-contract-table';
import m0002 from './0002-transactions-traces';
import m0003 from './0003-advices-health';
import m0004 from './0004-advice-reconciliation';
import { migrate as migrateWith, type Migration } from '../../../common/sqlite';

export const MIGRATIONS: readonly Migration[] = [m0001, m0002, m0003, m0004];
export const LATEST_VERSION = MIGRATIONS.length;

/** Applies every migration above the file's user_version (see common/sqlite.ts). */
export function migrate(db: Database, upTo: number = LATEST_VERSION): number {
  return migrateWith(db, MIGRATIONS, upTo);
}
