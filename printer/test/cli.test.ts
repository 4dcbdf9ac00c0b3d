/** The ppu-printer CLI as a field tech uses it: run the virtual printer, print to it, render the capture. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTransport, encodeEscPos, layoutSlip } from '../index';
import { SAMPLES } from './samples';

const BIN = join(import.meta.dirname, '..', '..', 'scripts', 'bin', 'ppu-printer.js');
const dir = mkdtempSync(join(tmpdir(), 'ppu-printer-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    const r = spawnSync(process.execPath, [BIN, 'test-page'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('say where the printer is: --tcp HOST:PORT or --serial PATH --baud N');
  });
});
