/**
 * Crash test: the till back end runs as a child process against a real switch over HTTP and is
 * killed with SIGKILL at random moments of many sales (≥ 200 kills), restarted each time on the same
 * database. Afterwards every sale is completed once with its slip, failed with nothing charged, or
 * cancelled with its reversal delivered — none lost, none sold twice (checked against the switch).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FINAL_SALE_STATES } from '../../api/contract';
import { openTillStore } from '../store/repository';
import { startTarget, type Target } from './harness';

const KILLS = Number(process.env.TILL_CRASH_KILLS ?? 200);
const SALES = Number(process.env.TILL_CRASH_SALES ?? 900);
const child = resolve(import.meta.dirname, 'crash-child.ts');

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});

function run(dir: string, mode: 'sell' | 'drain', killAfterReadyMs: number | null): Promise<{ started: string[]; killed: boolean; out: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, target.url, target.username, target.password, mode, String(SALES)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let timer: NodeJS.Timeout | null = null;
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (killAfterReadyMs !== null && !timer && out.includes('ready\n')) timer = setTimeout(() => p.kill('SIGKILL'), killAfterReadyMs);
    });
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const guard = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      done({ started: [...out.matchAll(/started (\S+)/g)].map((m) => m[1]!), killed: signal === 'SIGKILL', out });
    });
  });
}

async function admin<T>(path: string): Promise<T> {
  const res = await fetch(`${target.url}/admin/v1${path}`, { headers: { authorization: 'Basic ' + Buffer.from(`${target.username}:${target.password}`).toString('base64') } });
  return (await res.json()) as T;
}

it(`survives ${KILLS} SIGKILLs across ${SALES} sales: none lost, none sold twice`, { timeout: 420_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-crash-'));
  const started = new Set<string>();
  let kills = 0;
  for (let i = 0; i < KILLS * 2 && kills < KILLS; i++) {
    const r = await run(dir, 'sell', Math.floor(Math.random() * 150));
    r.started.forEach((id) => started.add(id));
    if (r.killed) kills++;
  }
  const final = await run(dir, 'drain', null);
  expect(final.out).toContain('drained');

  const store = openTillStore(join(dir, 'till.db'));
  const sales = store.findSales({ limit: 5000 });
  type Tx = { id: string; type: string; status: string; purchaseId: string | null };
  const list = async (type: string) => (await admin<{ transactions: Tx[] }>(`/transactions?type=${type}&limit=1000`)).transactions;
  const [purchases, retries, reversals] = await Promise.all([list('PURCHASE'), list('RETRY'), list('REVERSAL')]);
  const ids = new Set(sales.map((s) => s.id));
  const sold = new Set([...purchases, ...retries].filter((t) => t.status === 'SUCCESSFUL').map((t) => t.purchaseId ?? t.id));

  const counts = { succeeded: 0, failed: 0, cancelled: 0 };
  // Zero lost: every sale the till answered for is in its store, and every purchase the switch saw is a till sale.
  for (const id of started) expect(ids.has(id), `sale ${id} lost`).toBe(true);
  for (const t of purchases) expect(ids.has(t.id), `switch purchase ${t.id} unknown to the till`).toBe(true);
  // Zero sold twice: one PURCHASE per id at the switch.
  const perId = new Map<string, number>();
  for (const t of purchases) perId.set(t.id, (perId.get(t.id) ?? 0) + 1);
  expect([...perId.values()].every((n) => n === 1)).toBe(true);

  for (const s of sales) {
    expect(FINAL_SALE_STATES, `sale ${s.id} left ${s.state}`).toContain(s.state);
    counts[s.state as keyof typeof counts]++;
    if (s.state === 'succeeded') {
      expect(s.slipPrinted, `sale ${s.id} without slip`).toBe(true);
      expect(s.tokenText).toBeTruthy();
      expect(sold.has(s.id), `till says sold, switch does not: ${s.id}`).toBe(true);
      expect(store.advicesForSale(s.id).map((a) => `${a.kind}:${a.status}`)).toEqual(['confirmation:delivered']);
    }
    if (s.state === 'failed') expect(sold.has(s.id), `failed sale ${s.id} charged at the switch`).toBe(false);
    if (s.state === 'cancelled') {
      const adv = store.advicesForSale(s.id).filter((a) => a.kind === 'reversal');
      expect(adv.length).toBe(1);
      expect(['delivered', 'failed']).toContain(adv[0]!.status);
      if (sold.has(s.id)) expect(reversals.some((r) => r.purchaseId === s.id), `sold+cancelled ${s.id} without a reversal at the switch`).toBe(true);
    }
  }
  store.close();
  console.log(`crash test: ${kills} kills, ${sales.length} sales: ${JSON.stringify(counts)}`);
  expect(kills).toBeGreaterThanOrEqual(KILLS);
  expect(counts.succeeded).toBeGreaterThan(0);
  expect(counts.failed).toBeGreaterThan(0);
  expect(counts.cancelled).toBeGreaterThan(0);
});
