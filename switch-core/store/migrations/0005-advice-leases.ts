/**
 * Migration 5: an advice is leased by the node delivering it (several switch nodes share one
 * PostgreSQL database), so each advice goes out from one node at a time and a dead node's lease
 * runs out for another to take over.
 */
import type { SwitchMigration } from './migration';

const LEASES = `
  ALTER TABLE advices ADD COLUMN lease_owner TEXT;
  ALTER TABLE advices ADD COLUMN lease_until TEXT;
`;

const migration: SwitchMigration = {
  version: 5,
  name: 'advice-leases',
  up: (db) => {
    db.exec(LEASES);
  },
  postgres: LEASES,
};
export default migration;
