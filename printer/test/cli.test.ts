/** The ppu-printer CLI as a field tech uses it: run the virtual printer, print to it, render the capture. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTransport, encodeEscPos, layoutSlip, startVirtualPrinter } from '../index';
import { hasSocat, ptyPrinter } from './pty';
import { SAMPLES } from './samples';

const BIN = join(import.meta.dirname, '..', '..', 'scripts', 'bin', 'ppu-printer.js');
const dir = mkdtempSync(join(tmpdir(), 'ppu-printer-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
if (!hasSocat) console.warn('cli.test.ts: the device drawer test is skipped: socat is not installed (apt-get install -y socat)');

describe('ppu-printer', () => {
  it('virtual prints its port, captures a job, and render reproduces the slip text', async () => {
    const child = spawn(process.execPath, [BIN, 'virtual', '--port', '0', '--out', dir, '--paper', '58mm'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no port printed: ${out}`)), 15_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      const jobLine = new Promise<void>((resolve) => child.stdout.on('data', () => /job 1:/.test(out) && resolve()));
      await createTransport({ kind: 'virtual', port }).send(encodeEscPos(layoutSlip(SAMPLES.std!, { paper: '58mm' }), { commandSet: 'epson' }));
      await jobLine;
      const r = spawnSync(process.execPath, [BIN, 'render', join(dir, '1.bin'), '--png', join(dir, 'again.png'), '--text', '--paper', '58mm'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(dir, '1.txt'), 'utf8'));
      expect(r.stdout).toContain('1234 5678 9012 3456 7890');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('test-page without a printer address says what is missing and exits 1', () => {
    const env = { ...process.env };
    delete env.PPU_TILL_PRINTER;
    const r = spawnSync(process.execPath, [BIN, 'test-page'], { encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('say where the printer is: --printer ADDRESS');
  });

  it('a wrong printer address is refused naming what is wrong', () => {
    const r = spawnSync(process.execPath, [BIN, 'drawer', '--printer', 'usb:/dev/usb/lp0'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--printer: unknown printer kind "usb"');
  });

  it.skipIf(!hasSocat)('drawer and test-page reach a printer by its address (PTY standing in for /dev/usb/lp0)', async () => {
    const vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'vp-device'), model: 'TM-m10' });
    const pty = await ptyPrinter(vp);
    try {
      const run = (...args: string[]) =>
        new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
          const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          let stderr = '';
          c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          c.on('close', (status) => resolve({ status, stdout, stderr }));
        });
      const d = await run('drawer', '--printer', `device:${pty.till}`, '--pin', '5', '--pulse', '150');
      expect(d.stderr).toBe('');
      expect(d.stdout).toContain('drawer sensor: open');
      await expect.poll(() => vp.drawerKicks()).toMatchObject([{ pin: 5, onMs: 150 }]);
      const t = await run('test-page', '--printer', `device:${pty.till}`);
      expect(t.stdout).toContain('printer: EPSON TM-m10');
      expect(t.stdout).toContain('58 mm');
      await expect.poll(() => vp.jobs().length).toBe(1);
      expect(vp.jobs()[0]?.text).toContain('End of test page');
    } finally {
      await pty.close();
      await vp.close();
    }
  });
});
