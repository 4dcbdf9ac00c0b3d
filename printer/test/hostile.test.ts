/**
 * Hostile jobs against the virtual printer as the till runs it (its own thread), over real TCP:
 * each is refused with its reason in the job list, the printer keeps serving, the process stays
 * under 700 MB, a normal slip prints afterwards — also right behind a flood of cuts on one connection,
 * as a job of its own — and job numbers carry on after a restart.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEscPos, layoutSlip, startThreadedVirtualPrinter, type ThreadedVirtualPrinter, type VirtualJob } from '../index';
import { JobFramer, SEPARATE_JOBS_PER_PUSH } from '../job-framer';
import { SAMPLES } from './samples';
import { sendJob } from './tcp-send';

const ESC_INIT = [0x1b, 0x40];
const CUT = [0x1d, 0x56, 0x00];


/** Waits until the printer has listed `count` more jobs than before (the thread reports them). */
async function jobsAfter(vp: ThreadedVirtualPrinter, before: number, count: number): Promise<VirtualJob[]> {
  for (let k = 0; k < 200 && vp.jobs().length < before + count; k++) await new Promise((r) => setTimeout(r, 50));
  return vp.jobs().slice(before);
}

const normalSlip = () => encodeEscPos(layoutSlip(SAMPLES.std!, { paper: '80mm' }), { commandSet: 'epson' });

describe('virtual printer on its own thread, against hostile jobs over TCP', () => {
  let vp: ThreadedVirtualPrinter;
  let dir: string;
  const logged: string[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vp-hostile-'));
    vp = await startThreadedVirtualPrinter({ outDir: dir, paper: '80mm', log: (l) => logged.push(l) });
  });
  afterAll(async () => {
    await vp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses 160 KB of 8x-size text with a cut, 65535 rows of double-scale raster and 4 MB without a cut, then prints a slip', async () => {
    const before = vp.jobs().length;
    await sendJob(vp.port, Buffer.from([...ESC_INIT, 0x1d, 0x21, 0x77, ...Buffer.alloc(160 * 1024, 0x41), ...CUT]));
    const h = 65535;
    await sendJob(vp.port, Buffer.concat([Buffer.from([...ESC_INIT, 0x1d, 0x76, 0x30, 0x03, 1, 0, h & 0xff, h >> 8]), Buffer.alloc(h, 0xff), Buffer.from(CUT)]));
    await sendJob(vp.port, Buffer.concat([Buffer.from(ESC_INIT), Buffer.alloc(4 * 1024 * 1024, 0x41)]));
    const refused = await jobsAfter(vp, before, 3);
    expect(refused.map((j) => j.refused)).toEqual([
      'job longer than 2,000 lines',
      'image of 8×65535 dots is larger than 2048×4096 dots or 2,359,296 dots in all',
      expect.stringMatching(/^job of [\d,]+ bytes or more is larger than the 1 MB a job may have$/),
    ]);
    for (const j of refused) {
      expect(j.text).toBe(`Refused: ${j.refused}`);
      expect(j.commands).toEqual([{ op: 'refused', reason: j.refused }]);
      expect(existsSync(j.files.png)).toBe(false);
    }

    await sendJob(vp.port, normalSlip());
    const [slip] = await jobsAfter(vp, before + 3, 1);
    expect(slip?.refused).toBeNull();
    expect(slip?.text).toContain('[cut]');
    expect(existsSync(slip!.files.png)).toBe(true);
    expect(vp.restarts()).toBe(0);
    // Peak resident memory of this whole test process, the printer's thread included.
    expect(process.resourceUsage().maxRSS / 1024).toBeLessThan(700);
  });

  it('prints a slip sent right behind a flood of cuts on the same connection as its own job, with its own content', async () => {
    const alone = vp.jobs().length;
    await sendJob(vp.port, normalSlip());
    const [own] = await jobsAfter(vp, alone, 1);
    const before = vp.jobs().length;
    // One write on one connection: 2,000 cuts, then the slip.
    await sendJob(vp.port, Buffer.concat([Buffer.from(Array.from({ length: 2000 }, () => CUT).flat()), normalSlip()]));
    await expect.poll(() => vp.jobs().slice(before).some((j) => j.text.includes('Reference:')), { timeout: 10_000 }).toBe(true);
    const flood = vp.jobs().slice(before);
    const slips = flood.filter((j) => j.text.includes('Reference:'));
    expect(slips.map((j) => j.text)).toEqual([own!.text]);
    expect(existsSync(slips[0]!.files.png)).toBe(true);
  });

  it('continues job numbers after a restart and overwrites no earlier job', async () => {
    await sendJob(vp.port, normalSlip());
    const last = (await jobsAfter(vp, vp.jobs().length - 1, 1)).at(-1)!;
    const earlierText = readFileSync(last.files.txt, 'utf8');
    await vp.close();
    vp = await startThreadedVirtualPrinter({ outDir: dir, paper: '80mm', log: (l) => logged.push(l) });
    await sendJob(vp.port, normalSlip());
    const [next] = await jobsAfter(vp, 0, 1);
    expect(next?.n).toBe(last.n + 1);
    expect(readFileSync(last.files.txt, 'utf8')).toBe(earlierText);
  });
});

describe('virtual printer thread that crashes', () => {
  it('ends alone, this thread carries on, and it is started again on the same port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vp-crash-'));
    const logged: string[] = [];
    const vp = await startThreadedVirtualPrinter({ outDir: dir, log: (l) => logged.push(l) });
    try {
      const port = vp.port;
      await sendJob(port, normalSlip());
      await vp.endThread();
      for (let k = 0; k < 200 && !logged.some((l) => l.includes('started again')); k++) await new Promise((r) => setTimeout(r, 50));
      expect(logged.slice(0, 2)).toEqual([`virtual printer thread ended (exit code 1); starting it again on port ${port}`, `virtual printer thread started again on port ${port}`]);
      expect(vp.restarts()).toBe(1);
      expect(vp.port).toBe(port);
      // Listening again: a status query is answered (DLE EOT 1 → 0x16 with the fixed bits).
      const reply = await new Promise<number>((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1', () => s.write(Buffer.from([0x10, 0x04, 0x01])));
        s.once('data', (d) => {
          resolve(d[0] as number);
          s.destroy();
        });
        s.on('error', reject);
      });
      expect(reply & 0x12).toBe(0x12);
    } finally {
      await vp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('job framing', () => {
  it('finds cuts split across chunks and never inside raster data', () => {
    const raster = [0x1d, 0x76, 0x30, 0x00, 1, 0, 3, 0, 0x1d, 0x56, 0x00];
    const stream = Buffer.from([...ESC_INIT, 0x41, ...raster, 0x42, ...CUT, 0x43, ...CUT]);
    const framer = new JobFramer();
    const jobs = [...stream].flatMap((b) => framer.push(Uint8Array.of(b)));
    expect(jobs.map((j) => (j.kind === 'job' ? [...j.bytes] : j.reason))).toEqual([[...ESC_INIT, 0x41, ...raster, 0x42, ...CUT], [0x43, ...CUT]]);
    expect(framer.end()).toBeNull();
  });

  it('refuses a job past the cap once, skips it to its cut, and frames the next job', () => {
    const framer = new JobFramer({ maxJobBytes: 1000 });
    const out = [framer.push(Buffer.alloc(800, 0x41)), framer.push(Buffer.alloc(800, 0x41)), framer.push(Buffer.from([...CUT, 0x42, ...CUT]))].flat();
    expect(out).toEqual([
      { kind: 'refused', bytes: 1600, reason: 'job of 1,600 bytes or more is larger than the 1 KB a job may have' },
      { kind: 'job', bytes: Buffer.from([0x42, ...CUT]), complete: true },
    ]);
  });

  it('ends 8 jobs per arrival of bytes, then one whose cuts are page boundaries, and the arrival\'s last job', () => {
    const framer = new JobFramer();
    const tiny = (k: number) => [0x41 + (k % 26), ...CUT];
    const arrival = Buffer.from(Array.from({ length: 1000 }, (_, k) => tiny(k)).flat());
    const jobs = framer.push(arrival);
    expect(jobs.map((j) => (j.kind === 'job' ? j.bytes.length : j.reason))).toEqual([...Array<number>(SEPARATE_JOBS_PER_PUSH).fill(4), (1000 - SEPARATE_JOBS_PER_PUSH - 1) * 4, 4]);
    // Nothing is lost or repeated: the jobs put back together are the bytes that came.
    expect(Buffer.concat(jobs.map((j) => (j.kind === 'job' ? j.bytes : Buffer.alloc(0))))).toEqual(arrival);
    // A till's slips, one arrival each, stay jobs of their own.
    expect(framer.push(Buffer.from(tiny(0))).length).toBe(1);
    expect(framer.push(Buffer.from(tiny(1))).length).toBe(1);
  });

  it('a slip right behind a flood of cuts, in the same arrival, is a job of its own', () => {
    const slip = normalSlip();
    const cutAt = slip.lastIndexOf(Buffer.from(CUT)) + CUT.length;
    const jobs = new JobFramer().push(Buffer.concat([Buffer.from(Array.from({ length: 1000 }, () => CUT).flat()), slip]));
    expect(jobs.at(-1)).toEqual({ kind: 'job', bytes: slip.subarray(0, cutAt), complete: true });
  });
});
