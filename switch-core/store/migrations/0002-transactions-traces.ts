/**
 * Migration 2: transactions the switch handled (with the till's request and the final response, so
 * a retry can be answered from the store), their searchable references, and message traces.
 */
import type { SwitchMigration } from './migration';

const migration: SwitchMigration = {
  version: 2,
  name: 'transactions-traces',
  up: (db) => {
    db.exec(`
      CREATE TABLE transactions (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        meter_id TEXT,
        provider_id TEXT,
        status TEXT NOT NULL,
        error_type TEXT,
        amount INTEGER,
        started_at TEXT NOT NULL,
        ms REAL NOT NULL DEFAULT 0,
        purchase_id TEXT,
        request TEXT NOT NULL,
        response_status INTEGER,
        response_body TEXT,
        final INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX transactions_by_time ON transactions (started_at);
      CREATE INDEX transactions_by_meter ON transactions (meter_id, started_at);
      CREATE INDEX transactions_by_purchase ON transactions (purchase_id);
      CREATE TABLE transaction_refs (
        ref TEXT NOT NULL,
        tx_id TEXT NOT NULL,
        PRIMARY KEY (ref, tx_id)
      ) WITHOUT ROWID;
      CREATE TABLE traces (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        tx_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        provider_id TEXT,
        operation TEXT NOT NULL,
        url TEXT NOT NULL,
        request_body TEXT,
        status INTEGER,
        response_body TEXT,
        started_at TEXT NOT NULL,
        ms REAL NOT NULL
      );
      CREATE INDEX traces_by_tx ON traces (tx_id, seq);
    `);
  },
  postgres: `
      CREATE TABLE transactions (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL,
        type TEXT NOT NULL,
        meter_id TEXT,
        provider_id TEXT,
        status TEXT NOT NULL,
        error_type TEXT,
        amount BIGINT,
        started_at TEXT NOT NULL,
        ms DOUBLE PRECISION NOT NULL DEFAULT 0,
        purchase_id TEXT,
        request TEXT NOT NULL,
        response_status INTEGER,
        response_body TEXT,
        final INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX transactions_by_time ON transactions (started_at);
      CREATE INDEX transactions_by_meter ON transactions (meter_id, started_at);
      CREATE INDEX transactions_by_purchase ON transactions (purchase_id);
      CREATE TABLE transaction_refs (
        ref TEXT NOT NULL,
        tx_id TEXT NOT NULL,
        PRIMARY KEY (ref, tx_id)
      );
      CREATE INDEX transaction_refs_by_tx ON transaction_refs (tx_id);
      CREATE TABLE traces (
        seq BIGSERIAL PRIMARY KEY,
        tx_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        provider_id TEXT,
        operation TEXT NOT NULL,
        url TEXT NOT NULL,
        request_body TEXT,
        status INTEGER,
        response_body TEXT,
        started_at TEXT NOT NULL,
        ms DOUBLE PRECISION NOT NULL
      );
      CREATE INDEX traces_by_tx ON traces (tx_id, seq);
    `,
};
export default migration;
