/**
 * The till listing several switches, over real HTTP on 127.0.0.1: two real switches (certification
 * profile, each on its own data directory), a port that refuses connections, and a relay that lets a
 * purchase reach its switch and then cuts the till's connection before the answer. Where each sale
 * was sold is read from each switch's ledger; which switch the till uses, from its status.
 */
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, startTill, waitSale, type Target, type TestTill } from './harness';

const cash = { type: 'CASH' as const };
const label = (url: string) => new URL(url).host;

let a: Target;
let b: Target;
const tills: TestTill[] = [];
beforeAll(async () => {
  [a, b] = await Promise.all([startTarget(), startTarget()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});
afterEach(async () => {
  for (const t of tills.splice(0)) {
    await t.backend.close();
    t.backend.store.close();
  }
  await Promise.all([a.up(), b.up()]);
});

/** A till whose switch URL setting lists `urls`, in that order. */
async function tillListing(urls: string[], dir?: string, workerIntervalMs?: number): Promise<TestTill> {
  const till = await startTill(a, { ...(dir ? { dir } : {}), ...(workerIntervalMs !== undefined ? { workerIntervalMs } : {}) });
  tills.push(till);
  const set = await till.api.setSettings({ switchUrl: urls.join(','), switchUsername: a.username, switchPassword: a.password });
  if (!set.ok) throw new Error(set.error.message);
  return till;
}

async function sold(till: TestTill, lookupFirst = true) {
  const lk = lookupFirst ? await till.api.lookupMeter({ meterId: 'TST001' }) : null;
  if (lk && !lk.ok) throw new Error(lk.error.message);
  const p = await till.api.purchase({ lookupRef: lk?.value.lookupRef, meterId: 'TST001', amountCents: 10000, tender: cash });
  if (!p.ok) throw new Error(p.error.message);
  const done = await waitSale(till.api, p.value.saleId, (s) => s !== 'purchasing' && s !== 'retrying');
  expect(done.state).toBe('succeeded');
  expect(done.tokens[0]?.grouped).toMatch(/^\d{4}( \d{4}){4}$/);
  return done.saleId;
}

async function switchStatus(till: TestTill) {
  const st = await till.api.status({});
  if (!st.ok) throw new Error(st.error.message);
  return st.value.switch;
}

async function traces(till: TestTill, saleId: string) {
  await till.backend.idle();
  const d = await till.api.getTransaction({ saleId });
  if (!d.ok) throw new Error(d.error.message);
  return d.value.traces.map((t) => ({ operation: t.operation, at: label(t.url), status: t.status }));
}

/** A port nothing listens on: connections to it are refused. */
async function refusingPort(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/**
 * Forwards to `to`. `cutAnswers`: cuts the till's connection the moment the switch starts answering
 * (the request arrived, no answer came back). `refuseNew()` stops taking connections while those open
 * carry on: a switch gone for new requests whose answer to an earlier one is still on its way.
 */
async function relay(to: string, cutAnswers: boolean) {
  const { hostname, port } = new URL(to);
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const up = net.connect(Number(port), hostname);
    for (const s of [client, up]) {
      open.add(s);
      s.on('error', () => undefined);
      s.once('close', () => open.delete(s));
    }
    client.pipe(up);
    if (!cutAnswers) up.pipe(client);
    else
      up.once('data', () => {
        client.destroy();
        up.destroy();
      });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let closed: Promise<void> | null = null;
  const refuseNew = () => (closed ??= new Promise<void>((r) => server.close(() => r())));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    refuseNew: () => void refuseNew(),
    close: async () => {
      for (const s of open) s.destroy();
      await refuseNew();
    },
  };
}

describe('a till listing several switches', () => {
  it('[dead, live]: sells at the live one, the purchase sent there as new because the dead one was never connected', async () => {
    const dead = await refusingPort();
    const till = await tillListing([`${dead}/prepaidutility/v3`, b.url]);
    const saleId = await sold(till, false);
    expect(b.purchaseCount(saleId)).toBe(1);
    expect((await traces(till, saleId)).filter((t) => t.operation.startsWith('purchase'))).toEqual([
      { operation: 'purchase', at: label(dead), status: null },
      { operation: 'purchase', at: label(b.url), status: 201 },
    ]);
    expect(await switchStatus(till)).toMatchObject({ reachable: true, inUse: label(b.url), position: 2, count: 2, failedOverFrom: label(dead) });
    // "Test connection" tries each listed switch and says how each answered.
    const tested = await till.api.testConnection({});
    expect(tested.ok && tested.value.reachable).toBe(true);
    expect(tested.ok && tested.value.message).toMatch(new RegExp(`^1 of 2, ${label(dead)}: The switch cannot be reached .*ECONNREFUSED.* 2 of 2, ${label(b.url)}: The switch answered in \\d+ ms\\.$`));
    // Lookups follow: the next sale goes straight to the switch in use.
    const next = await sold(till);
    expect((await traces(till, next)).map((t) => t.at)).not.toContain(label(dead));
  });

  it('[A, B]: A closes mid-run, the next sale succeeds at B; the till stays on B when A is back, and starts on A after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'till-failover-'));
    let till = await tillListing([a.url, b.url], dir);
    const first = await sold(till);
    expect([a.purchaseCount(first), b.purchaseCount(first)]).toEqual([1, 0]);
    expect(await switchStatus(till)).toMatchObject({ inUse: label(a.url), position: 1, count: 2, failedOverFrom: null });

    await a.down();
    const second = await sold(till);
    expect(b.purchaseCount(second)).toBe(1);
    expect(await switchStatus(till)).toMatchObject({ reachable: true, inUse: label(b.url), position: 2, count: 2, failedOverFrom: label(a.url) });
    // Its confirmation went to B too (delivered now, not whenever the background worker's next turn comes under load).
    await till.backend.tick();
    expect(await traces(till, second)).toContainEqual({ operation: 'confirmation', at: label(b.url), status: 202 });

    await a.up();
    const third = await sold(till);
    expect([a.purchaseCount(third), b.purchaseCount(third)]).toEqual([0, 1]); // no flapping back

    await till.backend.close();
    till.backend.store.close();
    tills.splice(tills.indexOf(till), 1);
    till = await startTill(a, { dir });
    tills.push(till);
    expect((await till.api.setSettings({ switchPassword: a.password })).ok).toBe(true); // the test's secrets live in memory
    expect(await switchStatus(till)).toMatchObject({ inUse: label(a.url), position: 1, failedOverFrom: null });
    const fourth = await sold(till);
    expect(a.purchaseCount(fourth)).toBe(1);
  });

  it('B failing later takes the till back to the first listed', async () => {
    const till = await tillListing([a.url, b.url]);
    await a.down();
    await sold(till);
    await a.up();
    await b.down();
    const back = await sold(till);
    expect(a.purchaseCount(back)).toBe(1);
    expect(await switchStatus(till)).toMatchObject({ inUse: label(a.url), position: 1, failedOverFrom: null });
  });

  it('a purchase whose first switch got it and gave no answer is finished by /retry with the same id at the next', async () => {
    const cut = await relay(a.url, true);
    try {
      const till = await tillListing([cut.url, b.url]);
      const saleId = await sold(till, false);
      const sent = (await traces(till, saleId)).filter((t) => t.operation.startsWith('purchase'));
      expect(sent).toEqual([
        { operation: 'purchase', at: label(cut.url), status: null },
        { operation: 'purchaseRetry', at: label(b.url), status: 201 },
      ]);
      // A sold it before the cut; B never saw the id and took the retry as the purchase. Two switches
      // on two databases each sold it once — why the listed switches must be nodes of one switch.
      expect([a.purchaseCount(saleId), b.purchaseCount(saleId)]).toEqual([1, 1]);
      expect(await switchStatus(till)).toMatchObject({ inUse: label(b.url), failedOverFrom: label(cut.url) });
    } finally {
      await cut.close();
    }
  });

  it('a confirmation owed to A goes to B, with the same advice id, when A is gone', async () => {
    const till = await tillListing([a.url, b.url], undefined, 0); // advices only when the test ticks
    const saleId = await sold(till);
    await till.backend.idle();
    const owed = await till.api.getTransaction({ saleId });
    const advice = owed.ok ? owed.value.advices[0] : undefined;
    expect(advice).toMatchObject({ kind: 'confirmation', status: 'queued' });
    await a.down();
    await till.backend.tick();
    const sent = (await traces(till, saleId)).filter((t) => t.operation === 'confirmation');
    expect(sent.map((t) => t.at)).toEqual([label(a.url), label(b.url)]);
    expect(sent.map((t) => t.status === null)).toEqual([true, false]); // A refused; B answered
    const d = await till.api.getTransaction({ saleId });
    const bodies = d.ok ? d.value.traces.filter((t) => t.operation === 'confirmation').map((t) => (t.requestBody as { id: string }).id) : [];
    expect(bodies).toEqual([advice?.id, advice?.id]);
  });

  it('a late answer from the switch the till left does not take it back there', async () => {
    const toA = await relay(a.url, false);
    a.setBehaviour({ latencyMs: 600 });
    try {
      const till = await tillListing([toA.url, b.url]);
      const slow = till.api.lookupMeter({ meterId: 'TST001' }); // on its way to A
      await new Promise((r) => setTimeout(r, 150));
      toA.refuseNew();
      const moved = await till.api.lookupMeter({ meterId: 'TST001' }); // refused by A: answered by B
      expect(moved.ok).toBe(true);
      expect((await slow).ok).toBe(true); // A's answer arrives after the move
      expect(await switchStatus(till)).toMatchObject({ inUse: label(b.url), position: 2, failedOverFrom: label(toA.url) });
    } finally {
      a.setBehaviour({ latencyMs: 0 });
      await toA.close();
    }
  });
});
