/**
 * Golden slips: every sample, on 58 and 80 mm, encoded, sent through a real TCP socket to the
 * virtual printer, decoded; the text must equal the committed golden .txt and the PNG must match
 * the committed review PNG within a small pixel-difference ratio.
 * Only `npm run golden:update` (UPDATE_GOLDEN=1) writes the fixtures, after an intended layout
 * change; a missing fixture fails.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, encodeEscPos, layoutSlip, startVirtualPrinter, type VirtualPrinter } from '../index';
import { SAMPLES } from './samples';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function diffRatio(a: Buffer, b: Buffer): number {
  const pa = PNG.sync.read(a);
  const pb = PNG.sync.read(b);
  if (pa.width !== pb.width) return 1;
  const h = Math.max(pa.height, pb.height);
  let diff = Math.abs(pa.height - pb.height) * pa.width;
  for (let y = 0; y < Math.min(pa.height, pb.height); y++) {
    for (let x = 0; x < pa.width; x++) {
      const k = (y * pa.width + x) * 4;
      if (((pa.data[k] as number) < 128) !== ((pb.data[k] as number) < 128)) diff++;
    }
  }
  return diff / (pa.width * h);
}

for (const paper of ['58mm', '80mm'] as const) {
  describe(`golden slips on ${paper} paper through TCP to the virtual printer`, () => {
    let vp: VirtualPrinter;
    let out: string;
    beforeAll(async () => {
      out = mkdtempSync(join(tmpdir(), `vp-golden-${paper}-`));
      vp = await startVirtualPrinter({ port: 0, outDir: out, paper });
      mkdirSync(FIXTURES, { recursive: true });
    });
    afterAll(async () => {
      await vp.close();
      rmSync(out, { recursive: true, force: true });
    });

    it.each(Object.keys(SAMPLES))('%s slip prints exactly as the golden', async (name) => {
      const bytes = encodeEscPos(layoutSlip(SAMPLES[name]!, { paper }), { commandSet: 'epson' });
      const before = vp.jobs().length;
      const sentAt = Date.now();
      await createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 5000 }).send(bytes);
      const jobs = vp.jobs().slice(before);
      expect(jobs).toHaveLength(1);
      const job = jobs[0]!;
      expect(job.complete).toBe(true);
      // The job list says when each slip arrived (the field tech's "which one was mine?").
      expect(Date.parse(job.receivedAt)).toBeGreaterThanOrEqual(sentAt - 1);
      expect(Date.parse(job.receivedAt)).toBeLessThanOrEqual(Date.now());
      const txt = join(FIXTURES, `${name}-${paper}.txt`);
      const png = join(FIXTURES, `${name}-${paper}.png`);
      const gotPng = readFileSync(job.files.png);
      if (UPDATE) {
        writeFileSync(txt, job.text);
        writeFileSync(png, gotPng);
      }
      // A missing golden is a failure: only `npm run golden:update` writes one, after a look at the slip.
      expect(existsSync(txt) && existsSync(png), `${name}-${paper} has no golden file; run npm run golden:update and review it`).toBe(true);
      expect(job.text).toBe(readFileSync(txt, 'utf8'));
      expect(diffRatio(gotPng, readFileSync(png))).toBeLessThan(0.002);
    });
  });
}
