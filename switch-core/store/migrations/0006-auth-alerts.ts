/**
 * Migration 6: the alerts list also carries sign-in lockouts (an address or a user name locked after
 * wrong credentials), which name a subject rather than a provider. SQLite cannot change a CHECK
 * constraint or a NOT NULL in place, so the alerts table is rebuilt with its rows.
 */
import type { SwitchMigration } from './migration';

const KINDS = "'HEALTH', 'ADVICE_NEEDS_RECONCILIATION', 'AUTH_LOCKED_ADDRESS', 'AUTH_LOCKED_USER'";

const migration: SwitchMigration = {
  version: 6,
  name: 'auth-alerts',
  up: (db) => {
    db.exec(`
      CREATE TABLE alerts_v6 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN (${KINDS})),
        provider_id TEXT,
        from_health TEXT,
        to_health TEXT,
        advice_id TEXT,
        subject TEXT,
        message TEXT NOT NULL
      );
      INSERT INTO alerts_v6 (seq, at, kind, provider_id, from_health, to_health, advice_id, message)
        SELECT seq, at, kind, provider_id, from_health, to_health, advice_id, message FROM alerts;
      DROP TABLE alerts;
      ALTER TABLE alerts_v6 RENAME TO alerts;
    `);
  },
  postgres: `
      ALTER TABLE alerts DROP CONSTRAINT alerts_kind_check;
      ALTER TABLE alerts ADD CONSTRAINT alerts_kind_check CHECK (kind IN (${KINDS}));
      ALTER TABLE alerts ALTER COLUMN provider_id DROP NOT NULL;
      ALTER TABLE alerts ADD COLUMN subject TEXT;
    `,
};
export default migration;
