/**
 * How every local store of the project opens its SQLite file (better-sqlite3, WAL, a busy timeout,
 * the durability the store asks for) and the one runner for numbered migrations. The switch, the
 * till and the print queue share it; it depends on no other part of the project.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** One numbered schema change; never edited after release. */
export interface Migration {
  readonly version: number;
  readonly name?: string;
  up(db: Database.Database): void;
}

export interface OpenOptions {
  /** FULL where a committed row must survive a power cut (sales, print jobs); NORMAL survives process crashes only. */
  synchronous: 'NORMAL' | 'FULL';
  foreignKeys?: boolean;
  /** Page size of a new file (an existing one keeps its own). */
  pageSize?: number;
}

/**
 * Opens (creating when missing) a store readable by its owner only: the folder is made 0700 and the
 * file 0600 before SQLite writes to it (SQLite gives its -wal and -shm files the database's mode), so
 * PIN hashes and sales never sit world-readable, not even for the first write.
 */
export function openDatabase(file: string, opts: OpenOptions): Database.Database {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const db = new Database(file);
  if (opts.pageSize) db.pragma(`page_size = ${opts.pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous}`);
  db.pragma('busy_timeout = 5000');
  if (opts.foreignKeys) db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Applies every migration above the file's user_version up to `upTo`, each in its own transaction
 * with its version bump, so a failing step leaves the file at the previous version. Returns the
 * version the file is at afterwards.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], upTo: number = migrations.length): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version}`);
  });
  const current = Number(db.pragma('user_version', { simple: true }));
  for (const m of migrations) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return Number(db.pragma('user_version', { simple: true }));
}

const relaxers = new WeakMap<Database.Database, { normal: Database.Statement; full: Database.Statement }>();

/**
 * Commits `write` as one transaction with no flush of its own, on a connection opened FULL. In WAL
 * mode such a commit survives a crash of the process the moment it returns, and a power cut from the
 * next FULL commit to the same file on (its flush carries the log up to it) or the next checkpoint.
 * Only for writes whose loss in a power cut the store rebuilds, or that nobody's money depends on:
 * each caller says why. Inside a transaction already open, the write simply rides with it (SQLite
 * keeps the level fixed inside a transaction).
 */
export function commitWithoutFlush<T>(db: Database.Database, write: () => T): T {
  if (db.inTransaction) return write();
  let level = relaxers.get(db);
  if (!level) relaxers.set(db, (level = { normal: db.prepare('PRAGMA synchronous = NORMAL'), full: db.prepare('PRAGMA synchronous = FULL') }));
  level.normal.run();
  try {
    return db.transaction(write)();
  } finally {
    level.full.run();
  }
}
