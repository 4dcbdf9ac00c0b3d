/**
 * 0003: a caller's key per job (e.g. "sale:<id>:sale"), unique, so asking again for the same slip
 * after a crash finds the stored job instead of printing a second one.
 */
import type { Database } from 'better-sqlite3';

export const version = 3;
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE print_jobs ADD COLUMN job_key TEXT;
    CREATE UNIQUE INDEX print_jobs_key ON print_jobs (job_key) WHERE job_key IS NOT NULL;
  `);
}
