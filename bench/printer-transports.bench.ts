/**
 * A 10-slip burst through each printer transport that runs on this machine — TCP (raw 9100), a
 * printer device file (a socat PTY standing in for /dev/usb/lp0), a serial port (PTY) and a CUPS
 * raw queue (a private cupsd whose backend writes to a file) — in bytes/s, each beside a plain
 * socket write / fs.write of the same bytes to the same kind of endpoint. Target: every transport
 * delivers the burst at ≥ 20 KB/s, several times what a thermal printer prints (about 10 KB/s for
 * an 80 mm slip at 250 mm/s); the overhead over the plain write is shown, not judged. A transport
 * whose tool is missing here (socat, CUPS) fails its row, saying what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync, constants } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTransport, encodeEscPos, layoutSlip, type PrinterConfig } from '../printer/index';
import { cupsUnavailable, startPrivateCups } from '../printer/test/cups';
import { hasSocat } from '../printer/test/pty';
import { SAMPLES } from '../printer/test/samples';
import { atLeast, missing, type TargetCheck } from './targets';

const TARGET_BYTES_PER_S = 20 * 1024;
const names = ['std', 'bsst', 'kc', 'debt', 'pending', 'reprint', 'slipdata', 'std', 'pending', 'std'];
const slips = names.map((n) => encodeEscPos(layoutSlip(SAMPLES[n]!, { paper: '80mm' }), { commandSet: 'epson' }));
const total = slips.reduce((s, b) => s + b.length, 0);

interface Row {
  name: string;
  ms: number;
  baselineMs: number;
}

const rate = (ms: number) => (total / (ms / 1000) / 1024).toFixed(0);

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Best of three runs: the first pays for warm-up (JIT, connection setup code paths). */
async function best(fn: () => Promise<number> | number): Promise<number> {
  let min = Infinity;
  for (let k = 0; k < 3; k++) min = Math.min(min, await fn());
  return min;
}

async function burst(config: PrinterConfig): Promise<number> {
  const t = createTransport(config);
  return timed(async () => {
    for (const b of slips) await t.send(b);
  });
}

/** A TCP endpoint that reads everything and closes its side when the client has sent all. */
async function tcpSink(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((s) => {
    s.resume();
    s.on('end', () => s.end());
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** A PTY whose other end socat drains into /dev/null: the device or serial port a printer would be. */
async function ptyDrain(): Promise<{ path: string; child: ChildProcess }> {
  const child = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'OPEN:/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const path = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`socat gave no PTY: ${err}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /PTY is (\/dev\/pts\/\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
  });
  return { path, child };
}

/** The plain write a transport is measured against: open, write every byte, close, per slip. */
function fsWriteBurst(path: string, flags: number): number {
  const start = performance.now();
  for (const b of slips) {
    const fd = openSync(path, flags);
    for (let off = 0; off < b.length; ) off += writeSync(fd, b, off);
    closeSync(fd);
  }
  return performance.now() - start;
}

export default async function (): Promise<TargetCheck[]> {
  const rows: Row[] = [];
  const notRun: TargetCheck[] = [];

  const sink = await tcpSink();
  try {
    const baselineMs = await best(() =>
      timed(async () => {
        for (const b of slips) {
          await new Promise<void>((resolve, reject) => {
            const s = net.connect(sink.port, '127.0.0.1', () => s.end(b));
            s.on('close', () => resolve());
            s.on('error', reject);
          });
        }
      }),
    );
    rows.push({ name: 'tcp (raw 9100)', ms: await best(() => burst({ kind: 'tcp', host: '127.0.0.1', port: sink.port })), baselineMs });
  } finally {
    await sink.close();
  }

  if (hasSocat) {
    const pty = await ptyDrain();
    try {
      await sleep(100);
      const baselineMs = await best(() => fsWriteBurst(pty.path, constants.O_WRONLY | constants.O_NOCTTY));
      rows.push({ name: 'device (PTY as /dev/usb/lp0)', ms: await best(() => burst({ kind: 'device', path: pty.path })), baselineMs });
      rows.push({ name: 'serial (PTY, 115200 baud)', ms: await best(() => burst({ kind: 'serial', path: pty.path, baudRate: 115200 })), baselineMs });
    } finally {
      pty.child.kill();
    }
  } else {
    for (const name of ['device (PTY as /dev/usb/lp0)', 'serial (PTY, 115200 baud)']) notRun.push(missing(`${name} 10-slip burst`, 'socat is not installed (apt-get install -y socat)'));
  }

  const noCups = cupsUnavailable();
  if (noCups === null) {
    const cups = await startPrivateCups('bench');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'bench-cups-'));
      const baselineMs = await best(() => fsWriteBurst(join(dir, 'plain.bin'), constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND));
      rmSync(dir, { recursive: true, force: true });
      // lp returns once CUPS has the job; the burst ends when the backend has written every byte.
      const ms = await timed(async () => {
        const t = createTransport({ kind: 'cups', queue: cups.queue, server: cups.server });
        for (const b of slips) await t.send(b);
        for (let k = 0; k < 600 && !(existsSync(cups.output) && statSync(cups.output).size >= total); k++) await sleep(25);
      });
      rows.push({ name: 'cups (raw queue, to file)', ms, baselineMs });
    } finally {
      await cups.stop();
    }
  } else notRun.push(missing('cups (raw queue, to file) 10-slip burst', noCups));

  console.log(`10-slip burst, ${total} bytes (80 mm slips, ESC/POS); baseline = plain socket write / fs.write of the same bytes`);
  console.log('transport                       burst ms   KB/s    baseline ms  baseline KB/s  overhead');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(31)} ${r.ms.toFixed(1).padStart(8)} ${rate(r.ms).padStart(6)}    ${r.baselineMs.toFixed(1).padStart(11)} ${rate(r.baselineMs).padStart(14)}  ${(r.ms / r.baselineMs).toFixed(1).padStart(6)}x`,
    );
  }
  for (const m of notRun) console.log(`${m.name}: NOT RUN — ${m.detail}`);
  console.log('windows spooler: not on this machine (Windows only)');
  return [...rows.map((r) => atLeast(`${r.name} 10-slip burst`, total / (r.ms / 1000) / 1024, TARGET_BYTES_PER_S / 1024, 'KB/s')), ...notRun];
}
