/**
 * Message traces and search references are written off the hot path: buffered in memory and
 * flushed in one SQLite transaction every few milliseconds (or when the buffer grows), so a
 * purchase never waits on trace I/O. Admin reads flush first, so what is shown is complete.
 */
import type { SwitchStore } from '../store';
import type { TraceRecord } from './model';

export class TraceWriter {
  private traces: TraceRecord[] = [];
  private refs: { txId: string; ref: string }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: SwitchStore,
    private readonly flushMs: number,
    private readonly maxBuffered = 2_000,
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

  private schedule(): void {
    if (this.traces.length + this.refs.length >= this.maxBuffered) return this.flush();
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.flushMs);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.traces.length === 0 && this.refs.length === 0) return;
    const traces = this.traces;
    const refs = this.refs;
    this.traces = [];
    this.refs = [];
    this.store.writeBatch(traces, refs);
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
