/**
 * The SQLite store's writer, on a worker thread with the one connection that writes (started by
 * writer.ts): the main thread posts writes and awaits their acknowledgement, so no commit, WAL
 * append or fsync runs on the event loop that serves tills. Group commit: every write that arrived
 * while the last group was being committed goes in the next one — one transaction, each write in a
 * savepoint of its own so one refused write (a reused id) fails alone — and, when any of them must
 * survive a power cut, an fdatasync of the WAL begun after the commit. Writes that need only survive a
 * crash of the process are acknowledged at the commit, before that fsync; the others after it. With
 * other writes already posted, the fsync runs on libuv's pool while this thread commits them (one
 * fsync at a time: the groups committed meanwhile share the next), so a write that needs no fsync — a
 * purchase's answer — never waits behind another purchase's; with none, it runs on this thread (see
 * syncWal).
 *
 * It also runs the last, short checkpoint the checkpointer asks for ('finish', checkpointer.ts):
 * between two groups, so no write of this store runs beside it, and the next group starts the WAL
 * over instead of growing it.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { openDatabase } from '../../../common/sqlite';
import { prepareWrites, type WriteName } from './writes';

export interface WriterSetup {
  file: string;
}
export interface WriteOp {
  id: number;
  name: WriteName;
  arg: unknown;
  /** Acknowledged only once an fdatasync of the WAL begun after its commit has ended. */
  durable: boolean;
}
/** A refused write, as the main thread rebuilds it (SQLite's error code kept: SQLITE_CONSTRAINT_PRIMARYKEY, SQLITE_FULL, EIO…). */
export interface WriteFailure {
  message: string;
  code?: string;
}
export type ToWriter =
  | { kind: 'ops'; ops: WriteOp[] }
  /** The checkpointer's end of a channel to this thread (it sends 'ready' and 'finish' over it). */
  | { kind: 'checkpointer'; port: MessagePort }
  /** The checkpointer has ended: SQLite's own auto-checkpoint on this connection takes over again. */
  | { kind: 'autoCheckpoint' }
  | { kind: 'stop' };
/** What the checkpointer sends: it runs ('ready': this connection's auto-checkpoint off), or a last checkpoint is due ('finish'). */
export type FromCheckpointer = 'ready' | 'finish';
export interface WritesDone {
  /** Each write's id and its result. */
  results: [number, unknown][];
  failures: [number, WriteFailure][];
  /** These writes waited for an fdatasync of the WAL. */
  synced: boolean;
}

const port = parentPort;
if (!port) throw new Error('writer.worker.ts runs as a worker thread (see writer.ts)');
const { file } = workerData as WriterSetup;
const db = openDatabase(file, { synchronous: 'NORMAL' });
const autoCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
const writes = prepareWrites(db);
// Each write in a savepoint of the group's transaction (better-sqlite3 nests a transaction function as one).
const inSavepoint = new Map(Object.entries(writes).map(([name, fn]) => [name, db.transaction(fn as (arg: unknown) => unknown)]));
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');

/**
 * With the checkpointer running, this connection's own auto-checkpoint is only a backstop: for a
 * checkpointer that falls behind (starved of CPU on a busy machine), it bounds the WAL at about
 * 10 MB; the checkpointer's copies leave it little to do when it runs.
 */
const BACKSTOP_FRAMES = 10_000;

const failureOf = (err: unknown): WriteFailure => {
  const e: Error & { code?: unknown } = err instanceof Error ? err : new Error(String(err));
  return typeof e.code === 'string' ? { message: e.message, code: e.code } : { message: e.message };
};

/** The WAL, opened for its fsyncs once it exists (SQLite keeps the same file while any connection is open). */
let walFd: number | null = null;
/** Committed durable writes waiting for an fdatasync begun after their commit. */
let unsynced: { id: number; value: unknown }[] = [];
/** The fdatasync under way, if any: it may not cover a commit made after it began. */
let syncing: Promise<void> | null = null;

function closeWal(): void {
  if (walFd !== null) closeSync(walFd);
  walFd = null;
}

/** Acknowledges durable writes once their fdatasync has ended (or fails them with its error). */
function acknowledgeSynced(batch: readonly { id: number; value: unknown }[], err: unknown): void {
  if (err) closeWal();
  port!.postMessage(
    err
      ? ({ results: [], failures: batch.map((w) => [w.id, failureOf(err)]), synced: false } satisfies WritesDone)
      : ({ results: batch.map((w) => [w.id, w.value]), failures: [], synced: true } satisfies WritesDone),
  );
}

/**
 * Starts an fdatasync of the WAL for every durable write committed so far, unless one runs: its end
 * starts the next. With nothing else to write, it runs here, on this thread: a trip to libuv's
 * pool and back would add two thread wake-ups to a purchase's wait for no overlap; with writes
 * waiting, it runs on the pool while this thread commits them.
 */
function syncWal(): void {
  if (syncing || unsynced.length === 0) return;
  const batch = unsynced;
  unsynced = [];
  // Writes already posted are taken now; anything else posted (a stop, the checkpointer's channel) waits for this fsync to be under way.
  const posted = receiveMessageOnPort(port!)?.message as ToWriter | undefined;
  let later: ToWriter | undefined;
  if (posted?.kind === 'ops') onMessage(posted);
  else later = posted;
  try {
    walFd ??= openSync(`${file}-wal`, 'r');
    const fd = walFd;
    if (pending.length === 0) {
      // fdatasync: the WAL's frames and length, not its timestamps — SQLite's own choice on Linux.
      fdatasyncSync(fd);
      acknowledgeSynced(batch, null);
    } else {
      syncing = new Promise<void>((done) => {
        fdatasync(fd, (err) => {
          acknowledgeSynced(batch, err);
          syncing = null;
          done();
          syncWal();
        });
      });
    }
  } catch (err) {
    acknowledgeSynced(batch, err);
  }
  if (later) onMessage(later);
}

let pending: WriteOp[] = [];
let scheduled = false;

/** Begins the group's transaction: null, or why it could not (another process holds the write lock past the busy timeout, a damaged file). */
function tryBegin(): unknown {
  try {
    begin.run();
    return null;
  } catch (err) {
    return err ?? new Error('BEGIN failed');
  }
}

function tryRollback(): void {
  try {
    rollback.run();
  } catch {
    // SQLite ended the transaction itself meanwhile: nothing is left to roll back.
  }
}

/** Commits every write that arrived since the last group, then acknowledges them. */
function commitGroup(): void {
  scheduled = false;
  const ops = pending;
  pending = [];
  if (ops.length === 0) return;
  const failures: [number, WriteFailure][] = [];
  const fail = (list: readonly WriteOp[], err: unknown) => {
    for (const op of list) failures.push([op.id, failureOf(err)]);
  };
  let applied: { op: WriteOp; value: unknown }[] = [];
  let notBegun = tryBegin();
  for (const op of ops) {
    if (notBegun !== null) {
      fail([op], notBegun);
      continue;
    }
    try {
      applied.push({ op, value: inSavepoint.get(op.name)!(op.arg) });
    } catch (err) {
      fail([op], err);
      if (!db.inTransaction) {
        // SQLite rolled the whole transaction back (a full disk, an I/O error): the writes before it are gone too.
        fail(applied.map((a) => a.op), err);
        applied = [];
        notBegun = tryBegin();
      }
    }
  }
  if (notBegun === null) {
    try {
      commit.run();
    } catch (err) {
      // A commit refused (a full disk, an I/O error) leaves nothing of the group: roll it back, or find it gone.
      if (db.inTransaction) tryRollback();
      fail(applied.map((a) => a.op), err);
      applied = [];
    }
  }
  const durable = applied.filter((a) => a.op.durable);
  const plain = applied.filter((a) => !a.op.durable);
  if (plain.length > 0 || failures.length > 0) port!.postMessage({ results: plain.map((a) => [a.op.id, a.value]), failures, synced: false } satisfies WritesDone);
  for (const a of durable) unsynced.push({ id: a.op.id, value: a.value });
  syncWal();
}

/** The checkpoint that finishes what the checkpointer began: no write runs beside it, so the next one starts the WAL over. */
function finishCheckpoint(): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or interrupted: the checkpointer asks again on a later tick.
  }
}

let checkpointer: MessagePort | null = null;
port.on('message', onMessage);

function onMessage(m: ToWriter): void {
  if (m.kind === 'ops') {
    for (const op of m.ops) pending.push(op);
    // Messages that arrived while a group was committed are all delivered before the immediate
    // runs: they are the next group.
    if (!scheduled) {
      scheduled = true;
      setImmediate(commitGroup);
    }
    return;
  }
  if (m.kind === 'checkpointer') {
    checkpointer = m.port;
    checkpointer.on('message', (c: FromCheckpointer) => (c === 'ready' ? void db.pragma(`wal_autocheckpoint = ${BACKSTOP_FRAMES}`) : finishCheckpoint()));
    return;
  }
  if (m.kind === 'autoCheckpoint') {
    checkpointer?.close();
    checkpointer = null;
    db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
    return;
  }
  // Stop: what was posted before it is written first, and on disk.
  commitGroup();
  checkpointer?.close();
  void stopWhenSynced();
}

async function stopWhenSynced(): Promise<void> {
  while (syncing) await syncing;
  closeWal();
  db.close();
  port!.close();
}

