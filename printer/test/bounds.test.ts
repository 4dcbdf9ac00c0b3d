/**
 * A virtual printer that cannot be held or filled, over real TCP on real files: a connection that
 * sends nothing is closed after the idle time, connections over the cap are closed at once while a
 * slip still prints afterwards, and the job files kept are bounded — the oldest job's files go
 * first, each drop written to dropped.txt — so a flood of tiny jobs cannot fill the till's disk.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { encodeEscPos, layoutSlip, startVirtualPrinter, type VirtualPrinter } from '../index';
import { SAMPLES } from './samples';
import { sendJob } from './tcp-send';

const dir = mkdtempSync(join(tmpdir(), 'vp-bounds-'));
const printers: VirtualPrinter[] = [];
afterAll(async () => {
  for (const p of printers) await p.close();
  rmSync(dir, { recursive: true, force: true });
});


/** An open connection that sends nothing; resolves with the time it stayed open once the printer closes it. */
function idle(port: number): { closed: Promise<number>; socket: net.Socket } {
  const started = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  socket.resume();
  socket.on('error', () => undefined);
  return { socket, closed: new Promise((resolve) => socket.on('close', () => resolve(Date.now() - started))) };
}

const slip = (n: number) => encodeEscPos(layoutSlip({ ...SAMPLES.std!, reference: `JOB-${n}` }, { paper: '80mm' }), { commandSet: 'epson' });

it('keeps the newest jobs within its bounds, drops the oldest first and lists each drop', async () => {
  const out = join(dir, 'kept');
  const vp = await startVirtualPrinter({ port: 0, outDir: out, keepJobs: { count: 5, bytes: 100 * 1024 * 1024 }, log: () => undefined });
  printers.push(vp);
  for (let n = 1; n <= 8; n++) {
    await sendJob(vp.port, slip(n));
    for (let k = 0; k < 100 && vp.jobs().length < n; k++) await new Promise((r) => setTimeout(r, 20));
  }
  const kept = [...new Set(readdirSync(out).flatMap((f) => /^(\d+)\./.exec(f)?.[1] ?? []))].map(Number).sort((a, b) => a - b);
  expect(kept).toEqual([4, 5, 6, 7, 8]);
  const drops = readFileSync(join(out, 'dropped.txt'), 'utf8').trim().split('\n');
  expect(drops.map((l) => /job (\d+) dropped/.exec(l)?.[1])).toEqual(['1', '2', '3']);
  // A restart counts what is on disk: the bound holds across it and numbers carry on.
  await vp.close();
  const again = await startVirtualPrinter({ port: 0, outDir: out, keepJobs: { count: 5, bytes: 100 * 1024 * 1024 }, log: () => undefined });
  printers.push(again);
  await sendJob(again.port, slip(9));
  for (let k = 0; k < 100 && again.jobs().length < 1; k++) await new Promise((r) => setTimeout(r, 20));
  expect(again.jobs()[0]?.n).toBe(9);
  expect(existsSync(join(out, '4.png'))).toBe(false);
  expect(existsSync(join(out, '9.png'))).toBe(true);
});

it('closes an idle connection after the idle time and refuses connections over the cap; a slip prints after', async () => {
  const vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'idle'), idleTimeoutMs: 300, maxConnections: 3, log: () => undefined });
  printers.push(vp);
  const held = [idle(vp.port), idle(vp.port), idle(vp.port)];
  await new Promise((r) => setTimeout(r, 50));
  const over = idle(vp.port);
  // Over the cap: closed at once, long before the idle time.
  const overFor = await over.closed;
  const heldFor = await Promise.all(held.map((h) => h.closed));
  expect(overFor).toBeLessThan(Math.min(...heldFor));
  for (const t of heldFor) expect(t).toBeGreaterThanOrEqual(250);
  await sendJob(vp.port, slip(1));
  for (let k = 0; k < 100 && vp.jobs().length < 1; k++) await new Promise((r) => setTimeout(r, 20));
  expect(vp.jobs()[0]?.text).toContain('JOB-1');
});

it('when every place is held by idle connections, a slip takes the place of the one idle longest and prints at once', async () => {
  const vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'evict'), idleTimeoutMs: 60_000, maxConnections: 3, evictIdleMs: 200, log: () => undefined });
  printers.push(vp);
  const held = [];
  for (let k = 0; k < 3; k++) {
    held.push(idle(vp.port));
    await new Promise((r) => setTimeout(r, 30));
  }
  await new Promise((r) => setTimeout(r, 300));
  await sendJob(vp.port, slip(2)); // long before the idle time (60 s) would free a place
  for (let k = 0; k < 100 && vp.jobs().length < 1; k++) await new Promise((r) => setTimeout(r, 20));
  expect(vp.jobs()[0]?.text).toContain('JOB-2');
  // The first holder gave its place; the two after it are still open.
  expect(await Promise.race([held[0]!.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 200))])).toBe('closed');
  expect(await Promise.race([held[2]!.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), 200))])).toBe('open');
  for (const h of held) h.socket.destroy();
});
