/**
 * The SQLite store's checkpointer, on a worker thread with a connection of its own (started by
 * checkpointer.ts): copying the WAL's pages into the database, and that copy's fsync, run beside
 * the writer thread's commits, never in their way. Every `everyMs` it runs a passive checkpoint;
 * once one leaves at most `finishFrames` frames behind, it asks the writer thread for the last,
 * short one ('finish'), which that thread runs between two of its groups so the next group starts
 * the WAL over instead of growing it (see checkpointer.ts for why).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { FromCheckpointer } from './writer.worker';

export interface CheckpointerSetup {
  file: string;
  everyMs: number;
  finishFrames: number;
  /** Its channel to the writer thread (writer.worker.ts). */
  writer: MessagePort;
}
/** From the store: the checkpointer is to stop. */
export type ToCheckpointer = 'stop';

const port = parentPort;
if (!port) throw new Error('checkpointer.worker.ts runs as a worker thread (see checkpointer.ts)');
const setup = workerData as CheckpointerSetup;
const db = new Database(setup.file);
db.pragma('busy_timeout = 5000');
const tell = (m: FromCheckpointer) => setup.writer.postMessage(m);

/** A checkpoint's frame counts, or null when it could not run (busy, or the file went away): the next tick tries again. */
function checkpoint(): { log: number; checkpointed: number } | null {
  try {
    return (db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[])[0] ?? null;
  } catch {
    return null;
  }
}

let timer: NodeJS.Timeout | null = null;
const later = (ms: number) => {
  timer = setTimeout(tick, ms);
};

function tick(): void {
  timer = null;
  const r = checkpoint();
  if (!r || r.log === 0) return later(setup.everyMs);
  if (r.log - r.checkpointed > setup.finishFrames) return later(10);
  tell('finish');
  later(setup.everyMs);
}

port.on('message', (m: ToCheckpointer) => {
  if (m !== 'stop') return;
  if (timer) clearTimeout(timer);
  timer = null;
  db.close();
  setup.writer.close();
  port.close();
});
// Checkpoints run from here on: the writer's connection stops running its own.
tell('ready');
later(setup.everyMs);
