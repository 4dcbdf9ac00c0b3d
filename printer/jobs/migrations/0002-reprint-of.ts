/** 0002: reprints point at the job they copy, so a manager sees where a slip came from. */
import type { Database } from 'better-sqlite3';

export const version = 2;
export function up(db: Database): void {
  db.exec(`ALTER TABLE print_jobs ADD COLUMN reprint_of TEXT REFERENCES print_jobs(id);`);
}
