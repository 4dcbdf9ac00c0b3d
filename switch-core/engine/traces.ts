/**
 * Message traces, search references and other after-the-answer writes are written off the hot
 * path: buffered in memory and flushed every few milliseconds in small transactions (or at once
 * when the buffer grows), so a purchase never waits on trace I/O. Admin reads flush first, so
 * what is shown is complete.
 */
import type { SwitchStore } from '../store';
import type { TraceRecord } from './model';

export class TraceWriter {
  private traces: TraceRecord[] = [];
  private refs: { txId: string; ref: string }[] = [];
  private jobs: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: SwitchStore,
    private readonly flushMs: number,
    private readonly maxBuffered = 2_000,
    private readonly slice = 32,
  ) {}

  add(t: TraceRecord): void {
    if (this.closed) return;
    this.traces.push(t);
    this.schedule();
  }

  addRefs(txId: string, refs: readonly string[]): void {
    if (this.closed) return;
    for (const ref of refs) this.refs.push({ txId, ref });
    this.schedule();
  }

  /** A store write that may wait for the next batch (never one that must precede a send). */
  defer(job: () => void): void {
    if (this.closed) return job();
    this.jobs.push(job);
    this.schedule();
  }

  private schedule(): void {
    if (this.traces.length + this.refs.length + this.jobs.length >= this.maxBuffered) return this.flush();
    if (this.timer) return;
    this.timer = setTimeout(() => this.flushSlice(), this.flushMs);
    this.timer.unref?.();
  }

  /**
   * The timer's flush: at most `slice` rows of each kind per transaction, the rest on the next
   * turn of the event loop, so one big batch never holds up the requests waiting behind it.
   */
  private flushSlice(): void {
    this.timer = null;
    const traces = this.traces.splice(0, this.slice);
    const refs = this.refs.splice(0, this.slice);
    const jobs = this.jobs.splice(0, this.slice);
    if (traces.length + refs.length + jobs.length > 0) this.store.writeBatch(traces, refs, jobs);
    if (this.traces.length + this.refs.length + this.jobs.length > 0) {
      this.timer = setTimeout(() => this.flushSlice(), 0);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.traces.length === 0 && this.refs.length === 0 && this.jobs.length === 0) return;
    const traces = this.traces;
    const refs = this.refs;
    const jobs = this.jobs;
    this.traces = [];
    this.refs = [];
    this.jobs = [];
    this.store.writeBatch(traces, refs, jobs);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
