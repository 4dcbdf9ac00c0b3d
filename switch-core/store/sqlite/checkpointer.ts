/**
 * Checkpoints the SQLite store's WAL from a worker thread (checkpointer.worker.ts) with its own
 * connection, so copying pages into the database and its fsync never hold up the writer thread's
 * commits (writer.worker.ts; that connection's auto-checkpoint is off while this runs). A
 * checkpoint running beside a busy writer never catches up with it, and SQLite starts the WAL over
 * only once every frame is copied: under steady load the WAL grew by 15 MB/s and every fdatasync
 * of it also waited for an ext4 journal commit of its new size. So once a checkpoint leaves few
 * frames behind, the checkpointer asks the writer thread, over a channel of their own, to run the
 * last one between two groups of writes; the next group starts the WAL over, and it is overwritten
 * in place from then on. The event loop takes no part: no write of the main thread is ever held.
 * Until the worker runs and after it has ended, SQLite's own auto-checkpoint on the writer's
 * connection keeps the WAL short.
 */
import { MessageChannel } from 'node:worker_threads';
import { startModuleWorker } from '../../../common/module-worker';
import type { CheckpointerSetup, ToCheckpointer } from './checkpointer.worker';
import type { SqliteWriter } from './writer';

/**
 * A checkpoint leaving at most this many frames (1 KB pages) behind is finished by the writer
 * thread: its writes wait while it copies them and syncs the database (5–30 ms measured under a
 * store test's writes that never pause). 500, when the event loop was what waited, left the
 * checkpointer chasing a writer that no longer waits for the main thread.
 */
const FINISH_FRAMES = 4_000;

export class Checkpointer {
  private worker: ReturnType<typeof startModuleWorker> | null;
  /** Settles when the worker has exited, however it ended (close must not wait for an exit that has already happened). */
  private readonly exited: Promise<void>;

  constructor(writer: SqliteWriter, file: string, everyMs: number) {
    const channel = new MessageChannel();
    writer.linkCheckpointer(channel.port1);
    const setup: CheckpointerSetup = { file, everyMs, finishFrames: FINISH_FRAMES, writer: channel.port2 };
    const worker = startModuleWorker(new URL('./checkpointer.worker.ts', import.meta.url), 'switch-checkpointer.worker.js', {
      workerData: setup,
      transferList: [channel.port2],
    });
    this.worker = worker;
    worker.unref();
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        writer.checkpointerEnded();
        resolve();
      }),
    );
    worker.on('error', (err) => {
      // A checkpointer that died leaves the checkpoints to SQLite's own, on the writer thread: the store works on.
      process.emitWarning(`the switch database's checkpointer stopped: ${err.message}`);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    worker.postMessage('stop' satisfies ToCheckpointer);
    // Bounded all the same: a checkpointer not gone in 5 s is terminated (a checkpoint cut short is
    // safe by SQLite's design; the next one copies the same frames again).
    const bound = setTimeout(() => void worker.terminate(), 5_000);
    await this.exited;
    clearTimeout(bound);
  }
}
