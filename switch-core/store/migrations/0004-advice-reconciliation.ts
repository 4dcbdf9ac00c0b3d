/**
 * Migration 4: an advice never answered finally within the age limit is parked as
 * NEEDS_RECONCILIATION, and the alerts list carries such parked advices beside provider health
 * changes. SQLite cannot change a CHECK constraint or a NOT NULL in place, so both tables are rebuilt
 * with their rows.
 */
import type { SwitchMigration } from './migration';

const migration: SwitchMigration = {
  version: 4,
  name: 'advice-reconciliation',
  up: (db) => {
    db.exec(`
      CREATE TABLE advices_v4 (
        id TEXT PRIMARY KEY,
        purchase_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'reversal')),
        operation TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'NEEDS_RECONCILIATION')),
        seq INTEGER NOT NULL
      );
      INSERT INTO advices_v4 SELECT id, purchase_id, kind, operation, provider_id, body, attempts, last_error, created_at, next_attempt_at, status, seq FROM advices;
      DROP TABLE advices;
      ALTER TABLE advices_v4 RENAME TO advices;
      CREATE INDEX advices_pending ON advices (status, provider_id, seq);

      CREATE TABLE alerts_v4 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('HEALTH', 'ADVICE_NEEDS_RECONCILIATION')),
        provider_id TEXT NOT NULL,
        from_health TEXT,
        to_health TEXT,
        advice_id TEXT,
        message TEXT NOT NULL
      );
      INSERT INTO alerts_v4 (seq, at, kind, provider_id, from_health, to_health, message)
        SELECT seq, at, 'HEALTH', provider_id, from_health, to_health, message FROM alerts;
      DROP TABLE alerts;
      ALTER TABLE alerts_v4 RENAME TO alerts;
    `);
  },
  postgres: `
      ALTER TABLE advices DROP CONSTRAINT advices_status_check;
      ALTER TABLE advices ADD CONSTRAINT advices_status_check CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'NEEDS_RECONCILIATION'));
      ALTER TABLE alerts ADD COLUMN kind TEXT NOT NULL DEFAULT 'HEALTH' CHECK (kind IN ('HEALTH', 'ADVICE_NEEDS_RECONCILIATION'));
      ALTER TABLE alerts ALTER COLUMN kind DROP DEFAULT;
      ALTER TABLE alerts ALTER COLUMN from_health DROP NOT NULL;
      ALTER TABLE alerts ALTER COLUMN to_health DROP NOT NULL;
      ALTER TABLE alerts ADD COLUMN advice_id TEXT;
    `,
};
export default migration;
