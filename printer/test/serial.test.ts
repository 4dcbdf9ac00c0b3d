/**
 * Serial transport over a real PTY pair made by socat: the till writes to one end, the virtual
 * printer listens on the other, decodes the job and answers DLE EOT status queries.
 * Skips with a printed reason when socat is not installed (apt-get install socat; .ci/run does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, encodeEscPos, layoutSlip, listSerialPorts, startVirtualPrinter, type VirtualJob, type VirtualPrinter } from '../index';
import { hasSocat, ptyPrinter, type PtyPrinter } from './pty';
import { SAMPLES } from './samples';

if (!hasSocat) console.warn('serial.test.ts skipped: socat is not installed (apt-get install -y socat)');

describe.skipIf(!hasSocat)('serial printer over a socat PTY pair', () => {
  let pty: PtyPrinter;
  let till = '';
  let vp: VirtualPrinter;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vp-serial-'));
    vp = await startVirtualPrinter({ port: 0, outDir: dir, paper: '58mm' });
    pty = await ptyPrinter(vp);
    till = pty.till;
  });

  afterAll(async () => {
    await pty?.close();
    await vp?.close();
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
