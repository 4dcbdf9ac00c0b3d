/**
 * The ordered list of the switch store's migrations (both engines), the SQLite runner, and the one
 * refusal both runners give a database written by a newer switch (postgres/connection.ts runs the
 * same list on PostgreSQL).
 */
import type { Database } from 'better-sqlite3';
import m0001 from './0001-contract-table';
import m0002 from './0002-transactions-traces';
import m0003 from './0003-advices-health';
import m0004 from './0004-advice-reconciliation';
import m0005 from './0005-advice-leases';
import m0006 from './0006-auth-alerts';
import m0007 from './0007-refs-by-transaction';
import m0008 from './0008-provider-call-in-row';
import { migrate as migrateWith } from '../../../common/sqlite';
import type { SwitchMigration } from './migration';

export const MIGRATIONS: readonly SwitchMigration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008];
export const LATEST_VERSION = MIGRATIONS.length;

/** What either engine says of a database at a schema version this switch does not know. */
export function newerSchemaMessage(current: number): string {
  return `the switch database is at schema version ${current}, newer than this switch knows (${LATEST_VERSION}): upgrade the switch, or point it at another database`;
}

/** Throws for a database a newer switch has migrated: its tables may mean what this switch cannot read or keep. */
export function refuseNewerSchema(current: number): void {
  if (current > LATEST_VERSION) throw new Error(newerSchemaMessage(current));
}

/** Applies every migration above the file's user_version (see common/sqlite.ts), refusing a newer file. */
export function migrate(db: Database, upTo: number = LATEST_VERSION): number {
  refuseNewerSchema(Number(db.pragma('user_version', { simple: true })));
  return migrateWith(db, MIGRATIONS, upTo);
}
