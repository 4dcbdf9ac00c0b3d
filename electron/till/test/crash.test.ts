/**
 * Crash test: the till back end runs as a child process against a real switch, itself a child
 * process, over HTTP. The till is SIGKILLed at random moments of many sales (≥ 200 kills) and
 * restarted on the same database; every so often the SWITCH is SIGKILLed mid-sale too and restarted
 * on its own database. Afterwards every till sale is checked against the switch's ledger: completed
 * with the very tokens and amount the switch recorded (and its slip), failed with nothing sold, or
 * cancelled with its reversal — none lost, none unknown to the switch, no list cut short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FINAL_SALE_STATES } from '../../api/contract';
import { openTillStore } from '../store/repository';

const KILLS = Number(process.env.TILL_CRASH_KILLS ?? 200);
// Enough sales that a fast machine reaches every kill before the plan runs out (900 ran out at 168 kills: ~5.4
// sales a run), and few enough that no meter's ledger (TST001: half the sales; TST011's retries) reaches the admin API's 1000-row page.
// A run is killed up to KILL_WITHIN_MS after its first sale began: 300 ms ran out of sales at 143 kills (9.1
// sales a run) once the switch's durable writes stopped waiting for libuv's pool; 150 ms keeps every moment of a sale in reach.
const KILL_WITHIN_MS = 150;
const SALES = Number(process.env.TILL_CRASH_SALES ?? 1300);
const SWITCH_KILLS = Number(process.env.TILL_CRASH_SWITCH_KILLS ?? 10);
const root = resolve(import.meta.dirname, '../../..');
const child = resolve(import.meta.dirname, 'crash-child.ts');
const AUTH = { username: 'till', password: 'crash-secret' };
const METERS = ['TST001', 'TST003', 'TST011']; // the crash child's plan
const LIST_LIMIT = 1000; // the switch admin API's largest page

/** The switch as its own process (certification profile), restartable on the same port and data. */
class SwitchProcess {
  url = '';
  private proc: ChildProcess | null = null;
  constructor(private readonly dataDir: string) {}
  async start(): Promise<void> {
    const port = this.url ? new URL(this.url).port : '0';
    const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'switch-core/cli.ts'), 'serve', '--port', port, '--data', this.dataDir, '--profile', 'certification'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PPU_SWITCH_AUTH: `${AUTH.username}:${AUTH.password}` },
    });
    this.proc = p;
    this.url = await new Promise<string>((ok, fail) => {
      let out = '';
      const guard = setTimeout(() => fail(new Error(`switch did not start: ${out}`)), 60_000);
      p.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(guard);
          ok(m[1]!);
        }
      });
      p.stderr!.on('data', (b: Buffer) => (out += b.toString()));
      p.on('exit', () => fail(new Error(`switch exited: ${out}`)));
    });
  }
  /** SIGKILL: no shutdown, whatever was in flight is cut. */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((done) => {
      p.once('exit', () => done());
      p.kill('SIGKILL');
    });
  }
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((done) => {
      p.once('exit', () => done());
      p.kill('SIGTERM');
    });
  }
}

let sw: SwitchProcess;
beforeAll(async () => {
  sw = new SwitchProcess(mkdtempSync(join(tmpdir(), 'till-crash-sw-')));
  await sw.start();
});
afterAll(async () => {
  await sw?.stop();
});

/**
 * Runs the till child; `killAfterMs` after its first sale started (mid-sale, however slow the box
 * is) it is SIGKILLed, and `onSale` runs at that same moment.
 */
function run(dir: string, mode: 'sell' | 'drain', killAfterMs: number | null, onSale: () => void = () => undefined): Promise<{ started: string[]; killed: boolean; out: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, sw.url, AUTH.username, AUTH.password, mode, String(SALES)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let selling = false;
    let timer: NodeJS.Timeout | null = null;
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!selling && out.includes('started ')) {
        selling = true;
        onSale();
        if (killAfterMs !== null) timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
      }
    });
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const guard = setTimeout(() => p.kill('SIGKILL'), 120_000);
    p.on('exit', (_code, signal) => {
      clearTimeout(guard);
      if (timer) clearTimeout(timer);
      done({ started: [...out.matchAll(/started (\S+)/g)].map((m) => m[1]!), killed: signal === 'SIGKILL', out });
    });
  });
}

async function admin<T>(path: string): Promise<T> {
  const res = await fetch(`${sw.url}/admin/v1${path}`, { headers: { authorization: 'Basic ' + Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64') } });
  if (!res.ok) throw new Error(`admin ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

interface Tx {
  id: string;
  type: string;
  status: string;
  amount: number | null;
  purchaseId: string | null;
}
/** Every transaction of a type for one meter; fails if the page came back full (the list may have been cut). */
async function ledger(type: string, meter: string): Promise<Tx[]> {
  const { transactions } = await admin<{ transactions: Tx[] }>(`/transactions?type=${type}&meter=${meter}&limit=${LIST_LIMIT}`);
  expect(transactions.length, `${type} list for ${meter} is a full page: it may have been cut`).toBeLessThan(LIST_LIMIT);
  return transactions;
}
const digits = (body: unknown) => ((body as { tokens?: { token: string }[] } | null)?.tokens ?? []).map((t) => t.token.replace(/\s+/g, '')).join(' ');

it(`survives ${KILLS} till SIGKILLs and ${SWITCH_KILLS} switch SIGKILLs across ${SALES} sales: every sale matches the switch's ledger`, { timeout: 1_200_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-crash-'));
  const started = new Set<string>();
  let kills = 0;
  let switchKills = 0;
  const every = Math.max(1, Math.floor(KILLS / Math.max(SWITCH_KILLS, 1)));
  for (let i = 0; i < KILLS * 2 && kills < KILLS; i++) {
    // Now and then the switch dies mid-sale as well, at its own random moment.
    const killSwitch = switchKills < SWITCH_KILLS && i % every === every - 1;
    let switchDeath: Promise<void> | null = null;
    const r = await run(dir, 'sell', Math.floor(Math.random() * KILL_WITHIN_MS), () => {
      if (killSwitch) switchDeath = new Promise((ok) => setTimeout(() => void sw.kill().then(ok), Math.floor(Math.random() * 100)));
    });
    if (switchDeath) {
      await switchDeath;
      switchKills++;
      await sw.start();
    }
    r.started.forEach((id) => started.add(id));
    if (r.killed) kills++;
  }
  const final = await run(dir, 'drain', null);
  expect(final.out).toContain('drained');

  const store = openTillStore(join(dir, 'till.db'));
  const sales = store.findSales({ limit: 5000 });
  const ids = new Set(sales.map((s) => s.id));
  const byType = async (type: string) => (await Promise.all(METERS.map((m) => ledger(type, m)))).flat();
  const [purchases, retries, reversals] = await Promise.all([byType('PURCHASE'), byType('RETRY'), byType('REVERSAL')]);
  const purchaseOf = new Map(purchases.map((t) => [t.id, t]));
  /** The switch's successful answers for a purchase id: its PURCHASE and any RETRY of it. */
  const soldAnswers = (id: string) => [...purchases, ...retries].filter((t) => (t.id === id || t.purchaseId === id) && t.status === 'SUCCESSFUL');

  const counts = { succeeded: 0, failed: 0, cancelled: 0 };
  // None lost: every sale the till answered for is in its store, and every purchase the switch saw is a till sale.
  for (const id of started) expect(ids.has(id), `sale ${id} lost`).toBe(true);
  for (const t of purchases) expect(ids.has(t.id), `switch purchase ${t.id} unknown to the till`).toBe(true);

  for (const s of sales) {
    expect(FINAL_SALE_STATES, `sale ${s.id} left ${s.state}`).toContain(s.state);
    counts[s.state as keyof typeof counts]++;
    const sold = soldAnswers(s.id);
    if (s.state === 'succeeded') {
      expect(s.slipPrinted, `sale ${s.id} without slip`).toBe(true);
      expect(sold.length, `till says sold, switch does not: ${s.id}`).toBeGreaterThan(0);
      // The amount the switch charged and the very tokens it answered are the till's.
      expect(purchaseOf.get(s.id)?.amount, `amount of ${s.id}`).toBe(s.amountCents);
      const answers = await Promise.all(sold.map((t) => admin<{ transaction: { responseBody: unknown } }>(`/transactions/${t.id}`)));
      const tokenSets = new Set(answers.map((a) => digits(a.transaction.responseBody)));
      expect([...tokenSets], `tokens of ${s.id}: every successful answer the same, and the till's`).toEqual([s.tokenText]);
      expect(store.advicesForSale(s.id).map((a) => `${a.kind}:${a.status}`)).toEqual(['confirmation:delivered']);
    }
    if (s.state === 'failed') expect(sold.length, `failed sale ${s.id} charged at the switch`).toBe(0);
    if (s.state === 'cancelled') {
      const adv = store.advicesForSale(s.id).filter((a) => a.kind === 'reversal');
      expect(adv.length).toBe(1);
      expect(['delivered', 'failed']).toContain(adv[0]!.status);
      if (sold.length > 0) expect(reversals.some((r) => r.purchaseId === s.id), `sold+cancelled ${s.id} without a reversal at the switch`).toBe(true);
    }
  }
  store.close();
  console.log(`crash test: ${kills} till kills, ${switchKills} switch kills, ${sales.length} sales: ${JSON.stringify(counts)}`);
  expect(kills).toBeGreaterThanOrEqual(KILLS);
  expect(switchKills).toBe(SWITCH_KILLS);
  expect(counts.succeeded).toBeGreaterThan(0);
  expect(counts.failed).toBeGreaterThan(0);
  expect(counts.cancelled).toBeGreaterThan(0);
});
