/**
 * Splits a printer's byte stream into jobs, as a printer does: a job ends at a cut, or where the
 * stream ends. Bounded and linear: bytes are kept only up to the job size cap, each byte is scanned
 * about once and moved at most once per chunk (a chunk of a thousand cuts costs its length, not its
 * length a thousand times), a job that passes the cap is refused once and skipped up to its cut, and
 * the cuts past SEPARATE_JOBS_PER_PUSH in one arrival are page boundaries of one job — all but the
 * arrival's last cut, whose job (a slip right behind a flood) stays its own.
 */
import { scanForCuts } from './decode';
import { jobTooLarge, PRINT_LIMITS } from './limits';

/** Finds the ends of the cuts at or after `from`, and where to scan again from (decode.ts's scanForCuts). */
export type CutScanner = (input: Uint8Array, from: number) => { cutEnds: number[]; resumeAt: number };

/**
 * Jobs one arrival of bytes is split into before the rest is merged: the cuts past them end one job
 * holding all but the arrival's last job, and that one (so at most 10 jobs per arrival); a stream of
 * thousands of tiny jobs costs the printer a few jobs' work per read, not a job's per cut.
 */
export const SEPARATE_JOBS_PER_PUSH = 8;

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
    this.scan = opts.scan ?? scanForCuts;
  }

  /** Adds bytes; answers the jobs they complete (or refuse). */
  push(chunk: Uint8Array): FramedJob[] {
    const out: FramedJob[] = [];
    this.append(chunk);
    const view = this.buf.subarray(0, this.len);
    const found = this.scan(view, this.scanned);
    const cutEnds = found.cutEnds;
    let head = 0;
    /** Ends a job at `cutEnd` (or the refused one being skipped). */
    const endJob = (cutEnd: number) => {
      if (this.skipping) this.skipping = false;
      else if (cutEnd - head > this.maxJobBytes) out.push(this.refuse(cutEnd - head));
      else out.push({ kind: 'job', bytes: Buffer.from(view.subarray(head, cutEnd)), complete: true });
      head = cutEnd;
    };
    let k = 0;
    for (; k < cutEnds.length && out.length < SEPARATE_JOBS_PER_PUSH; k++) endJob(cutEnds[k]!);
    // More cuts than a till sends at once: those up to the arrival's last job are page boundaries of one
    // job; that last job stays its own — a slip sent right behind a flood of cuts prints as itself.
    if (k < cutEnds.length - 1) endJob(cutEnds[cutEnds.length - 2]!);
    if (k < cutEnds.length) endJob(cutEnds[cutEnds.length - 1]!);
    // What follows the last cut moves down once.
    this.drop(head);
    const resumeAt = found.resumeAt - head;
    if (this.skipping) {
      // Refused already: keep only a command cut short, and not even that once it passes the cap.
      this.drop(this.len - resumeAt > this.maxJobBytes ? this.len : resumeAt);
    } else if (this.len > this.maxJobBytes) {
      out.push(this.refuse(this.len));
      this.skipping = true;
      this.drop(this.len);
    } else this.scanned = resumeAt;
    return out;
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
