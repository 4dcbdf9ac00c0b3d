/**
 * The SQLite store's connection: the file opened (better-sqlite3, WAL, 1 KB pages) and migrated,
 * the gate its hot writes pass (a checkpoint finishing holds them, checkpointer.ts), and the wait
 * for durability (a shared fdatasync of the WAL off the event loop, wal-sync.ts). Each table
 * family's queries (config.ts, meters.ts, transactions.ts, advices.ts, health.ts) run on it.
 */
import type Database from 'better-sqlite3';
import { openDatabase } from '../../../common/sqlite';
import { migrate } from '../migrations';
import { WalSync } from '../wal-sync';
import { Checkpointer } from './checkpointer';

/** Page size of a new switch database (see openConnection). */
export const SWITCH_PAGE_SIZE = 1024;

export interface StoreOptions {
  /** Checkpoint the WAL from a background thread every this many ms (servers); off: SQLite's own auto-checkpoint. */
  backgroundCheckpointMs?: number;
}

export interface SqliteConnection {
  readonly db: Database.Database;
  /** What a hot write waits for first (a checkpoint finishing with the writes held), or null. */
  held(): Promise<void> | null;
  /**
   * Waits until the writes committed so far would survive a power cut: the store runs NORMAL (a
   * commit survives a crash of the process), and a request about to leave for a provider — and
   * which provider it goes to — must survive a power cut too.
   */
  durable(): Promise<void>;
  close(): Promise<void>;
}

export function openConnection(file: string, opts: StoreOptions = {}): SqliteConnection {
  // NORMAL is durable across application crashes in WAL mode; the writes that must survive a
  // power cut wait for a WAL fsync besides (durable()). 1 KB pages: every commit writes each
  // page it touched whole into the WAL, and a purchase touches five B-trees on insert and grows its
  // row on finish — 28.2 KB of WAL for a purchase's row and answer with SQLite's default 4 KB
  // pages, 10.2 KB with 1 KB (store test); disk writes under the switch bench's load went from
  // 95 KB to 44 KB a purchase. A file keeps the page size it was made with.
  const db = openDatabase(file, { synchronous: 'NORMAL', pageSize: SWITCH_PAGE_SIZE });
  try {
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const onDisk = file !== ':memory:';
  const wal = onDisk ? new WalSync(`${file}-wal`) : null;
  const checkpointer = opts.backgroundCheckpointMs && onDisk ? new Checkpointer(db, file, opts.backgroundCheckpointMs) : null;
  return {
    db,
    held: () => checkpointer?.held() ?? null,
    durable: () => (wal ? wal.sync() : Promise.resolve()),
    async close() {
      await checkpointer?.close();
      await wal?.close();
      if (db.open) {
        db.pragma('wal_checkpoint(PASSIVE)');
        db.close();
      }
    },
  };
}
