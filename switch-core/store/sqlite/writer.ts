/**
 * The main thread's side of the SQLite store's writer thread (writer.worker.ts): a write is posted
 * and its promise settles with the thread's acknowledgement — at the commit, or after the WAL's
 * fdatasync for a durable one. Writes made in one turn of the event loop go as one message (the
 * thread commits everything that arrived meanwhile as one group). A refused write rejects with
 * SQLite's own error (better-sqlite3's SqliteError and its code), as when writes ran here; a writer
 * thread that dies rejects what it held, and the next write starts another.
 */
import Database from 'better-sqlite3';
import type { MessagePort, Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../../common/module-worker';
import type { ToWriter, WriteFailure, WriteOp, WriterSetup, WritesDone } from './writer.worker';
import type { WriteArg, WriteName, WriteResult } from './writes';

interface Waiter {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/** A refused write's error as the caller would have got it from better-sqlite3 on this thread. */
function errorOf(f: WriteFailure): Error {
  if (f.code?.startsWith('SQLITE_')) return new Database.SqliteError(f.message, f.code);
  return Object.assign(new Error(f.message), f.code === undefined ? {} : { code: f.code });
}

export class SqliteWriter {
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private queue: WriteOp[] = [];
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private flushScheduled = false;
  /** The worker is ref'd: writes wait for it. */
  private busy = false;
  private closed = false;
  /** Settles when nothing posted waits for its acknowledgement (close waits for it). */
  private drained: { promise: Promise<void>; resolve: () => void } | null = null;
  /** fdatasyncs of the WAL that durable writes waited for, since the store opened. */
  syncs = 0;

  constructor(private readonly file: string) {
    this.start();
  }

  /** Resolves once the write is committed (durable: and on disk past a power cut); rejects with SQLite's error. */
  write<K extends WriteName>(name: K, arg: WriteArg<K>, durable = false): Promise<WriteResult<K>> {
    if (this.closed) return Promise.reject(new Error('the switch store is closed'));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.queue.push({ id, name, arg, durable });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Gives the checkpointer its channel to the writer thread (see checkpointer.ts). */
  linkCheckpointer(port: MessagePort): void {
    this.post({ kind: 'checkpointer', port }, [port]);
  }

  /** The checkpointer has ended: SQLite's own auto-checkpoint on the writer's connection takes over. */
  checkpointerEnded(): void {
    if (this.worker) this.post({ kind: 'autoCheckpoint' });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    if (this.waiting.size > 0) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.drained = { promise, resolve };
      await promise;
    }
    const worker = this.worker;
    if (!worker) return;
    this.post({ kind: 'stop' });
    // Bounded all the same: a writer not gone in 5 s is terminated (a transaction cut short is rolled back by SQLite).
    const bound = setTimeout(() => void worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(bound);
  }

  private start(): Worker {
    const setup: WriterSetup = { file: this.file };
    const worker = startModuleWorker(new URL('./writer.worker.ts', import.meta.url), 'switch-writer.worker.js', { workerData: setup });
    this.worker = worker;
    // It keeps the process alive only while a write waits for it (as a pending write on this thread would).
    worker.unref();
    this.busy = false;
    let failure: Error | null = null;
    worker.on('message', (m: WritesDone) => this.settle(m));
    worker.on('error', (err) => (failure = err));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (this.worker === worker) this.worker = null;
        // Whatever it held has an unknown fate: its callers get an error (a purchase is answered as failed, a batch is kept for the next).
        const why = new Error(`the switch database's writer stopped (${failure?.message ?? `exit code ${code}`})`);
        for (const w of this.waiting.values()) w.reject(why);
        this.waiting.clear();
        this.drained?.resolve();
        resolve();
      }),
    );
    return worker;
  }

  private post(m: ToWriter, transfer: MessagePort[] = []): void {
    (this.worker ?? this.start()).postMessage(m, transfer);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const ops = this.queue;
    this.queue = [];
    this.post({ kind: 'ops', ops });
    if (!this.busy) {
      this.busy = true;
      this.worker?.ref();
    }
  }

  private settle(m: WritesDone): void {
    if (m.synced) this.syncs++;
    for (const [id, value] of m.results) {
      this.waiting.get(id)?.resolve(value);
      this.waiting.delete(id);
    }
    for (const [id, failure] of m.failures) {
      this.waiting.get(id)?.reject(errorOf(failure));
      this.waiting.delete(id);
    }
    if (this.waiting.size > 0) return;
    this.busy = false;
    this.worker?.unref();
    this.drained?.resolve();
  }
}
