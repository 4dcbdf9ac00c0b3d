/**
 * PrintQueue: durable print jobs. A job is stored before it is sent and kept until printed; jobs
 * print in order, one at a time, and a job is marked printed only after every byte was written
 * and the printer closed the job cleanly. Failures (printer off, out of paper, stalled, unplugged)
 * leave the job failed with its last error, to be tried again by the next drain.
 *
 * Partial writes: when a connection breaks mid-job we cannot know how much reached the paper, so
 * the whole job is sent again later. The customer may hold a torn partial slip, but always gets a
 * complete one, and a complete job is never sent twice by the queue.
 */
import { randomUUID } from 'node:crypto';
import type { Transport } from '../transport';
import { PrintJobStore, type PrintJob } from './store';

export interface PrintQueueDeps {
  store: PrintJobStore;
  /** Called for each attempt so a changed printer setting takes effect at once. */
  transport: () => Transport;
  clock?: () => Date;
  newId?: () => string;
  /** Automatic attempts before a job waits for a manual retry (default 50). */
  maxAttempts?: number;
}

export interface DrainResult {
  printed: string[];
  failed: { id: string; error: string }[];
}

export class PrintQueue {
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly maxAttempts: number;
  private draining: Promise<DrainResult> | undefined;
  /** The drain that runs after the current one, shared by everyone who asked meanwhile. */
  private following: Promise<DrainResult> | undefined;

  constructor(private readonly deps: PrintQueueDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.maxAttempts = deps.maxAttempts ?? 50;
    deps.store.recoverInterrupted(this.now());
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /**
   * Stores the job (state queued); nothing is sent yet. With a key, asking again (after a crash,
   * say) returns the job already stored for that key, printed or not: one slip per key.
   */
  enqueue(bytes: Uint8Array, label: string, key?: string): PrintJob {
    return this.store(bytes, label, key, false);
  }

  private store(bytes: Uint8Array, label: string, key: string | undefined, withoutFlush: boolean): PrintJob {
    return this.deps.store.insert({ id: this.newId(), label, bytes, at: this.now(), ...(key === undefined ? {} : { key }) }, { withoutFlush });
  }

  /**
   * Stores then drains: the usual call after a sale. The job is stored without a flush of its own
   * (one disk flush less per slip): the drain ends it printed or failed, each a flushed commit that
   * carries the stored job to disk too, before this answers; a job the drain did not reach (one
   * before it failed) is flushed here. So whoever hears the answer can count on the job after a
   * power cut, as on one stored with a flush. Lost with a power cut before that: the printer has
   * not finished it, as with a job cut off in `printing`, and a sale slip the till owes is stored again
   * from its sale (slipsOwed).
   */
  async print(bytes: Uint8Array, label: string, key?: string): Promise<PrintJob> {
    const job = this.store(bytes, label, key, true);
    try {
      if (job.state !== 'printed') await this.drain();
    } finally {
      if (this.deps.store.get(job.id)?.state === 'queued') this.deps.store.flush(job.id, this.now());
    }
    return this.deps.store.get(job.id) as PrintJob;
  }

  byKey(key: string): PrintJob | undefined {
    return this.deps.store.byKey(key);
  }

  /** A failed job goes back to the queue with a fresh attempt count; then the queue drains. */
  async retry(jobId: string): Promise<PrintJob> {
    const job = this.deps.store.get(jobId);
    if (!job) throw new Error(`No print job ${jobId}`);
    if (job.state !== 'failed') throw new Error(`Print job ${jobId} is ${job.state}; only a failed job can be retried`);
    this.deps.store.requeue(jobId, this.now());
    await this.drain();
    return this.deps.store.get(jobId) as PrintJob;
  }

  /** A new job with the same bytes (the slip's REPRINT banner is the caller's business: see markReprint). */
  async reprint(jobId: string, bytes?: Uint8Array): Promise<PrintJob> {
    const job = this.deps.store.get(jobId);
    if (!job) throw new Error(`No print job ${jobId}`);
    const copy = this.deps.store.insert({ id: this.newId(), label: `reprint: ${job.label}`, bytes: bytes ?? job.bytes, at: this.now(), reprintOf: job.id });
    await this.drain();
    return this.deps.store.get(copy.id) as PrintJob;
  }

  jobs(): PrintJob[] {
    return this.deps.store.list();
  }

  get(jobId: string): PrintJob | undefined {
    return this.deps.store.get(jobId);
  }

  /**
   * Sends every due job in order; stops at the first failure so slips never print out of order.
   * Covers every job stored before the call: one asked for while a drain runs (whose list of due jobs
   * was read before this job existed) runs again after it, and answers both runs' results.
   */
  drain(): Promise<DrainResult> {
    // One drain at a time: two overlapping drains would send the same job twice.
    if (!this.draining) {
      this.draining = this.drainOnce().finally(() => {
        this.draining = undefined;
      });
      return this.draining;
    }
    const current = this.draining;
    this.following ??= current
      .catch((): DrainResult => ({ printed: [], failed: [] }))
      .then(async (first) => {
        this.following = undefined;
        const second = await this.drain();
        return { printed: [...first.printed, ...second.printed], failed: second.failed };
      });
    return this.following;
  }

  private async drainOnce(): Promise<DrainResult> {
    const result: DrainResult = { printed: [], failed: [] };
    const store = this.deps.store;
    for (const job of store.due(this.maxAttempts)) {
      const transport = this.deps.transport();
      const status = await transport.queryStatus();
      if (status.answered && !status.ready) {
        // Not sent at all: a printer out of paper would drop the bytes.
        store.markFailed(job.id, status.message, this.now(), true);
        result.failed.push({ id: job.id, error: status.message });
        break;
      }
      store.markPrinting(job.id, this.now());
      try {
        await transport.send(job.bytes);
        store.markPrinted(job.id, this.now());
        result.printed.push(job.id);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        store.markFailed(job.id, error, this.now());
        result.failed.push({ id: job.id, error });
        break;
      }
    }
    return result;
  }
}
