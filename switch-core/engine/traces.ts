/**
 * Message traces, search references and the other after-the-answer writes (a lookup's finished
 * row, a provider's refreshed response time) are written off the hot path: buffered in memory and
 * written every few milliseconds in small batches, one after another, so a purchase never waits on
 * trace I/O. Admin reads flush first, so what is shown is complete. A batch the store refuses is
 * kept and written with the next one: nothing buffered is dropped.
 */
import type { NewTransaction, SwitchStore, TransactionOutcome, WriteBatch } from '../store/switch-store';
import type { TraceRecord } from './model';

type Buffers = { -readonly [K in keyof WriteBatch]: WriteBatch[K][number][] };

const emptyBuffers = (): Buffers => ({ traces: [], refs: [], finishedRows: [], outcomes: [], touches: [] });
const sizeOf = (b: Buffers) => b.traces.length + b.refs.length + b.finishedRows.length + b.outcomes.length + b.touches.length;

export class TraceWriter {
  private buf: Buffers = emptyBuffers();
  /**
   * The touches buffered, by meter and provider: a meter answered again before the batch moves its
   * buffered time instead of adding a row (under load, one meter's provider is touched hundreds of
   * times a batch, and only the last time is kept). Emptied whenever touches leave the buffer.
   */
  private touchOf = new Map<string, { meterId: string; providerId: string; at: string }>();
  /** Run once a batch holding a finished lookup row is written (the row is then the store's). */
  private afterWrite: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** The batches written so far, in order: the next one starts when this settles. */
  private writing: Promise<void> = Promise.resolve();
  lastError: string | null = null;

  constructor(
    private readonly store: SwitchStore,
    private readonly flushMs: number,
    private readonly maxBuffered = 2_000,
    private readonly slice = 32,
  ) {}

  add(t: TraceRecord): void {
    if (this.closed) return;
    this.buf.traces.push(t);
    this.schedule();
  }

  addRefs(txId: string, refs: readonly string[]): void {
    if (this.closed) return;
    for (const ref of refs) this.buf.refs.push({ txId, ref });
    this.schedule();
  }

  /** A transaction written once, already answered (a lookup), with its one provider call if it made one; `written` runs once it is stored. */
  addFinishedRow(tx: NewTransaction, outcome: TransactionOutcome, written: () => void, upstream?: TraceRecord): void {
    this.buf.finishedRows.push(upstream ? { tx, outcome, upstream } : { tx, outcome });
    this.afterWrite.push(written);
    this.schedule();
  }

  /** The outcome of a transaction whose row exists and which moved no money (a lookup), with its one provider call if it made one. */
  addOutcome(id: string, outcome: TransactionOutcome, upstream?: TraceRecord): void {
    this.buf.outcomes.push(upstream ? { id, outcome, upstream } : { id, outcome });
    this.schedule();
  }

  /** A provider's last-response time moved forward, nothing else. */
  addTouch(meterId: string, providerId: string, at: string): void {
    const key = `${meterId}\u0000${providerId}`;
    const buffered = this.touchOf.get(key);
    if (buffered) {
      if (at > buffered.at) buffered.at = at;
      return;
    }
    const touch = { meterId, providerId, at };
    this.touchOf.set(key, touch);
    this.buf.touches.push(touch);
    this.schedule();
  }

  private schedule(): void {
    if (sizeOf(this.buf) >= this.maxBuffered) {
      void this.flush();
      return;
    }
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flushSlice(), this.flushMs);
    this.timer.unref?.();
  }

  /**
   * The timer's flush: at most `slice` rows of each kind per batch, the rest on the next turn of
   * the event loop, so one big batch never holds up the requests waiting behind it.
   */
  private flushSlice(): void {
    this.timer = null;
    const b = this.buf;
    const part: Buffers = {
      traces: b.traces.splice(0, this.slice),
      refs: b.refs.splice(0, this.slice),
      finishedRows: b.finishedRows.splice(0, this.slice),
      outcomes: b.outcomes.splice(0, this.slice),
      touches: b.touches.splice(0, this.slice),
    };
    this.touchOf.clear();
    const after = this.afterWrite.splice(0, part.finishedRows.length);
    void this.write(part, after);
    if (sizeOf(this.buf) > 0) {
      this.timer = setTimeout(() => this.flushSlice(), 0);
      this.timer.unref?.();
    }
  }

  /** Writes everything buffered; resolves once it (and every batch before it) is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (sizeOf(this.buf) === 0) return this.writing;
    const part = this.buf;
    const after = this.afterWrite;
    this.buf = emptyBuffers();
    this.touchOf.clear();
    this.afterWrite = [];
    return this.write(part, after);
  }

  private write(part: Buffers, after: (() => void)[]): Promise<void> {
    if (sizeOf(part) === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      try {
        await this.store.writeBatch(part);
        this.lastError = null;
        for (const done of after) done();
      } catch (err) {
        // Kept for the next batch (a full disk frees up, a database comes back).
        this.lastError = err instanceof Error ? err.message : String(err);
        for (const k of Object.keys(part) as (keyof Buffers)[]) (this.buf[k] as unknown[]).unshift(...part[k]);
        this.afterWrite.unshift(...after);
        if (!this.closed && !this.timer) {
          this.timer = setTimeout(() => this.flushSlice(), Math.max(this.flushMs, 1_000));
          this.timer.unref?.();
        }
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
