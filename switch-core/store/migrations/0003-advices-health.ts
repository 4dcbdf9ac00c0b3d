/**
 * Migration 3: the switch's must-deliver advice queue (confirmations and reversals toward
 * providers), provider health history and health-change alerts.
 */
import type { SwitchMigration } from './migration';

const migration: SwitchMigration = {
  version: 3,
  name: 'advices-health',
  up: (db) => {
    db.exec(`
      CREATE TABLE advices (
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
        status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        seq INTEGER NOT NULL
      );
      CREATE INDEX advices_pending ON advices (status, provider_id, seq);
      CREATE TABLE alerts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        from_health TEXT NOT NULL,
        to_health TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE TABLE health_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        latency_ms REAL NOT NULL,
        error_rate REAL NOT NULL,
        up INTEGER NOT NULL
      );
    `);
  },
  postgres: `
      CREATE TABLE advices (
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
        status TEXT NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        seq BIGSERIAL NOT NULL
      );
      CREATE INDEX advices_pending ON advices (status, provider_id, seq);
      CREATE TABLE alerts (
        seq BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        from_health TEXT NOT NULL,
        to_health TEXT NOT NULL,
        message TEXT NOT NULL
      );
      CREATE TABLE health_history (
        seq BIGSERIAL PRIMARY KEY,
        at TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        error_rate DOUBLE PRECISION NOT NULL,
        up INTEGER NOT NULL
      );
    `,
};
export default migration;
