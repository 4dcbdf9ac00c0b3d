/**
 * A numbered change of the switch's schema, written once per engine: `up` for SQLite and
 * `postgres` (plain SQL) for PostgreSQL. Both engines walk the same numbers in the same order.
 */
import type { Migration } from '../../../common/sqlite';

export interface SwitchMigration extends Migration {
  /** The same change in PostgreSQL's dialect, run in one transaction with the version bump. */
  readonly postgres: string;
}
