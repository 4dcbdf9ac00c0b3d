/**
 * The virtual printer: listens like a network printer (raw TCP, any port), on a local socket only
 * its owner may open (a Unix socket or a Windows named pipe), or sits at the far end of a serial line, answers DLE EOT status queries and GS a (automatic status back) from its simulated
 * state, and turns each job (bytes up to a cut, or up to the connection's close) into <n>.bin,
 * <n>.png, <n>.txt and <n>.json in outDir. A job past the limits (limits.ts) or one it cannot
 * print is listed as refused with the reason; nothing a job holds throws out of it. Job numbers
 * continue from the files already in outDir, so a restart never overwrites an earlier job.
 * It cannot be held or filled: a connection idle for idleTimeoutMs is closed, at most maxConnections
 * are open (when full, a newcomer takes the place of the connection idle longest, if idle a second),
 * and the job files kept are bounded in count and bytes — the oldest job's files go first, each drop
 * written to dropped.txt in outDir and logged.
 */
import { appendFileSync, chmodSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { decodeEscPos, type DecodedCommand } from './decode';
import { decodeStar, starScanForCuts } from './decode-star';
import { JobFramer, type FramedJob } from './job-framer';
import type { Paper } from './layout';
import { commandsRefusal, JobRefused, type JobRefusal } from './limits';
import { renderSlipPng, slipText } from './render';

/** Job files: the owner's alone. */
const PRIVATE = 0o600;
const isPipe = (path: string) => path.startsWith('\\\\.\\pipe\\') || path.startsWith('\\\\?\\pipe\\');

export interface VirtualStatus {
  paperOut: boolean;
  coverOpen: boolean;
  offline: boolean;
  /** False: DLE EOT stays unanswered (a printer set to report only by ASB). */
  answersDleEot: boolean;
  /** Accept connections but never read or answer: a printer that hangs. */
  stalled: boolean;
  /** Reset (destroy) each connection after this many bytes of a job: a cable pulled mid-job. */
  resetAfterBytes?: number;
  /** Paper near-end sensor: reported as a warning while it still prints. */
  paperLow?: boolean;
  /** Drawer-open sensor (pin 3): a drawer kick opens it, the cashier closes it (setStatus). */
  drawerOpen?: boolean;
}

export interface VirtualJob {
  n: number;
  /** When the job's last byte arrived (ISO time). */
  receivedAt: string;
  bytes: number;
  /** False when the connection ended without a cut (the paper would show a torn-off partial slip). */
  complete: boolean;
  /** The slip as text, or "Refused: <reason>". */
  text: string;
  /** Why the printer did not print it; null when it printed. */
  refused: string | null;
  /** The decoded commands; for a refused job the one entry saying why. */
  commands: DecodedCommand[] | [JobRefusal];
  files: { bin: string; png: string; txt: string; json: string };
}

export interface VirtualPrinterOptions {
  host?: string;
  port?: number;
  /**
   * Listen on this Unix socket (or Windows named pipe, `\\.\pipe\…`) instead of TCP: only processes
   * that may open the path reach the printer (the till's embedded printer, in its 0700 data folder).
   */
  path?: string;
  outDir: string;
  paper?: Paper;
  /** The command set it understands: an Epson (ESC/POS, default) or a Star in Star Line mode. */
  commandSet?: 'epson' | 'star';
  /** The model name it answers to GS I 67 (default: a common model for its command set and paper). */
  model?: string;
  /** Where a job that could not be saved (disk full, folder gone) is reported; default stderr. */
  log?: (line: string) => void;
  /** A TCP connection that sends nothing this long is closed (default 30 s). */
  idleTimeoutMs?: number;
  /** TCP connections open at once (default 16: a till holds one). */
  maxConnections?: number;
  /** When full, a new connection takes the place of the one idle longest if that one sent nothing this long (default 1 s). */
  evictIdleMs?: number;
  /** Job files kept in outDir (defaults: 500 jobs, 32 MB), the oldest dropped first. */
  keepJobs?: { count: number; bytes: number };
}

export interface DrawerKick {
  at: string;
  pin: 2 | 5;
  onMs: number;
}

export interface VirtualPrinter {
  /** The TCP port it listens on; 0 when it listens on a socket path. */
  port: number;
  jobs(): VirtualJob[];
  onJob(cb: (job: VirtualJob) => void): void;
  setStatus(s: Partial<VirtualStatus>): void;
  /** The paper the next jobs are rendered on (the till's paper-width setting). */
  setPaper(p: Paper): void;
  /** The simulated sensors and faults now. */
  status(): VirtualStatus;
  /** Drawer kicks received, in order. */
  drawerKicks(): DrawerKick[];
  onDrawer(cb: (kick: DrawerKick) => void): void;
  /** Serve a byte stream that stays open (e.g. the far end of a serial PTY). */
  attach(stream: Duplex): void;
  close(): Promise<void>;
}

const DEFAULT_MODELS = {
  epson: { '80mm': 'TM-T20III', '58mm': 'TM-m10' },
  star: { '80mm': 'TSP143IIIU', '58mm': 'mC-Print2' },
} as const;

const PRINTABLE = new Set(['text', 'barcode', 'qr', 'raster']);
/** Jobs kept in memory for the job list (the files stay on disk); the threaded printer's list too. */
export const JOBS_LISTED = 200;

const JOB_FILE = /^(\d+)\.(bin|png|txt|json)$/;
/** What a job's file takes on disk at least (a file system block), so thousands of tiny jobs count as what they fill. */
const BLOCK = 4096;
const onDisk = (bytes: number) => Math.max(BLOCK, Math.ceil(bytes / BLOCK) * BLOCK);

/** The job files already in dir: job number → bytes on disk, oldest first. */
function storedJobs(dir: string): Map<number, number> {
  const sizes = new Map<number, number>();
  for (const f of readdirSync(dir)) {
    const m = JOB_FILE.exec(f);
    if (m) sizes.set(Number(m[1]), (sizes.get(Number(m[1])) ?? 0) + onDisk(statSync(join(dir, f)).size));
  }
  return new Map([...sizes].sort((a, b) => a[0] - b[0]));
}

function reasonOf(e: unknown): string {
  if (e instanceof JobRefused) return e.reason;
  return `the printer could not print it (${e instanceof Error ? e.message : String(e)})`;
}

/** Epson DLE EOT n replies: fixed bits 0x12 plus the cause bits for the simulated state. */
export function statusByte(n: number, s: VirtualStatus): number {
  let v = 0x12;
  if (n === 1 && (s.offline || s.paperOut || s.coverOpen)) v |= 0x08;
  if (n === 1 && s.drawerOpen) v |= 0x04;
  if (n === 2) {
    if (s.coverOpen) v |= 0x04;
    if (s.paperOut) v |= 0x20;
  }
  if (n === 4 && s.paperOut) v |= 0x60;
  if (n === 4 && (s.paperLow || s.paperOut)) v |= 0x0c;
  return v;
}

/**
 * Epson ASB: four bytes, fixed bits 0x10 in the first and 0 in bit 4 of the others; offline and
 * cover open in byte 1, paper near-end/end (both sensor pairs) in byte 3.
 */
export function asbBytes(s: VirtualStatus): Buffer {
  let b1 = 0x10;
  if (s.offline || s.paperOut || s.coverOpen) b1 |= 0x08;
  if (s.coverOpen) b1 |= 0x20;
  if (s.drawerOpen) b1 |= 0x04;
  const b3 = s.paperOut ? 0x0f : s.paperLow ? 0x03 : 0x00;
  return Buffer.from([b1, 0x00, b3, 0x00]);
}

export async function startVirtualPrinter(opts: VirtualPrinterOptions): Promise<VirtualPrinter> {
  let paper = opts.paper ?? '80mm';
  const star = opts.commandSet === 'star';
  const decode = star ? decodeStar : decodeEscPos;
  const model = opts.model ?? DEFAULT_MODELS[opts.commandSet ?? 'epson'][paper];
  const maker = opts.commandSet === 'star' ? 'STAR' : 'EPSON';
  const kicks: DrawerKick[] = [];
  const drawerListeners: ((k: DrawerKick) => void)[] = [];
  const kick = (c: { pin: 2 | 5; onMs: number }): void => {
    const k: DrawerKick = { at: new Date().toISOString(), pin: c.pin, onMs: c.onMs };
    kicks.push(k);
    status.drawerOpen = true;
    for (const l of drawerListeners) l(k);
  };
  // A slip carries its tokens: the folder is its owner's alone (when this printer makes it), every file 0600.
  mkdirSync(opts.outDir, { recursive: true, mode: 0o700 });
  const status: VirtualStatus = { paperOut: false, coverOpen: false, offline: false, stalled: false, answersDleEot: true };
  const jobs: VirtualJob[] = [];
  const listeners: ((j: VirtualJob) => void)[] = [];
  const sockets = new Set<Duplex>();
  /** Streams that enabled ASB (GS a n, n ≠ 0): they are told of every status change. */
  const asbStreams = new Set<Duplex>();

  const log = opts.log ?? ((line: string) => console.error(line));
  const onError = (e: unknown) => log(`virtual printer: a job could not be saved: ${e instanceof Error ? e.message : String(e)}`);
  const keep = opts.keepJobs ?? { count: 500, bytes: 32 * 1024 * 1024 };
  const stored = storedJobs(opts.outDir);
  let storedBytes = [...stored.values()].reduce((a, b) => a + b, 0);
  let next = Math.max(0, ...stored.keys()) + 1;
  /** Counts a saved job's files, then drops the oldest jobs' files until the bounds hold again. */
  const account = (n: number, files: VirtualJob['files']): void => {
    const bytes = Object.values(files).reduce((sum, f) => {
      try {
        return sum + onDisk(statSync(f).size);
      } catch {
        return sum;
      }
    }, 0);
    stored.set(n, bytes);
    storedBytes += bytes;
    for (const [old, oldBytes] of stored) {
      if (stored.size <= keep.count && storedBytes <= keep.bytes) break;
      if (old === n) break;
      for (const ext of ['bin', 'png', 'txt', 'json']) rmSync(join(opts.outDir, `${old}.${ext}`), { force: true });
      stored.delete(old);
      storedBytes -= oldBytes;
      const line = `${new Date().toISOString()} job ${old} dropped (${oldBytes} bytes): over ${keep.count} jobs or ${keep.bytes} bytes kept`;
      appendFileSync(join(opts.outDir, 'dropped.txt'), line + '\n', { mode: PRIVATE });
      log(`virtual printer: ${line}`);
    }
  };
  const claim = (): { n: number; files: VirtualJob['files'] } => {
    for (;;) {
      const n = next++;
      const base = join(opts.outDir, String(n));
      const files = { bin: `${base}.bin`, png: `${base}.png`, txt: `${base}.txt`, json: `${base}.json` };
      try {
        writeFileSync(files.txt, '', { flag: 'wx', mode: PRIVATE }); // claims n: another printer on this folder skips it
        return { n, files };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
  };
  const list = (job: VirtualJob): void => {
    jobs.push(job);
    if (jobs.length > JOBS_LISTED) jobs.shift();
    for (const l of listeners) l(job);
  };
  const refuse = (bytes: number, reason: string, complete: boolean, raw?: Buffer): void => {
    const { n, files } = claim();
    const commands: [JobRefusal] = [{ op: 'refused', reason }];
    const text = `Refused: ${reason}`;
    writeFileSync(files.txt, text + '\n', { mode: PRIVATE });
    writeFileSync(files.json, JSON.stringify(commands, null, 1), { mode: PRIVATE });
    if (raw) writeFileSync(files.bin, raw, { mode: PRIVATE });
    account(n, files);
    list({ n, receivedAt: new Date().toISOString(), bytes, complete, text, refused: reason, commands, files });
  };
  const print = (bytes: Buffer, complete: boolean): void => {
    const commands = decode(bytes);
    const refusal = commandsRefusal(commands);
    if (refusal) return refuse(bytes.length, refusal, complete, bytes);
    if (!commands.some((c) => PRINTABLE.has(c.op))) return; // status polls and bare resets print nothing
    let text: string;
    let png: Buffer;
    try {
      text = slipText(commands, { paper });
      png = renderSlipPng(commands, { paper });
    } catch (e) {
      return refuse(bytes.length, reasonOf(e), complete, bytes);
    }
    const { n, files } = claim();
    writeFileSync(files.bin, bytes, { mode: PRIVATE });
    writeFileSync(files.png, png, { mode: PRIVATE });
    writeFileSync(files.txt, text, { mode: PRIVATE });
    writeFileSync(files.json, JSON.stringify(commands, null, 1), { mode: PRIVATE });
    account(n, files);
    list({ n, receivedAt: new Date().toISOString(), bytes: bytes.length, complete, text, refused: null, commands, files });
  };
  /** Prints or refuses one framed job; a failure to save it is reported, never thrown into the socket. */
  const save = (job: FramedJob | null): void => {
    if (!job) return;
    try {
      if (job.kind === 'refused') refuse(job.bytes, job.reason, false);
      else print(job.bytes, job.complete);
    } catch (e) {
      onError(e);
    }
  };

  const serve = (stream: Duplex, closesEndJob: boolean): void => {
    sockets.add(stream);
    if (status.stalled) {
      // Hangs: reads nothing, answers nothing, prints nothing.
      stream.pause();
      stream.on('error', () => undefined);
      stream.on('close', () => sockets.delete(stream));
      return;
    }
    const framer = new JobFramer(star ? { scan: starScanForCuts } : {});
    let received = 0;
    let dropped = false;
    stream.on('data', (chunk: Buffer) => {
      if (dropped) return;
      received += chunk.length;
      // Answer status queries at once, as a real printer does even while busy; a sender that
      // floods queries without reading the answers gets no more once 4 KB of them wait.
      for (let k = 0; k + 2 < chunk.length && stream.writableLength < 4096; k++) {
        if (chunk[k] === 0x10 && chunk[k + 1] === 0x04 && status.answersDleEot) stream.write(Buffer.from([statusByte(chunk[k + 2] as number, status)]));
        // A drawer kick acts at once, as on a real printer, also on a line that stays open.
        if (chunk[k] === 0x1b && (chunk[k + 1] === (star ? 0x07 : 0x70)) && k + 4 < chunk.length) {
          const [c] = decode(chunk.subarray(k, k + 5));
          if (c?.op === 'drawer') kick(c);
        }
        if (chunk[k] === 0x1d && chunk[k + 1] === 0x49 && (chunk[k + 2] === 0x42 || chunk[k + 2] === 0x43)) {
          stream.write(Buffer.from(`_${chunk[k + 2] === 0x42 ? maker : model}\0`, 'latin1'));
        }
        if (chunk[k] === 0x1d && chunk[k + 1] === 0x61) {
          // Enabling ASB makes the printer send its status at once (Epson), then on every change.
          if (chunk[k + 2] === 0) asbStreams.delete(stream);
          else {
            asbStreams.add(stream);
            stream.write(asbBytes(status));
          }
        }
      }
      if (status.resetAfterBytes !== undefined && received > status.resetAfterBytes) {
        dropped = true;
        const kept = chunk.subarray(0, Math.max(0, chunk.length - (received - status.resetAfterBytes)));
        for (const job of framer.push(kept)) save(job);
        save(framer.end()); // what reached the paper before the reset
        if (stream instanceof net.Socket) stream.resetAndDestroy();
        else stream.destroy();
        return;
      }
      // A printer that is out of paper, open or offline drops the data it cannot print.
      if (status.paperOut || status.coverOpen || status.offline) return;
      for (const job of framer.push(chunk)) save(job);
    });
    const finish = () => {
      if (!dropped) save(framer.end());
    };
    stream.on('end', () => {
      finish();
      if (closesEndJob) stream.end();
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      finish();
      sockets.delete(stream);
      asbStreams.delete(stream);
    });
  };

  const maxConnections = opts.maxConnections ?? 16;
  const evictIdleMs = opts.evictIdleMs ?? 1_000;
  /** Open connections and when each last sent a byte. */
  const lastSent = new Map<net.Socket, number>();
  const server = net.createServer((socket) => {
    if (lastSent.size >= maxConnections) {
      // Full: the connection idle longest gives its place, if it has been idle a while; else the newcomer is refused.
      let idlest: net.Socket | null = null;
      let since = Infinity;
      for (const [s, t] of lastSent) if (t < since) [idlest, since] = [s, t];
      if (!idlest || Date.now() - since < evictIdleMs) return socket.destroy();
      idlest.destroy();
      lastSent.delete(idlest);
    }
    lastSent.set(socket, Date.now());
    socket.on('data', () => lastSent.set(socket, Date.now()));
    socket.on('close', () => lastSent.delete(socket));
    // A connection that sends nothing (a hung or hostile client) gives its place back.
    socket.setTimeout(opts.idleTimeoutMs ?? 30_000, () => socket.destroy());
    serve(socket, true);
  });
  const path = opts.path;
  // A socket file left by a printer that ended (a crashed thread) would refuse the new one.
  if (path && !isPipe(path)) rmSync(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (path) server.listen(path, () => resolve());
    else server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  if (path && !isPipe(path)) chmodSync(path, PRIVATE);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    jobs: () => [...jobs],
    onJob: (cb) => listeners.push(cb),
    setPaper: (p) => {
      paper = p;
    },
    setStatus: (s) => {
      Object.assign(status, s);
      for (const stream of asbStreams) stream.write(asbBytes(status));
    },
    drawerKicks: () => [...kicks],
    onDrawer: (cb) => drawerListeners.push(cb),
    status: () => ({ ...status }),
    attach: (stream) => serve(stream, false),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
