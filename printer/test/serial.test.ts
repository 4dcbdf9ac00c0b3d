/**
 * Serial transport over a real PTY pair made by socat: the till writes to one end, the virtual
 * printer listens on the other, decodes the job and answers DLE EOT status queries.
 * Skips with a printed reason when socat is not installed (apt-get install socat; .ci/run does).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, encodeEscPos, layoutSlip, listSerialPorts, startVirtualPrinter, type VirtualJob, type VirtualPrinter } from '../index';
import { SAMPLES } from './samples';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
if (!hasSocat) console.warn('serial.test.ts skipped: socat is not installed (apt-get install -y socat)');

describe.skipIf(!hasSocat)('serial printer over a socat PTY pair', () => {
  let socat: ChildProcess;
  let till = '';
  let printerEnd: SerialPort;
  let vp: VirtualPrinter;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vp-serial-'));
    socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const paths = await new Promise<string[]>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`socat gave no PTY paths: ${err}`)), 10_000);
      socat.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        const found = [...err.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1] as string);
        if (found.length >= 2) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    till = paths[0] as string;
    vp = await startVirtualPrinter({ port: 0, outDir: dir, paper: '58mm' });
    printerEnd = new SerialPort({ path: paths[1] as string, baudRate: 19200, autoOpen: false });
    await new Promise<void>((resolve, reject) => printerEnd.open((e) => (e ? reject(e) : resolve())));
    vp.attach(printerEnd);
  });

  afterAll(async () => {
    if (printerEnd?.isOpen) await new Promise<void>((r) => printerEnd.close(() => r()));
    await vp?.close();
    socat?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a slip sent over the serial line', async () => {
    const got = new Promise<VirtualJob>((resolve) => vp.onJob(resolve));
    const bytes = encodeEscPos(layoutSlip(SAMPLES.bsst!, { paper: '58mm' }), { commandSet: 'epson' });
    await createTransport({ kind: 'serial', path: till, baudRate: 19200, flowControl: 'none', timeoutMs: 5000 }).send(bytes);
    const job = await got;
    expect(job.complete).toBe(true);
    expect(job.text).toContain('9999 8888 7777 6666 5555');
    expect(job.text).toContain('FREE BASIC SERVICES TOKEN (BSST)');
  });

  it('answers the status query over the serial line', async () => {
    vp.setStatus({ paperOut: true });
    const s = await createTransport({ kind: 'serial', path: till, baudRate: 19200, timeoutMs: 2000 }).queryStatus();
    vp.setStatus({ paperOut: false });
    expect(s).toMatchObject({ answered: true, paperOut: true, message: 'Printer out of paper' });
  });

  it('lists serial ports without throwing, even without udev', async () => {
    const ports = await listSerialPorts();
    expect(Array.isArray(ports)).toBe(true);
  });
});
