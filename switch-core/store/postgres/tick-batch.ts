/**
 * Statements of one kind that arrive in the same turn of the event loop go to PostgreSQL as one.
 * Under load a switch node begins and finishes many sales per turn; each statement sent alone costs
 * a round trip, a socket write on the event loop (the largest single cost the profile showed on
 * PostgreSQL) and, on the durable pool, a commit with its WAL flush. Items wait at most until the
 * turn's I/O is done (setImmediate), or, while `maxInFlight` of their statements are under way, until
 * one of them returns: the queue grows into the next statement, as a group commit would.
 */

/** Each item's own result: one item's refusal (a reused id) is its caller's alone. */
export type Settled<R> = { value: R } | { error: unknown };

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class TickBatch<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private scheduled = false;
  private inFlight = 0;

  /** `send` answers every item it is given, in order, and never throws (a failure is every item's error). */
  constructor(
    private readonly send: (items: readonly T[]) => Promise<Settled<R>[]>,
    private readonly maxInFlight: number,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    if (this.waiting.length === 0 || this.inFlight >= this.maxInFlight) return;
    const batch = this.waiting;
    this.waiting = [];
    this.inFlight++;
    void this.send(batch.map((w) => w.item))
      .then(
        (results) => batch.forEach((w, i) => settle(w, results[i] ?? { error: new Error('no result for a batched statement') })),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        this.inFlight--;
        this.flush();
      });
  }
}

function settle<T, R>(w: Waiting<T, R>, s: Settled<R>): void {
  if ('error' in s) w.reject(s.error);
  else w.resolve(s.value);
}
