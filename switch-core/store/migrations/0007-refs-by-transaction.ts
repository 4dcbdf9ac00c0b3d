/**
 * Migration 7: SQLite's transaction_refs gets the index by transaction PostgreSQL's had from
 * migration 2. Without it every read of a transaction (each confirmation and reversal reads its
 * purchase) scanned all references: a cost that grew with every sale the switch ever took.
 */
import type { SwitchMigration } from './migration';

const migration: SwitchMigration = {
  version: 7,
  name: 'refs-by-transaction',
  up: (db) => {
    db.exec(`CREATE INDEX IF NOT EXISTS transaction_refs_by_tx ON transaction_refs (tx_id);`);
  },
  postgres: `CREATE INDEX IF NOT EXISTS transaction_refs_by_tx ON transaction_refs (tx_id);`,
};
export default migration;
