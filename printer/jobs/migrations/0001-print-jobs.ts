/** 0001: the print job table. A job's bytes are stored before any attempt to send them. */
import type { Database } from 'better-sqlite3';

export const version = 1;
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE print_jobs (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      label TEXT NOT NULL,
      bytes BLOB NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'printed', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      printed_at TEXT
    );
    CREATE INDEX print_jobs_state ON print_jobs (state, seq);
  `);
}
