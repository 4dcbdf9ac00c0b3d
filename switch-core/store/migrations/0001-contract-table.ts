/**
 * Migration 1: the contract table — providers, utilities (municipalities) with their routing
 * preferences, meters and each provider's support status per meter. Never edit after release;
 * add a new numbered migration instead.
 */
import type { SwitchMigration } from './migration';

const migration: SwitchMigration = {
  version: 1,
  name: 'contract-table',
  up: (db) => {
    db.exec(`
      CREATE TABLE providers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        weight REAL NOT NULL DEFAULT 1,
        enabled INTEGER NOT NULL DEFAULT 1
      );
      CREATE TABLE utilities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        utility_type TEXT NOT NULL
      );
      CREATE TABLE utility_preferences (
        utility_id TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('RANKED', 'EXCLUDED')),
        rank INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (utility_id, provider_id)
      ) WITHOUT ROWID;
      -- meter_id is the primary key of a WITHOUT ROWID table, so a prefix search is a range scan.
      CREATE TABLE meters (
        meter_id TEXT PRIMARY KEY,
        utility_id TEXT,
        rebroadcast_flag INTEGER NOT NULL DEFAULT 0,
        preferred_provider_id TEXT,
        created_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX meters_by_utility ON meters (utility_id);
      CREATE TABLE meter_support (
        meter_id TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('SUPPORTED', 'NOT_SUPPORTED', 'UNCONFIRMED')),
        last_response_at TEXT,
        PRIMARY KEY (meter_id, provider_id)
      ) WITHOUT ROWID;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  },
  postgres: `
      CREATE TABLE providers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        weight DOUBLE PRECISION NOT NULL DEFAULT 1,
        enabled INTEGER NOT NULL DEFAULT 1
      );
      CREATE TABLE utilities (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        utility_type TEXT NOT NULL
      );
      CREATE TABLE utility_preferences (
        utility_id TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('RANKED', 'EXCLUDED')),
        rank INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (utility_id, provider_id)
      );
      -- COLLATE "C": byte order, so a prefix search is a range scan of the primary key as in SQLite.
      CREATE TABLE meters (
        meter_id TEXT COLLATE "C" PRIMARY KEY,
        utility_id TEXT,
        rebroadcast_flag INTEGER NOT NULL DEFAULT 0,
        preferred_provider_id TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX meters_by_utility ON meters (utility_id);
      CREATE TABLE meter_support (
        meter_id TEXT COLLATE "C" NOT NULL,
        provider_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('SUPPORTED', 'NOT_SUPPORTED', 'UNCONFIRMED')),
        last_response_at TEXT,
        PRIMARY KEY (meter_id, provider_id)
      );
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
};
export default migration;
