/**
 * Splits a printer's byte stream into jobs, as a printer does: a job ends at a cut, or where the
 * stream ends. Bounded and linear: bytes are kept only up to the job size cap, each byte is scanned
 * about once, and a job that passes the cap is refused once and skipped up to its cut.
 */
import { scanForCut } from './decode';
import { jobTooLarge, PRINT_LIMITS } from './limits';

/** Finds the end of the first cut at or after `from`, else where to scan again from (decode.ts's scanForCut). */
export type CutScanner = (input: Uint8Array, from: number) => { cutEnd: number } | { resumeAt: number };

export type FramedJob =
  | { kind: 'job'; bytes: Buffer; complete: boolean }
  | { kind: 'refused'; bytes: number; reason: string };

export class JobFramer {
  private buf = Buffer.alloc(4096);
  private len = 0;
  /** Offset in buf before which no cut can start. */
  private scanned = 0;
  /** The current job was refused: its bytes are dropped up to its cut. */
  private skipping = false;

  private readonly maxJobBytes: number;
  private readonly scan: CutScanner;

  /** `scan` is the command set's cut scanner (ESC/POS by default; a Star decoder passes its own). */
  constructor(opts: { maxJobBytes?: number; scan?: CutScanner } = {}) {
    this.maxJobBytes = opts.maxJobBytes ?? PRINT_LIMITS.maxJobBytes;
    this.scan = opts.scan ?? scanForCut;
  }

  /** Adds bytes; answers the jobs they complete (or refuse). */
  push(chunk: Uint8Array): FramedJob[] {
    const out: FramedJob[] = [];
    this.append(chunk);
    for (;;) {
      const view = this.buf.subarray(0, this.len);
      const found = this.scan(view, this.scanned);
      if ('cutEnd' in found) {
        if (found.cutEnd > this.maxJobBytes && !this.skipping) out.push(this.refuse(found.cutEnd));
        else if (!this.skipping) out.push({ kind: 'job', bytes: Buffer.from(view.subarray(0, found.cutEnd)), complete: true });
        this.skipping = false;
        this.drop(found.cutEnd);
        continue;
      }
      if (this.skipping) {
        // Refused already: keep only a command cut short, and not even that once it passes the cap.
        this.drop(this.len - found.resumeAt > this.maxJobBytes ? this.len : found.resumeAt);
      } else if (this.len > this.maxJobBytes) {
        out.push(this.refuse(this.len));
        this.skipping = true;
        this.drop(this.len);
      } else this.scanned = found.resumeAt;
      return out;
    }
  }

  /** The stream ended (connection closed, cable pulled): what was pending is a job without a cut. */
  end(): FramedJob | null {
    const job: FramedJob | null = !this.skipping && this.len > 0 ? { kind: 'job', bytes: Buffer.from(this.buf.subarray(0, this.len)), complete: false } : null;
    this.skipping = false;
    this.drop(this.len);
    return job;
  }

  private refuse(bytes: number): FramedJob {
    return { kind: 'refused', bytes, reason: jobTooLarge(bytes, this.maxJobBytes) };
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + chunk.length));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private drop(n: number): void {
    this.buf.copy(this.buf, 0, n, this.len);
    this.len -= n;
    this.scanned = 0;
    if (this.len === 0 && this.buf.length > 64 * 1024) this.buf = Buffer.alloc(4096);
  }
}
