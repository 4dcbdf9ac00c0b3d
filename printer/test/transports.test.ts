/**
 * USB and spooler printers through the durable print queue: a printer device file (a socat PTY
 * standing in for /dev/usb/lp0, the virtual printer at the far end), a CUPS raw queue (a private
 * cupsd whose backend writes to a file), and the Windows spooler (skipped where its native module
 * cannot be loaded). Each slip prints exactly once, a failing print is kept and printed later.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, encodeEscPos, layoutSlip, PrintJobStore, PrintQueue, startVirtualPrinter, type Transport, type VirtualPrinter } from '../index';
import { loadSpooler, windowsTransport, type SpoolerModule } from '../transports/windows';
import { cupsUnavailable, startPrivateCups, type PrivateCups } from './cups';
import { hasSocat, ptyPrinter, type PtyPrinter } from './pty';
import { SAMPLES } from './samples';

const slip = (name: string) => encodeEscPos(layoutSlip(SAMPLES[name]!, { paper: '80mm' }), { commandSet: 'epson' });
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'transports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const queueOn = (name: string, transport: () => Transport) => new PrintQueue({ store: new PrintJobStore(join(dir, `${name}.sqlite`)), transport });

if (!hasSocat) console.warn('transports.test.ts: device tests skipped: socat is not installed (apt-get install -y socat)');
describe.skipIf(!hasSocat)('printer device file (PTY standing in for /dev/usb/lp0)', () => {
  let vp: VirtualPrinter;
  let pty: PtyPrinter;
  let lp0: string;
  beforeAll(async () => {
    vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'vp-device') });
    pty = await ptyPrinter(vp);
    lp0 = join(dir, 'lp0');
    symlinkSync(pty.till, lp0);
  });
  afterAll(async () => {
    await pty?.close();
    await vp?.close();
  });

  it('prints a slip once and reads the printer status back from the device', async () => {
    const transport = createTransport({ kind: 'device', path: lp0, timeoutMs: 2000 });
    expect(await transport.queryStatus()).toMatchObject({ answered: true, ready: true });
    const job = await queueOn('device', () => transport).print(slip('std'), 'sale');
    expect(job.state).toBe('printed');
    await expect.poll(() => vp.jobs().length).toBe(1);
    expect(vp.jobs()[0]?.complete).toBe(true);
    expect(vp.jobs()[0]?.text).toContain('3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e');
  });

  it('keeps the slip while the printer reports paper out, then prints it once', async () => {
    const before = vp.jobs().length;
    const queue = queueOn('device-paper', () => createTransport({ kind: 'device', path: lp0, timeoutMs: 2000 }));
    vp.setStatus({ paperOut: true });
    const job = await queue.print(slip('pending'), 'pending');
    expect(job).toMatchObject({ state: 'failed', lastError: 'Printer out of paper' });
    vp.setStatus({ paperOut: false });
    expect((await queue.drain()).printed).toEqual([job.id]);
    expect((await queue.drain()).printed).toEqual([]);
    await expect.poll(() => vp.jobs().length).toBe(before + 1);
  });

  it('says which device is missing and keeps the slip', async () => {
    const missing = join(dir, 'no-such-lp9');
    const job = await queueOn('device-missing', () => createTransport({ kind: 'device', path: missing, timeoutMs: 500 })).print(slip('std'), 'sale');
    expect(job.state).toBe('failed');
    expect(job.lastError).toContain(`${missing} cannot be opened (no such device`);
  });
});

const noCups = cupsUnavailable();
if (noCups) console.warn(`transports.test.ts: CUPS tests skipped: ${noCups}`);
describe.skipIf(noCups !== null)('CUPS raw queue (private cupsd, backend writes to a file)', () => {
  let cups: PrivateCups;
  beforeAll(async () => {
    cups = await startPrivateCups('TM-T20');
  }, 20_000);
  afterAll(async () => cups?.stop());
  const transport = () => createTransport({ kind: 'cups', queue: cups.queue, server: cups.server, timeoutMs: 5000 });
  const printedBytes = () => (existsSync(cups.output) ? readFileSync(cups.output) : Buffer.alloc(0));

  it('passes the slip to the printer byte for byte (raw), once', async () => {
    expect(await transport().queryStatus()).toMatchObject({ answered: true, ready: true });
    const bytes = slip('std');
    const job = await queueOn('cups', transport).print(bytes, 'sale');
    expect(job.state).toBe('printed');
    await expect.poll(() => printedBytes().length, { timeout: 10_000 }).toBe(bytes.length);
    expect(printedBytes().equals(bytes)).toBe(true);
  });

  it('keeps the slip while the queue is stopped, prints it once when it is started', async () => {
    const already = printedBytes().length;
    const bytes = slip('pending');
    const queue = queueOn('cups-stopped', transport);
    spawnSync('cupsdisable', ['-r', 'paper jam', cups.queue], { env: { ...process.env, CUPS_SERVER: cups.server } });
    const job = await queue.print(bytes, 'pending');
    expect(job.state).toBe('failed');
    expect(job.lastError).toMatch(/CUPS queue TM-T20 is stopped .*cupsenable TM-T20/);
    spawnSync('cupsenable', [cups.queue], { env: { ...process.env, CUPS_SERVER: cups.server } });
    expect((await queue.drain()).printed).toEqual([job.id]);
    expect((await queue.drain()).printed).toEqual([]);
    await expect.poll(() => printedBytes().length, { timeout: 10_000 }).toBe(already + bytes.length);
    expect(printedBytes().subarray(already).equals(bytes)).toBe(true);
  });

  it('names a queue CUPS does not have', async () => {
    const s = await createTransport({ kind: 'cups', queue: 'NoSuchQueue', server: cups.server, timeoutMs: 5000 }).queryStatus();
    expect(s).toMatchObject({ answered: false, ready: false });
    expect(s.message).toContain('CUPS has no printer queue "NoSuchQueue"');
  });
});

const spooler = await loadSpooler().then(
  (m) => ({ module: m, reason: '' }),
  (e: unknown) => ({ module: null, reason: e instanceof Error ? e.message : String(e) }),
);
if (!spooler.module) console.warn(`transports.test.ts: Windows spooler test skipped: ${spooler.reason}`);
describe.skipIf(process.platform === 'win32')('a windows: printer on a till that is not Windows', () => {
  it('fails with words a technician can act on, not a module error', async () => {
    const s = await createTransport({ kind: 'windows', printer: 'EPSON TM-T20III' }).queryStatus();
    expect(s).toMatchObject({ answered: false, ready: false });
    expect(s.message).toContain(`A windows: printer works only on a Windows till (this one runs ${process.platform})`);
    await expect(loadSpooler()).rejects.toThrow('Use a tcp:, device:, serial: or cups: address in Settings → Printer.');
  });
});
describe.skipIf(process.platform !== 'win32' || !spooler.module)('Windows spooler (raw)', () => {
  it('lists the default printer status without throwing', async () => {
    const name = process.env.PPU_TEST_WINDOWS_PRINTER ?? 'Microsoft Print to PDF';
    const s = await createTransport({ kind: 'windows', printer: name }).queryStatus();
    expect(typeof s.message).toBe('string');
  });
});

describe('Windows spooler transport on a stand-in spooler module', () => {
  const standIn = (status: string, fail?: string): { module: SpoolerModule; sent: Buffer[] } => {
    const sent: Buffer[] = [];
    return {
      sent,
      module: {
        printDirect: (o) => (fail ? o.error(new Error(fail)) : (sent.push(o.data), o.success(1))),
        getPrinter: (name) => (name === 'EPSON TM-T20III' ? { name, status } : undefined),
      },
    };
  };

  it('sends the slip raw and keeps it while the spooler reports paper out', async () => {
    let s = standIn('PAPER_OUT');
    const queue = queueOn('windows', () => windowsTransport('EPSON TM-T20III', 1000, async () => s.module));
    const job = await queue.print(slip('std'), 'sale');
    expect(job).toMatchObject({ state: 'failed', lastError: 'Printer out of paper' });
    s = standIn('');
    expect((await queue.drain()).printed).toEqual([job.id]);
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]?.equals(slip('std'))).toBe(true);
  });

  it('names a printer Windows does not have, and a refused job', async () => {
    const s = standIn('', 'The printer name is invalid.');
    expect((await windowsTransport('Nope', 1000, async () => s.module).queryStatus()).message).toBe('Windows has no printer named "Nope"');
    await expect(windowsTransport('EPSON TM-T20III', 1000, async () => s.module).send(slip('std'))).rejects.toThrow('refused the job for EPSON TM-T20III (The printer name is invalid.)');
  });
});
