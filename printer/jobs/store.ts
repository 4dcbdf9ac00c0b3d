/**
 * PrintJobStore: all SQL for print jobs (better-sqlite3, WAL, numbered migrations in ./migrations).
 * Callers see functions over plain PrintJob objects, never statements.
 */
import type Database from 'better-sqlite3';
import { commitWithoutFlush, migrate as migrateWith, openDatabase } from '../../common/sqlite';
import * as m0001 from './migrations/0001-print-jobs';
import * as m0002 from './migrations/0002-reprint-of';
import * as m0003 from './migrations/0003-job-key';
import * as m0004 from './migrations/0004-job-seq';

export const MIGRATIONS = [m0001, m0002, m0003, m0004];

export type JobState = 'queued' | 'printing' | 'printed' | 'failed';

export interface PrintJob {
  id: string;
  label: string;
  bytes: Buffer;
  state: JobState;
  attempts: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  printedAt?: string;
  reprintOf?: string;
  /** The caller's key: one job per key, ever. */
  key?: string;
}

interface Row {
  id: string;
  label: string;
  bytes: Buffer;
  state: JobState;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  printed_at: string | null;
  reprint_of: string | null;
  job_key: string | null;
}

const toJob = (r: Row): PrintJob => ({
  id: r.id,
  label: r.label,
  bytes: r.bytes,
  state: r.state,
  attempts: r.attempts,
  lastError: r.last_error ?? undefined,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  printedAt: r.printed_at ?? undefined,
  reprintOf: r.reprint_of ?? undefined,
  key: r.job_key ?? undefined,
});

/** Applies every migration newer than the file's user_version (see common/sqlite.ts). */
export function migrate(db: Database.Database, upTo = MIGRATIONS.length): number {
  return migrateWith(db, MIGRATIONS, upTo);
}

export class PrintJobStore {
  readonly db: Database.Database;

  /** Each statement compiled once: a slip runs half a dozen of them, and compiling costs more than running. */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string) {
    this.db = openDatabase(file, { synchronous: 'FULL' }); // a stored job must survive a power cut
    migrate(this.db);
  }

  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  /**
   * Stores a job; with a key already stored, returns that job instead (nothing new is inserted).
   * `withoutFlush`: committed with no flush of its own, for a caller that makes sure a flushed commit
   * of this file follows before it relies on the job (PrintQueue.print).
   */
  insert(job: { id: string; label: string; bytes: Uint8Array; at: string; reprintOf?: string; key?: string }, o: { withoutFlush?: boolean } = {}): PrintJob {
    const write = () => {
      const existing = job.key === undefined ? undefined : this.byKey(job.key);
      if (existing) return existing;
      const seq = (this.sql('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM print_jobs').get() as { s: number }).s;
      this.sql(
          `INSERT INTO print_jobs (id, seq, label, bytes, state, attempts, created_at, updated_at, reprint_of, job_key)
           VALUES (?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
        )
        .run(job.id, seq, job.label, Buffer.from(job.bytes), job.at, job.at, job.reprintOf ?? null, job.key ?? null);
      return this.get(job.id) as PrintJob;
    };
    return o.withoutFlush ? commitWithoutFlush(this.db, write) : this.db.transaction(write)();
  }

  /** A flushed commit touching the job: it carries the job, stored without a flush, to disk. */
  flush(id: string, at: string): void {
    this.sql(`UPDATE print_jobs SET updated_at = ? WHERE id = ?`).run(at, id);
  }

  byKey(key: string): PrintJob | undefined {
    const r = this.sql('SELECT * FROM print_jobs WHERE job_key = ?').get(key) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  /**
   * The newest job whose bytes begin with `bytes`: a printer splits a job at its cut, so what it
   * received for a job is the job's bytes up to the cut.
   */
  startingWith(bytes: Uint8Array): PrintJob | undefined {
    const b = Buffer.from(bytes);
    const r = this.sql('SELECT * FROM print_jobs WHERE length(bytes) >= ? AND substr(bytes, 1, ?) = ? ORDER BY seq DESC LIMIT 1').get(b.length, b.length, b) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  get(id: string): PrintJob | undefined {
    const r = this.sql('SELECT * FROM print_jobs WHERE id = ?').get(id) as Row | undefined;
    return r ? toJob(r) : undefined;
  }

  list(filter: { states?: JobState[] } = {}): PrintJob[] {
    const rows = this.sql('SELECT * FROM print_jobs ORDER BY seq').all() as Row[];
    return rows.map(toJob).filter((j) => !filter.states || filter.states.includes(j.state));
  }

  /** Jobs waiting to print: queued, and failed ones still under the automatic attempt limit. */
  due(maxAttempts: number): PrintJob[] {
    const rows = this.sql(`SELECT * FROM print_jobs WHERE state = 'queued' OR (state = 'failed' AND attempts < ?) ORDER BY seq`)
      .all(maxAttempts) as Row[];
    return rows.map(toJob);
  }

  /**
   * No flush of its own: a job whose 'printing' is lost in a power cut reads 'queued', and is sent
   * again in full — exactly what recoverInterrupted does with a 'printing' one. Only the attempt
   * count can be one short.
   */
  markPrinting(id: string, at: string): void {
    commitWithoutFlush(this.db, () => this.sql(`UPDATE print_jobs SET state = 'printing', attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(at, id));
  }

  markPrinted(id: string, at: string): void {
    this.sql(`UPDATE print_jobs SET state = 'printed', last_error = NULL, printed_at = ?, updated_at = ? WHERE id = ?`).run(at, at, id);
  }

  markFailed(id: string, error: string, at: string, countAttempt = false): void {
    this.sql(`UPDATE print_jobs SET state = 'failed', last_error = ?, updated_at = ?, attempts = attempts + ? WHERE id = ?`)
      .run(error, at, countAttempt ? 1 : 0, id);
  }

  /** Manual retry: back to queued with a fresh attempt count. */
  requeue(id: string, at: string): boolean {
    return this.sql(`UPDATE print_jobs SET state = 'queued', attempts = 0, updated_at = ? WHERE id = ? AND state = 'failed'`).run(at, id).changes === 1;
  }

  /**
   * After a crash, a job left 'printing' may or may not have reached the paper. We send it again in
   * full (a torn partial slip followed by a whole one beats a customer without a token).
   */
  recoverInterrupted(at: string): number {
    return this.sql(`UPDATE print_jobs SET state = 'queued', last_error = 'interrupted while printing; will print again', updated_at = ? WHERE state = 'printing'`)
      .run(at).changes;
  }

  close(): void {
    this.db.close();
  }
}
