/**
 * Two `ppu-switch serve --store postgres://…` processes on one PostgreSQL database, in front of one
 * provider (the hand-written stand-in, recording every request it gets). A stream of sales — a
 * lookup, then a purchase — goes to both nodes, as tills spread over a load balancer would; one node
 * is SIGKILLed in the middle. A till whose request got no answer repeats it, same id and body, at
 * the other node — as the till's own failover does, for lookups as for purchases. Then: every
 * lookup answered, every purchase ended successful (none unknown), none lost from the shared
 * ledger, the provider saw each purchase id once as a new sale, each confirmation reached the
 * provider (at most the one under way at the kill twice), and the surviving node leads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId, nowIso, PpuClient, type ConfirmationAdvice, type PpuResult, type PurchaseAnswer } from '../protocol';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';
import { createTestDatabase } from '../../test-support/postgres';
import { describeWithPostgres } from '../../test-support/postgres-for-tests';
import { startSwitchProcess, type SwitchProcess } from './cli-process';
import { STAND_IN_METERS, STAND_IN_TOKEN, standInProvidersFile, startStandInProvider, type StandInProvider } from './published-shapes-provider';
import { until } from './helpers';

const AUTH = { username: 'till', password: 'multi-node-pw' };
const PURCHASES = 120;
const CONCURRENT = 6;
/** The node dies once this many sales have ended, while a lookup and a purchase are under way at it. */
const KILL_AFTER = 40;

const adminGet = async <T>(node: SwitchProcess, path: string): Promise<T> => {
  const res = await fetch(`${node.url}/admin/v1${path}`, { headers: { authorization: 'Basic ' + Buffer.from(`${AUTH.username}:${AUTH.password}`).toString('base64') } });
  return (await res.json()) as T;
};
const nodeView = (node: SwitchProcess) => adminGet<{ nodeId: string; store: string; leading: boolean }>(node, '/node');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithPostgres('two switch nodes on one PostgreSQL database', (serverUrl) => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let provider: StandInProvider;
  let dir: string;
  let a: SwitchProcess;
  let b: SwitchProcess;

  beforeAll(async () => {
    db = await createTestDatabase(serverUrl);
    provider = await startStandInProvider({ latencyMs: 15 });
    dir = mkdtempSync(join(tmpdir(), 'multi-node-'));
    const file = join(dir, 'providers.json');
    writeFileSync(file, standInProvidersFile(provider, { password: provider.password }, 5_000));
    const args = (node: string) => ['--store', db.url, '--providers', file, '--auth', `${AUTH.username}:${AUTH.password}`, '--node-id', node, '--advice-lease', '3'];
    a = await startSwitchProcess(args('A'));
    await until(async () => (await nodeView(a)).leading, 100, 100);
    b = await startSwitchProcess(args('B'));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await provider?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('one purchase sent to both nodes at once is sold once; the repeat is answered with the sale (or, still under way, unknown until retried); the id reused for another body is DUPLICATE_RECORD', async () => {
    const [ca, cb] = [a, b].map((n) => new PpuClient({ baseUrl: n.url, ...AUTH, timeoutMs: 10_000 }));
    const req = purchaseRequest(STAND_IN_METERS.published, 10_000);
    const answers = await Promise.all([ca!.purchase(req), cb!.purchase(req)]);
    expect(answers.map((r) => r.outcome).filter((o) => o !== 'successful' && o !== 'unknown')).toEqual([]);
    expect(answers.some((r) => r.outcome === 'successful')).toBe(true);
    expect(provider.requests.filter((r) => r.path.endsWith(`/tokenPurchases/${req.id}`))).toHaveLength(1);
    const later = await cb!.purchase(req);
    expect([later.status, later.outcome === 'successful' && later.body.tokens[0]?.token]).toEqual([201, STAND_IN_TOKEN]);
    expect(provider.requests.filter((r) => r.path.endsWith(`/tokenPurchases/${req.id}`))).toHaveLength(1);
    const reused = await cb!.purchase({ ...req, purchaseAmount: { amount: 20_000, currency: '710' } });
    expect(reused.outcome === 'failed' && reused.error?.errorType).toBe('DUPLICATE_RECORD');
    await Promise.all([ca!.close(), cb!.close()]);
  });

  it('a lookup repeated on the second node answers 201 with the stored answer; its id reused for another meter is DUPLICATE_RECORD', async () => {
    const [ca, cb] = [a, b].map((n) => new PpuClient({ baseUrl: n.url, ...AUTH, timeoutMs: 10_000 }));
    const req = lookupRequest(STAND_IN_METERS.published);
    const first = await ca!.meterLookup(req);
    expect(first.outcome).toBe('successful');
    // Reading at A writes out A's batch: B finds the stored answer. Were A's outcome still riding the
    // batch, B would ask afresh under the id (a repeat of an unfinished lookup), filing that ask under it
    // and making the trace count below a race.
    await adminGet(a, `/transactions/${req.id}`);
    const again = await cb!.meterLookup(req);
    expect([again.status, again.outcome === 'successful' && again.body.customer?.firstName]).toEqual([201, 'Thandeka']);
    const reused = await cb!.meterLookup({ ...req, meter: { meterId: STAND_IN_METERS.noTokens } });
    expect(reused.outcome === 'failed' && reused.error?.errorType).toBe('DUPLICATE_RECORD');
    // B asks the provider while its row goes in (its insert refused only then): none of that is filed under A's lookup
    // (reading at B writes out what B holds first).
    const traced = async () => (await adminGet<{ traces: { direction: string; requestBody: { meter?: { meterId?: string } } | null }[] }>(b, `/transactions/${req.id}`)).traces;
    await until(async () => (await traced()).length > 0, 100, 50);
    expect((await traced()).filter((t) => t.direction === 'switch->provider').map((t) => t.requestBody?.meter?.meterId)).toEqual([STAND_IN_METERS.published]);
    await Promise.all([ca!.close(), cb!.close()]);
  });

  it('a node SIGKILLed mid-stream: every purchase ends sold, once, in the shared ledger; confirmations delivered; the other node leads', async () => {
    expect((await nodeView(a)).leading).toBe(true);
    expect((await nodeView(b)).leading).toBe(false);
    const clients = new Map([a, b].map((n) => [n, new PpuClient({ baseUrl: n.url, ...AUTH, timeoutMs: 10_000 })]));
    const other = (n: SwitchProcess) => (n === a ? b : a);
    let ended = 0;
    let killed: Promise<void> | null = null;
    const outcomes = new Map<string, PpuResult<PurchaseAnswer>>();
    const advised: string[] = [];
    let failedOver = 0;
    let lookupsFailedOver = 0;
    const lookups: string[] = [];
    // What is under way at A right now: the kill waits until a purchase begins there while a lookup
    // is under way, so it catches each kind mid-flight however the load has spread the sales (armed
    // by a lookup's start instead, it could fall in the last milliseconds of the only purchase).
    const atA = { lookups: 0, purchases: 0 };
    const maybeKill = (starting: keyof typeof atA) => {
      const both = starting === 'purchases' && atA.lookups > 0;
      if (!killed && ended >= KILL_AFTER && (both || ended >= KILL_AFTER * 2)) killed = sleep(5).then(() => a.kill());
    };
    const atAWhile = async <T>(node: SwitchProcess, kind: keyof typeof atA, call: () => Promise<T>): Promise<T> => {
      if (node !== a || killed) return call();
      atA[kind]++;
      maybeKill(kind);
      try {
        return await call();
      } finally {
        atA[kind]--;
      }
    };

    /**
     * One till's sale: a lookup, then the purchase, to its node; no answer at all → the same request
     * at the other node (a lookup as it was, a purchase as a retry), until final.
     */
    const sell = async (i: number) => {
      let node = i % 2 === 0 ? a : b;
      const lookup = lookupRequest(STAND_IN_METERS.published);
      let lk = await atAWhile(node, 'lookups', () => clients.get(node)!.meterLookup(lookup));
      for (let attempt = 0; lk.outcome === 'unknown' && attempt < 10; attempt++) {
        if (attempt === 0) lookupsFailedOver++;
        node = other(node);
        await sleep(100);
        lk = await clients.get(node)!.meterLookup(lookup);
      }
      lookups.push(lk.outcome === 'successful' ? 'answered' : `${lk.outcome} ${lk.status} ${lk.error?.errorType}`);
      const req = purchaseRequest(STAND_IN_METERS.published, 10_000);
      const buying = node;
      let r = await atAWhile(buying, 'purchases', () => clients.get(buying)!.purchase(req));
      for (let attempt = 0; r.outcome === 'unknown' && attempt < 10; attempt++) {
        if (attempt === 0) failedOver++;
        node = other(node);
        await sleep(100);
        r = await clients.get(node)!.retryPurchase(req);
      }
      outcomes.set(req.id, r);
      if (r.outcome === 'successful') {
        const advice: ConfirmationAdvice = { id: newId(), requestId: req.id, time: nowIso(), thirdPartyIdentifiers: [], tenders: req.tenders ?? [] };
        // An advice goes where the till now sells; after the kill that is the survivor.
        let c = await clients.get(killed ? b : node)!.confirm(advice);
        if (c.outcome !== 'successful') c = await clients.get(b)!.confirm(advice);
        if (c.outcome === 'successful') advised.push(advice.id);
      }
      ended++;
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        while (next < PURCHASES) await sell(next++);
      }),
    );
    await killed;
    expect(killed).not.toBeNull();
    // The kill caught sales under way at the dead node: they were finished at the other.
    expect(failedOver).toBeGreaterThan(0);
    expect(lookupsFailedOver).toBeGreaterThan(0);
    // Every lookup was answered, those repeated at the survivor too (never DUPLICATE_RECORD).
    expect(lookups.filter((l) => l !== 'answered')).toEqual([]);
    expect(lookups).toHaveLength(PURCHASES);

    // Every purchase final and sold (the stand-in approves them all): none left unknown after its retry.
    expect(outcomes.size).toBe(PURCHASES);
    expect([...outcomes.values()].filter((r) => r.outcome !== 'successful').map((r) => r.outcome)).toEqual([]);
    // The provider saw each purchase id at most once as a new sale; a retry is a retry, never a second sale.
    for (const id of outcomes.keys()) expect(provider.requests.filter((r) => r.path.endsWith(`/tokenPurchases/${id}`)).length).toBeLessThanOrEqual(1);
    // Nothing lost: the survivor's ledger (the shared database) holds every purchase, sold, final.
    for (const id of outcomes.keys()) {
      const { transaction } = await adminGet<{ transaction: { status: string; type: string } }>(b, `/transactions/${id}`);
      expect(transaction).toMatchObject({ type: 'PURCHASE', status: 'SUCCESSFUL' });
    }
    // Each confirmation accepted by a node reaches the provider; only one under way at the kill may go twice.
    expect(advised).toHaveLength(PURCHASES);
    const deliveries = () => advised.map((id) => provider.requests.filter((r) => r.path.endsWith(`/confirmations/${id}`)).length);
    await until(async () => deliveries().every((n) => n >= 1), 300, 100);
    expect(deliveries().filter((n) => n > 1).length).toBeLessThanOrEqual(1);
    // The leader's jobs moved to the survivor within a few leadership checks.
    await until(async () => (await nodeView(b)).leading, 100, 100);
    for (const c of clients.values()) await c.close();
  }, 120_000);
});
