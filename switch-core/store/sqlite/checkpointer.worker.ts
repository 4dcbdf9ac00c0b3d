/**
 * The SQLite store's checkpointer, on a worker thread with a connection of its own (started by
 * checkpointer.ts): copying the WAL's pages into the database, and that copy's fsync, never stall
 * the event loop that serves purchases. Every `everyMs` it runs a passive checkpoint; once one
 * leaves at most `finishFrames` frames behind it asks the store to hold its hot writes ('pause'),
 * runs a last checkpoint while they are held ('paused'), and lets them go on ('resume') — the next
 * write then starts the WAL over instead of growing it (see checkpointer.ts for why).
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointerSetup {
  file: string;
  everyMs: number;
  finishFrames: number;
}
/** From the store: its writes are held ('paused'), or the checkpointer is to stop. */
export type ToCheckpointer = 'paused' | 'stop';
/** To the store: checkpoints are running ('ready'), hold the hot writes ('pause'), or let them go on ('resume'). */
export type FromCheckpointer = 'ready' | 'pause' | 'resume';

const port = parentPort;
if (!port) throw new Error('checkpointer.worker.ts runs as a worker thread (see checkpointer.ts)');
const setup = workerData as CheckpointerSetup;
const db = new Database(setup.file);
db.pragma('busy_timeout = 5000');
const say = (m: FromCheckpointer) => port.postMessage(m);

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
say('ready');
  if (r.log - r.checkpointed <= setup.finishFrames) return say('pause');
  later(10);
}

// A 'paused' already on its way when 'stop' arrives must not start the timers again: a worker with a
// timer running never exits, and the store's close waited for it for ever (CI caught it twice).
let stopped = false;
port.on('message', (m: ToCheckpointer) => {
  if (stopped) return;
  if (m === 'paused') {
    checkpoint();
    say('resume');
    later(setup.everyMs);
say('ready');
    return;
  }
  stopped = true;
  if (timer) clearTimeout(timer);
  db.close();
  port.close();
});
later(setup.everyMs);
say('ready');
