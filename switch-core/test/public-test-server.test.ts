/**
 * The public test server's own answers (../shared/reference/ppu-test-server/resources, served by a
 * stand-in shaped as its README says) sold through the switch, over real HTTP on loopback: all
 * eleven scenarios, then our own variants of those answers — one per rule of reading an answer as
 * the models' binding reads it — and an answer that cannot be read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newId, type FaultReportRequest, type PpuClient } from '../protocol';
import { lookupRequest, purchaseRequest, TEST_ORIGINATOR } from '../protocol/test/fixtures';
import { startSwitch, type RunningSwitch } from '../index';
import { admin, tillClient, type TxDetail } from './helpers';
import { PUBLIC_METERS, scenarioFile, startPublicTestServer, type Json, type JsonObject, type PublicTestServer, type Variant } from './public-test-server';

const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

interface Rig {
  server: PublicTestServer;
  sw: RunningSwitch;
  till: PpuClient;
}

async function rig(variant?: Variant): Promise<Rig> {
  const server = await startPublicTestServer(variant ? { variant } : {});
  closers.push(() => server.close());
  const dir = mkdtempSync(join(tmpdir(), 'public-server-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const sw = await startSwitch({
    dataDir: dir,
    port: 0,
    auth: { username: 'till', password: 'pw' },
    providers: [
      {
        descriptor: { id: 'PUB', name: 'Public test server', capabilities: { retries: true, reprints: false, trialPurchases: false, faultReports: true, keyChange: true }, utilityTypes: ['ELECTRICITY'] },
        baseUrl: server.origin,
        username: server.username,
        password: server.password,
      },
    ],
  });
  closers.push(() => sw.close());
  const till = tillClient(sw);
  closers.push(() => till.close());
  return { server, sw, till };
}

const amountOf = (meterId: string) => Number(PUBLIC_METERS.find((m) => m.meterId === meterId)!.testCaseAmount);
/** The token digits a scenario's file holds, in its order. */
const fileTokens = (name: string) => ((scenarioFile(name).tokens ?? []) as JsonObject[]).map((t) => t.token);

async function sell(r: Rig, meterId: string) {
  const lk = await r.till.meterLookup(lookupRequest(meterId));
  expect(lk.outcome, JSON.stringify(lk)).toBe('successful');
  const p = await r.till.purchase(purchaseRequest(meterId, amountOf(meterId)));
  if (p.outcome !== 'successful') throw new Error(`${meterId}: ${JSON.stringify(p)}`);
  return p.body;
}

/** Rewrites every object in an answer (depth first). */
function everyObject(v: Json, f: (o: JsonObject) => JsonObject): Json {
  if (Array.isArray(v)) return v.map((x) => everyObject(x, f));
  if (v !== null && typeof v === 'object') return f(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, everyObject(x, f)])));
  return v;
}
const purchases = (variant: (a: JsonObject) => string): Variant => (a, path) => (path.startsWith('/tokenPurchases/') ? variant(a) : JSON.stringify(a));

describe("the public test server's eleven scenarios, sold through the switch", () => {
  let r: Rig;
  it.each(PUBLIC_METERS.map((m) => m.meterId!))("%s sells with the server's tokens", async (meterId) => {
    r ??= await rig();
    const body = await sell(r, meterId);
    expect(body.tokens.map((t) => t.token)).toEqual(fileTokens(meterId));
    expect(body.customer?.firstName).toBe(PUBLIC_METERS.find((m) => m.meterId === meterId)!.firstName);
  });

  it("TST006's key change tokens carry no currency: read in the request's, none lost", async () => {
    const body = await sell(r, 'TST006');
    expect(body.tokens.map((t) => [t.tokenType, t.amount?.amount, t.amount?.currency])).toEqual([
      ['KC', 0, '710'],
      ['KC', 0, '710'],
      ['STD', 8600, '710'],
    ]);
  });

  it("TST007's charges arrive with no description: shown as absent, the token sold", async () => {
    const body = await sell(r, 'TST007');
    expect(body.debtRecoveryCharges.map((c) => [c.description, c.amount?.amount, c.balance?.amount])).toEqual([[undefined, 4300, 27300]]);
    expect(body.serviceCharges.map((c) => [c.description, c.amount?.amount])).toEqual([[undefined, 4300]]);
  });

  it('a key change request answers 201 with the two key change tokens', async () => {
    const res = await r.till.keyChangeToken({ ...lookupRequest('TST006') });
    expect(res.outcome, JSON.stringify(res)).toBe('successful');
    if (res.outcome === 'successful') expect(res.body.tokens.map((t) => t.token)).toEqual(fileTokens('KeyChangeToken'));
  });
});

describe('variants of its answers, one per rule of reading', () => {
  it('unknown properties are ignored, and not passed on', async () => {
    const r = await rig(purchases((a) => JSON.stringify({ ...everyObject(a, (o) => ('token' in o ? { ...o, expiresAt: '2027-01-01' } : o)) as JsonObject, loyalty: { points: 5 } })));
    const body = await sell(r, 'TST001');
    expect(body.tokens.map((t) => t.token)).toEqual(fileTokens('TST001'));
    expect(JSON.stringify(body)).not.toMatch(/loyalty|expiresAt/);
  });

  it('absent or null lists read as empty', async () => {
    const r = await rig(purchases((a) => JSON.stringify(everyObject({ ...a, thirdPartyIdentifiers: null, serviceCharges: null }, (o) => ('token' in o ? { ...o, tariffCalc: null } : o)))));
    const body = await sell(r, 'TST008');
    expect(body.tokens.map((t) => [t.token, t.tariffCalc])).toEqual([[fileTokens('TST008')[0], []]]);
    expect([body.thirdPartyIdentifiers, body.serviceCharges, body.debtRecoveryCharges.length]).toEqual([[], [], 2]);
  });

  it('numbers as strings or floats are coerced', async () => {
    const r = await rig(purchases((a) => JSON.stringify(a).replace(/"amount":8600,/g, '"amount":"8600",').replace(/"tax":1400/g, '"tax":1400.0').replace(/"units":73.8/g, '"units":"73.8"')));
    const body = await sell(r, 'TST001');
    expect(body.tokens.map((t) => [t.amount?.amount, t.amount?.tax, t.units])).toEqual([[8600, 1400, 73.8]]);
  });

  it('a currency as a number or absent is read, absent as the request’s', async () => {
    const r = await rig(
      purchases((a) => JSON.stringify(everyObject(a, (o) => ('currency' in o ? (o.amount === 4300 ? { ...o, currency: 710 } : Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'currency'))) : o)))),
    );
    const body = await sell(r, 'TST007');
    expect(body.tokens[0]?.amount?.currency).toBe('710');
    expect(body.debtRecoveryCharges[0]?.amount?.currency).toBe('710');
    expect(body.debtRecoveryCharges[0]?.balance?.currency).toBe('710');
  });

  it('times with any ISO 8601 offset are read', async () => {
    for (const time of ['2026-12-07T14:00:00+0200', '2026-12-07T14:00:00+02', '2026-12-07T12:00:00.123456Z']) {
      const r = await rig(purchases((a) => JSON.stringify({ ...a, time })));
      const body = await sell(r, 'TST001');
      expect([body.time, body.tokens.length]).toEqual([time, 1]);
    }
  });

  it("a fault type is read by its travelling string or its constant's name, and sent on as the string", async () => {
    const r = await rig();
    expect((await r.till.meterLookup(lookupRequest('TST006'))).outcome).toBe('successful');
    const tx = { time: new Date().toISOString(), originator: TEST_ORIGINATOR, client: { id: '0001', name: 'Test Retailer' }, thirdPartyIdentifiers: [], meter: { meterId: 'TST006' }, contactNumber: '0820000000' };
    for (const faultType of ['KeepsTripping', 'KEEPS_TRIPPING']) {
      const id = newId();
      const res = await fetch(`${r.sw.url}/prepaidutility/v3/faultReports/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from('till:pw').toString('base64') },
        body: JSON.stringify({ ...tx, id, faultType }),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      expect(r.server.requests.find((q) => q.body.id === id)?.body.faultType).toBe('KeepsTripping');
    }
    const sent: FaultReportRequest = { ...tx, id: newId(), faultType: 'KeepsTripping' };
    expect((await r.till.faultReport(sent)).outcome).toBe('successful');
  });

  it('an answer with nothing but its id and the token digits still sells the token', async () => {
    const r = await rig(purchases((a) => JSON.stringify({ id: a.id, tokens: (a.tokens as JsonObject[]).map((t) => ({ token: t.token })) })));
    const body = await sell(r, 'TST006');
    expect(body.tokens.map((t) => t.token)).toEqual(fileTokens('TST006'));
    expect([body.meter, body.utility, body.tokens[0]?.amount]).toEqual([undefined, undefined, undefined]);
  });
});

describe('an answer that cannot be read', () => {
  it('is kept raw in the trace, leaves the purchase unknown for the retry, says so, and never opens the circuit', async () => {
    const broken = (a: JsonObject) => JSON.stringify({ ...a, tokens: (a.tokens as JsonObject[]).map(({ token: _t, ...rest }) => rest) });
    const r = await rig(purchases(broken));
    const sales = [];
    for (let i = 0; i < 7; i++) {
      const req = purchaseRequest('TST001', 10000);
      const p = await r.till.purchase(req);
      expect(p).toMatchObject({ outcome: 'unknown', status: 504, error: { errorType: 'OUTCOME_UNKNOWN' } });
      sales.push(req);
    }
    const last = sales[6]!;
    const detail = await admin(r.sw).get<TxDetail & { transaction: { status: string; responseBody: { detailMessage: { message: string } } } }>(`/transactions/${last.id}`);
    expect(detail.body.transaction.status).toBe('UNKNOWN');
    expect(detail.body.transaction.responseBody.detailMessage.message).toContain('answer could not be read');
    const hop = detail.body.traces.find((t) => t.direction === 'switch->provider' && t.status !== null);
    expect(hop).toMatchObject({ status: 201, responseBody: { id: last.id, tokens: [{ tokenType: 'STD', receiptNum: 'RCT10001' }] } });
    const providers = await admin(r.sw).get<{ providers: Array<{ id: string; circuit: string }> }>('/providers');
    expect(providers.body.providers.find((p) => p.id === 'PUB')?.circuit).toBe('closed');
    // The till's retry of a purchase left unknown still reaches the provider (its /retry).
    const retried = await r.till.retryPurchase(last);
    expect(retried.outcome).toBe('unknown');
    expect(r.server.requests.filter((q) => q.path === `/tokenPurchases/${last.id}/retry`).length).toBeGreaterThan(0);
  });
});

describe('when no provider can be asked', () => {
  it('a lookup and a purchase answer 503 UPSTREAM_UNAVAILABLE with the reason, never UNKNOWN_METER_ID — also once every circuit is open', async () => {
    const r = await rig();
    await r.server.close(); // the provider is down: connections refused
    const errors: Array<[number | null, string | undefined]> = [];
    for (let i = 0; i < 7; i++) {
      const lk = await r.till.meterLookup(lookupRequest('TST001'));
      errors.push([lk.status, lk.outcome === 'successful' ? 'sold' : lk.error?.errorType]);
    }
    expect(errors).toEqual(Array.from({ length: 7 }, () => [503, 'UPSTREAM_UNAVAILABLE']));
    const providers = await admin(r.sw).get<{ providers: Array<{ id: string; circuit: string }> }>('/providers');
    expect(providers.body.providers.map((p) => p.circuit)).toEqual(['open']);
    const lk = await r.till.meterLookup(lookupRequest('TST001'));
    expect(lk.outcome === 'failed' && (lk.error?.detailMessage as { message?: string } | undefined)?.message).toMatch(/circuit open/);
    const p = await r.till.purchase(purchaseRequest('TST002', 10000));
    expect([p.status, p.outcome === 'failed' ? p.error?.errorType : p.outcome]).toEqual([503, 'UPSTREAM_UNAVAILABLE']);
  });
});

describe('card data', () => {
  const FULL = '4111111111111111';
  const base = () => ({ time: new Date().toISOString(), originator: TEST_ORIGINATOR, client: { id: '0001', name: 'Test Retailer' }, thirdPartyIdentifiers: [] });
  const post = (r: Rig, path: string, body: unknown) =>
    fetch(`${r.sw.url}/prepaidutility/v3${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from('till:pw').toString('base64') },
      body: JSON.stringify(body),
    });

  it('a card payment or tender showing more than the first 6 and last 4 digits is refused (400 naming the field), the number not echoed', async () => {
    const r = await rig();
    const id = newId();
    const amount = { amount: 10000, currency: '710' };
    const pan = await post(r, `/tokenPurchases/${id}`, { ...base(), id, meter: { meterId: 'TST001' }, purchaseAmount: amount, paymentMethods: [{ type: 'CARD', pan: FULL, amount }] });
    const panText = await pan.text();
    expect([pan.status, JSON.parse(panText).detailMessage.formatErrors[0].field]).toEqual([400, 'paymentMethods.0.pan']);
    const id2 = newId();
    const tender = await post(r, `/tokenPurchases/${id2}`, { ...base(), id: id2, meter: { meterId: 'TST001' }, purchaseAmount: amount, tenders: [{ tenderType: 'CREDIT_CARD', amount, cardNumber: FULL }] });
    const tenderText = await tender.text();
    expect([tender.status, JSON.parse(tenderText).detailMessage.formatErrors[0].field]).toEqual([400, 'tenders.0.cardNumber']);
    for (const text of [panText, tenderText]) expect(text).not.toContain(FULL);
    const ok = newId();
    expect((await post(r, `/meterLookups/${ok}`, { ...base(), id: ok, meter: { meterId: 'TST001' } })).status).toBe(201);
    const sold = newId();
    const paid = await post(r, `/tokenPurchases/${sold}`, { ...base(), id: sold, meter: { meterId: 'TST001' }, purchaseAmount: amount, paymentMethods: [{ type: 'CARD', pan: '411111******1111', amount }] });
    expect(paid.status).toBe(201);
  });

  it('a Luhn-valid 13–19 digit number in free text is masked before it is stored, traced or passed on — in requests and in answers', async () => {
    const r = await rig(purchases((a) => JSON.stringify({ ...a, customer: { ...(a.customer as JsonObject), address: `Card 5500 0000 0000 0004 left here` } })));
    expect((await r.till.meterLookup(lookupRequest('TST006'))).outcome).toBe('successful');
    const fault: FaultReportRequest = { ...base(), id: newId(), meter: { meterId: 'TST006' }, contactNumber: '0820000000', faultType: 'MeterDead', faultDescription: `Paid with ${FULL}, meter 0100000001 still dead` };
    expect((await r.till.faultReport(fault)).outcome).toBe('successful');
    expect(r.server.requests.find((q) => q.body.id === fault.id)?.body.faultDescription).toBe('Paid with 411111******1111, meter 0100000001 still dead');
    const detail = await admin(r.sw).get<unknown>(`/transactions/${fault.id}`);
    expect(JSON.stringify(detail.body)).toContain('411111******1111');
    expect(JSON.stringify(detail.body)).not.toContain(FULL);
    const sale = await sell(r, 'TST001');
    expect(sale.customer?.address).toBe('Card 550000******0004 left here');
    const saleDetail = await admin(r.sw).get<unknown>(`/transactions/${sale.id}`);
    expect(JSON.stringify(saleDetail.body)).not.toMatch(/5500 0000 0000 0004/);
  });
});
