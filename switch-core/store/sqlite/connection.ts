/**
 * The SQLite store's connections: the file opened (better-sqlite3, WAL, 1 KB pages) and migrated,
 * then read on the main thread and written only by the writer thread (writer.ts), beside the
 * checkpointer's thread (checkpointer.ts). Each table family's queries (config.ts, meters.ts,
 * transactions.ts, advices.ts, health.ts) read through `db` and write through `write`.
 *
 * Reads on the main thread: a point query on this connection takes microseconds, where a round
 * trip to a thread would cost the event loop more than it saves; in WAL mode a reader never waits
 * for the writer, and a read begun after a write's acknowledgement sees that write (the commit is
 * in the WAL before the acknowledgement leaves the writer thread).
 */
import type Database from 'better-sqlite3';
import { openDatabase } from '../../../common/sqlite';
import { migrate } from '../migrations';
import { Checkpointer } from './checkpointer';
import { SqliteWriter } from './writer';
import type { WriteArg, WriteName, WriteResult } from './writes';

/** Page size of a new switch database (see openConnection). */
export const SWITCH_PAGE_SIZE = 1024;

export interface StoreOptions {
  /** Checkpoint the WAL from a background thread every this many ms (servers); off: SQLite's own auto-checkpoint. */
  backgroundCheckpointMs?: number;
}

export interface SqliteConnection {
  /** The main thread's connection: reads only (query_only), the writer thread makes every write. */
  readonly db: Database.Database;
  /**
   * Runs a write on the writer thread; resolves once it is committed — the store runs NORMAL, so a
   * commit survives a crash of the process — and, when `durable`, once an fdatasync of the WAL
   * begun after the commit has ended: a request about to leave for a provider, and which provider
   * it goes to, must survive a power cut too.
   */
  write<K extends WriteName>(name: K, arg: WriteArg<K>, durable?: boolean): Promise<WriteResult<K>>;
  /** fdatasyncs of the WAL that durable writes have waited for since the store opened. */
  syncs(): number;
  close(): Promise<void>;
}

export function openConnection(file: string, opts: StoreOptions = {}): SqliteConnection {
  if (file === ':memory:') throw new Error('the switch store needs a file: its writer thread opens the database again');
  // 1 KB pages: every commit writes each page it touched whole into the WAL, and a purchase touches
  // five B-trees on insert and grows its row on finish — 28.2 KB of WAL for a purchase's row and
  // answer with SQLite's default 4 KB pages, 10.2 KB with 1 KB (store test); disk writes under the
  // switch bench's load went from 95 KB to 44 KB a purchase. A file keeps the page size it was made with.
  const db = openDatabase(file, { synchronous: 'NORMAL', pageSize: SWITCH_PAGE_SIZE });
  try {
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  // A write on this thread would take the file's write lock from the writer thread: none is allowed.
  db.pragma('query_only = ON');
  const writer = new SqliteWriter(file);
  const checkpointer = opts.backgroundCheckpointMs ? new Checkpointer(writer, file, opts.backgroundCheckpointMs) : null;
  return {
    db,
    write: (name, arg, durable) => writer.write(name, arg, durable),
    syncs: () => writer.syncs,
    async close() {
      await checkpointer?.close();
      await writer.close();
      if (db.open) db.close();
    },
  };
}
