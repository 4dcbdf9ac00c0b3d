/**
 * The virtual printer on a worker thread of its own, as the till runs it: whatever a job does to
 * that thread (memory, time, a crash) stays there, and the till's back end keeps selling. The
 * thread's heap is capped; when it ends unexpectedly it is started again on the same port, and
 * the job list (kept here, fed by the thread) carries on.
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../common/module-worker';
import { JOBS_LISTED, type DrawerKick, type VirtualJob, type VirtualPrinter, type VirtualPrinterOptions, type VirtualStatus } from './virtual';
import type { Paper } from './layout';

export interface PrinterThreadInit {
  options: Omit<VirtualPrinterOptions, 'log'>;
  status: Partial<VirtualStatus>;
}
export type ToPrinterThread = { type: 'setStatus'; status: Partial<VirtualStatus> } | { type: 'setPaper'; paper: Paper } | { type: 'close' };
export type FromPrinterThread = { type: 'ready'; port: number } | { type: 'job'; job: VirtualJob } | { type: 'log'; line: string } | { type: 'drawer'; kick: DrawerKick };

/** The printer on its own thread: everything a VirtualPrinter does except serving a local stream. */
export type ThreadedVirtualPrinter = Omit<VirtualPrinter, 'attach'> & {
  /** The local socket it listens on instead of TCP (options.path), else null. */
  readonly path: string | null;
  /** How many times the thread ended unexpectedly and was started again. */
  restarts(): number;
  /**
   * Ends the printer's thread at once, as a crash would (a field tech's "restart the printer" for one
   * that hangs); the supervisor starts it again on the same port like after any crash.
   */
  endThread(): Promise<void>;
};

/** Heap of the printer's thread: far above what a job within the limits needs (see limits.ts). */
const HEAP_MB = 256;

export interface ThreadedVirtualPrinterOptions extends VirtualPrinterOptions {
  /** The thread's heap cap in MB (default 256); past it the thread ends and is started again. */
  heapMb?: number;
}
/** Restarts allowed per minute before the printer is left stopped (and says so). */
const MAX_RESTARTS_PER_MINUTE = 5;

function spawnPrinterThread(init: PrinterThreadInit, heapMb: number): Worker {
  const opts = { workerData: init, resourceLimits: { maxOldGenerationSizeMb: heapMb } };
  return startModuleWorker(new URL('./virtual-printer.worker.ts', import.meta.url), 'virtual-printer.worker.js', opts);
}

export async function startThreadedVirtualPrinter(opts: ThreadedVirtualPrinterOptions): Promise<ThreadedVirtualPrinter> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const jobs: VirtualJob[] = [];
  const listeners: ((j: VirtualJob) => void)[] = [];
  const kicks: DrawerKick[] = [];
  const drawerListeners: ((k: DrawerKick) => void)[] = [];
  const status: Partial<VirtualStatus> = {};
  let port = opts.port ?? 0;
  let worker: Worker;
  let closing = false;
  let alive = false;
  let restarts = 0;
  let paper = opts.paper;
  const recent: number[] = [];

  const start = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const w = spawnPrinterThread({ options: { host: opts.host, port, path: opts.path, outDir: opts.outDir, paper, commandSet: opts.commandSet, model: opts.model }, status: { ...status } }, opts.heapMb ?? HEAP_MB);
      worker = w;
      let ready = false;
      w.on('message', (m: FromPrinterThread) => {
        if (m.type === 'ready') {
          ready = true;
          alive = true;
          port = m.port;
          if (restarts > 0) log(`virtual printer thread started again on ${opts.path ?? `port ${port}`}`);
          resolve();
        } else if (m.type === 'log') log(m.line);
        else if (m.type === 'drawer') {
          kicks.push(m.kick);
          status.drawerOpen = true;
          for (const l of drawerListeners) l(m.kick);
        } else {
          jobs.push(m.job);
          if (jobs.length > JOBS_LISTED) jobs.shift();
          for (const l of listeners) l(m.job);
        }
      });
      w.on('error', (e) => log(`virtual printer thread failed: ${e.message}`));
      w.on('exit', (code) => {
        alive = false;
        if (!ready) return reject(new Error(`the virtual printer did not start (thread exit code ${code})`));
        if (closing) return;
        const now = Date.now();
        recent.push(now);
        while (recent.length > 0 && (recent[0] as number) < now - 60_000) recent.shift();
        if (recent.length > MAX_RESTARTS_PER_MINUTE) {
          log(`virtual printer stopped: its thread ended ${recent.length} times within a minute`);
          return;
        }
        restarts++;
        log(`virtual printer thread ended (exit code ${code}); starting it again on ${opts.path ?? `port ${port}`}`);
        start().catch((e: Error) => log(e.message));
      });
    });

  await start();
  return {
    get port() {
      return port;
    },
    path: opts.path ?? null,
    jobs: () => [...jobs],
    onJob: (cb) => listeners.push(cb),
    drawerKicks: () => [...kicks],
    onDrawer: (cb) => drawerListeners.push(cb),
    status: () => ({ paperOut: false, coverOpen: false, offline: false, answersDleEot: true, stalled: false, ...status }),
    setStatus: (s) => {
      Object.assign(status, s);
      worker.postMessage({ type: 'setStatus', status: s } satisfies ToPrinterThread);
    },
    setPaper: (p) => {
      paper = p; // a restarted thread keeps it
      worker.postMessage({ type: 'setPaper', paper: p } satisfies ToPrinterThread);
    },
    restarts: () => restarts,
    endThread: async () => {
      await worker.terminate();
    },
    close: async () => {
      closing = true;
      if (!alive) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage({ type: 'close' } satisfies ToPrinterThread);
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
