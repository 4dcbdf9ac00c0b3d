/**
 * Checkpoints the SQLite store's WAL from a worker thread (checkpointer.worker.ts) with its own
 * connection, so copying pages into the database and its fsync never stall the event loop that
 * serves purchases (the main connection's auto-checkpoint is off). A checkpoint running beside a
 * busy writer never catches up with it, and SQLite starts the WAL over only once every frame is
 * copied: under steady load the WAL grew by 15 MB/s and every fdatasync of it also waited for an
 * ext4 journal commit of its new size. So once a checkpoint leaves few frames behind, the worker
 * asks the store to hold its hot writes for the moment a last checkpoint takes; the next write
 * starts the WAL over, and it is overwritten in place from then on. Until the worker runs (loading
 * it from TypeScript source takes a second or so) and after it has ended, SQLite's own
 * auto-checkpoint on the store's connection keeps the WAL short.
 */
import type Database from 'better-sqlite3';
import { startModuleWorker } from '../../../common/module-worker';
import type { CheckpointerSetup, FromCheckpointer, ToCheckpointer } from './checkpointer.worker';

/** A checkpoint leaving at most this many frames behind is finished with the store's writes held. */
const FINISH_FRAMES = 500;
/** The longest the hot writes are held for a checkpoint to finish: past it they go on regardless. */
const MAX_HOLD_MS = 50;

export class Checkpointer {
  private worker: ReturnType<typeof startModuleWorker> | null;
  /** Settles when the worker has exited, however it ended (close must not wait for an exit that has already happened). */
  private readonly exited: Promise<void>;
  /** Set while a checkpoint finishes with the hot writes held, with what ends the hold. */
  private heldWrites: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private holdBound: NodeJS.Timeout | null = null;

  constructor(db: Database.Database, file: string, everyMs: number) {
    const autoCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    const setup: CheckpointerSetup = { file, everyMs, finishFrames: FINISH_FRAMES };
    const worker = startModuleWorker(new URL('./checkpointer.worker.ts', import.meta.url), 'switch-checkpointer.worker.js', { workerData: setup });
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: FromCheckpointer) => {
      if (m === 'ready') return void db.pragma('wal_autocheckpoint = 0');
      if (m === 'resume') return this.releaseWrites();
      // The store's writes are synchronous: none is half done while this message is handled.
      this.heldWrites = new Promise((resolve) => (this.release = resolve));
      this.holdBound = setTimeout(() => this.releaseWrites(), MAX_HOLD_MS);
      this.holdBound.unref();
      worker.postMessage('paused' satisfies ToCheckpointer);
    });
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
        this.releaseWrites();
        resolve();
      }),
    );
    worker.on('error', (err) => {
      // A checkpointer that died leaves the checkpoints to SQLite's own, on the event loop: the store works on.
      process.emitWarning(`the switch database's checkpointer stopped: ${err.message}`);
    });
  }

  /** While a checkpoint finishes: what a hot write waits for first. Null when writes may go ahead. */
  held(): Promise<void> | null {
    return this.heldWrites;
  }

  private releaseWrites(): void {
    const release = this.release;
    // An earlier hold's bound must not cut a later hold short.
    if (this.holdBound) clearTimeout(this.holdBound);
    this.holdBound = null;
    this.heldWrites = null;
    this.release = null;
    release?.();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.releaseWrites();
    if (!worker) return;
    worker.postMessage('stop' satisfies ToCheckpointer);
    // Bounded all the same: a checkpointer not gone in 5 s is terminated (a checkpoint cut short is
    // safe by SQLite's design; the next one copies the same frames again).
    const bound = setTimeout(() => void worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(bound);
  }
}
