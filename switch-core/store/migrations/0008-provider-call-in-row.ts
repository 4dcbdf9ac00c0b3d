/**
 * Migration 8: a lookup answered by one provider call keeps that call in its own row (`upstream`:
 * the call's provider, operation, URL, status, start and time, as JSON; `upstream_response`: the
 * provider's answer as it came, or NULL where it is the row's own response_body). Written as a
 * trace, the call was a second row and a random insert into traces_by_tx: under the ratio bench's
 * lookups, a third of the SQLite writer's page writes. tracesOf reads it back as the trace it was.
 */
import type { SwitchMigration } from './migration';

const migration: SwitchMigration = {
  version: 8,
  name: 'provider-call-in-row',
  up: (db) => {
    db.exec(`ALTER TABLE transactions ADD COLUMN upstream TEXT; ALTER TABLE transactions ADD COLUMN upstream_response TEXT;`);
  },
  postgres: `ALTER TABLE transactions ADD COLUMN IF NOT EXISTS upstream TEXT; ALTER TABLE transactions ADD COLUMN IF NOT EXISTS upstream_response TEXT;`,
};
export default migration;
