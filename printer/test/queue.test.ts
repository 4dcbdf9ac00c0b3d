/**
 * Durable print jobs against a misbehaving TCP printer (the virtual printer): it stalls, resets the
 * connection mid-job, reports paper out; the till restarts in between. Every job survives and each
 * prints exactly once, in order, when the printer comes back.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, encodeEscPos, layoutSlip, PrintJobStore, PrintQueue, startVirtualPrinter, type VirtualPrinter } from '../index';
import { migrate, MIGRATIONS } from '../jobs/store';
import { SAMPLES } from './samples';

let dir: string;
let vp: VirtualPrinter;
const slip = (name: string) => encodeEscPos(layoutSlip(SAMPLES[name]!, { paper: '80mm' }), { commandSet: 'epson' });
const completeJobs = () => vp.jobs().filter((j) => j.complete);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'print-queue-'));
  vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'vp'), paper: '80mm' });
});
afterAll(async () => {
  await vp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('print queue with a stalling, resetting, paper-out printer', () => {
  it('keeps every job and prints each once when the printer comes back', async () => {
    const file = join(dir, 'jobs.sqlite');
    let t = Date.parse('2026-11-22T10:00:00Z');
    const clock = () => new Date((t += 1000));
    const transport = () => createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 400 });
    let store = new PrintJobStore(file);
    let queue = new PrintQueue({ store, transport, clock });

    vp.setStatus({ stalled: true });
    const a = await queue.print(slip('std'), 'sale A');
    expect(a.state).toBe('failed');
    expect(a.lastError).toMatch(/stalled|did not/);

    vp.setStatus({ stalled: false, resetAfterBytes: 300 });
    const r = await queue.drain();
    expect(r.failed[0]?.error).toMatch(/lost mid-job/);
    expect(vp.jobs().filter((j) => !j.complete).length).toBeGreaterThanOrEqual(1); // torn partial slip
    expect(completeJobs()).toHaveLength(0);

    vp.setStatus({ resetAfterBytes: undefined, paperOut: true });
    const b = queue.enqueue(slip('kc'), 'sale B');
    const r2 = await queue.drain();
    expect(r2.failed[0]).toEqual({ id: a.id, error: 'Printer out of paper' });
    expect(completeJobs()).toHaveLength(0);

    // The till restarts while the printer is still out of paper: nothing is lost.
    store.close();
    store = new PrintJobStore(file);
    queue = new PrintQueue({ store, transport, clock });
    expect(queue.jobs().map((j) => [j.label, j.state])).toEqual([
      ['sale A', 'failed'],
      ['sale B', 'queued'],
    ]);

    vp.setStatus({ paperOut: false });
    const r3 = await queue.drain();
    expect(r3.printed).toEqual([a.id, b.id]);
    expect(await queue.drain()).toEqual({ printed: [], failed: [] });
    const printed = completeJobs();
    expect(printed).toHaveLength(2);
    expect(printed[0]?.text).toContain('1234 5678 9012 3456 7890');
    expect(printed[1]?.text).toContain('ENTER KEY CHANGE TOKENS FIRST');
    expect(queue.get(a.id)?.state).toBe('printed');
    expect(queue.get(a.id)?.attempts).toBeGreaterThanOrEqual(3);
    store.close();
  });

  it('retries a failed job on request and reprints a printed one as a new job', async () => {
    const store = new PrintJobStore(join(dir, 'retry.sqlite'));
    const queue = new PrintQueue({ store, transport: () => createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 400 }), maxAttempts: 1 });
    vp.setStatus({ coverOpen: true });
    const job = await queue.print(slip('pending'), 'pending slip');
    expect(job).toMatchObject({ state: 'failed', lastError: 'Printer cover open' });
    expect((await queue.drain()).printed).toEqual([]); // over the automatic limit: waits for a person
    vp.setStatus({ coverOpen: false });
    const before = completeJobs().length;
    expect((await queue.retry(job.id)).state).toBe('printed');
    const copy = await queue.reprint(job.id);
    expect(copy).toMatchObject({ state: 'printed', reprintOf: job.id, label: 'reprint: pending slip' });
    expect(completeJobs().length - before).toBe(2);
    await expect(queue.retry(job.id)).rejects.toThrow(/only a failed job/);
    store.close();
  });

  it('a job left "printing" by a crash prints again on restart', async () => {
    const file = join(dir, 'crash.sqlite');
    const s1 = new PrintJobStore(file);
    s1.insert({ id: 'a1b2c3d4-0000-4000-8000-000000000001', label: 'crashed', bytes: slip('bsst'), at: '2026-11-22T10:00:00Z' });
    s1.markPrinting('a1b2c3d4-0000-4000-8000-000000000001', '2026-11-22T10:00:01Z');
    s1.close();
    const s2 = new PrintJobStore(file);
    const q = new PrintQueue({ store: s2, transport: () => createTransport({ kind: 'virtual', port: vp.port }) });
    expect(q.get('a1b2c3d4-0000-4000-8000-000000000001')?.state).toBe('queued');
    expect((await q.drain()).printed).toEqual(['a1b2c3d4-0000-4000-8000-000000000001']);
    s2.close();
  });

  it('opens a version-1 job database and migrates it, keeping its jobs', () => {
    const file = join(dir, 'old.sqlite');
    const db = new Database(file);
    migrate(db, 1);
    db.prepare(`INSERT INTO print_jobs (id, seq, label, bytes, state, attempts, created_at, updated_at) VALUES ('x', 1, 'old', x'1b40', 'queued', 0, 't', 't')`).run();
    db.close();
    const store = new PrintJobStore(file);
    expect(store.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(store.get('x')).toMatchObject({ label: 'old', state: 'queued', reprintOf: undefined, key: undefined });
    store.close();
  });
});

describe('printer status', () => {
  it('reports paper out and cover open from DLE EOT answers', async () => {
    vp.setStatus({ paperOut: true, coverOpen: true });
    const s = await createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 1000 }).queryStatus();
    vp.setStatus({ paperOut: false, coverOpen: false });
    expect(s).toMatchObject({ answered: true, ready: false, paperOut: true, coverOpen: true, message: 'Printer out of paper, cover open' });
    expect(await createTransport({ kind: 'virtual', port: vp.port }).queryStatus()).toMatchObject({ answered: true, ready: true, message: 'Printer ready' });
  });

  it('says clearly when nothing answers', async () => {
    const held = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      held.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const s = await createTransport({ kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 300 }).queryStatus();
    expect(s).toMatchObject({ answered: false, ready: false });
    expect(s.message).toMatch(/did not answer the status query/);
    for (const h of held) h.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    const off = await createTransport({ kind: 'tcp', host: '127.0.0.1', port, timeoutMs: 300 }).queryStatus();
    expect(off.message).toMatch(/unreachable \(ECONNREFUSED\)/);
  });
});
