/**
 * 0004: an index on the queue order. A new job takes the next number (MAX(seq) + 1), which without
 * it read every job the printer ever printed.
 */
import type { Database } from 'better-sqlite3';

export const version = 4;
export function up(db: Database): void {
  db.exec(`CREATE INDEX print_jobs_seq ON print_jobs (seq);`);
}
