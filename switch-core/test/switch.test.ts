/**
 * The switch end to end over real HTTP on loopback, against the ten real simulated providers
 * (demo profile): auth, bad input, broadcast with a provider that never answers, the rebroadcast
 * flag life cycle, ranked/excluded/weighted routing with a down provider, unknown-outcome retry at
 * the same provider, duplicate ids, capabilities and the admin views.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DEMO_METERS, DEFAULT_BEHAVIOUR } from '../providers';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';
import { newId, PpuClient } from '../protocol';
import { startSwitch, type RunningSwitch } from '../index';
import type { SqliteSwitchStore } from '../store';
import { admin, fixedRng, tillClient, until, type MeterDetail, type TxDetail } from './helpers';

let sw: RunningSwitch;
let till: PpuClient;
let dir: string;

const statusOf = (d: MeterDetail, id: string) => d.providers.find((p) => p.providerId === id)?.status;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switch-test-'));
  sw = await startSwitch({ dataDir: dir, port: 0, profile: 'demo', auth: { username: 'till', password: 's3cret' }, broadcastTimeoutMs: 1_000, providerTimeoutMs: 600, rng: fixedRng() });
  till = tillClient(sw);
});

beforeEach(() => {
  for (const p of sw.providers) p.setBehaviour({ ...DEFAULT_BEHAVIOUR });
});

afterAll(async () => {
  await till?.close();
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function providerOf(id: string): Promise<string | null> {
  const d = await admin(sw).get<TxDetail>(`/transactions/${id}`);
  return d.body.transaction.providerId;
}

describe('auth and bad input', () => {
  it('refuses a request without or with wrong credentials with 401 and WWW-Authenticate', async () => {
    const none = await fetch(sw.url + '/admin/v1/health');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    const wrong = tillClient(sw, 'wrong');
    const r = await wrong.meterLookup(lookupRequest(DEMO_METERS.plain));
    expect(r.status).toBe(401);
    await wrong.close();
    // Once the right password was seen, a wrong one for the same user is still refused.
    const basic = (password: string) => ({ authorization: 'Basic ' + Buffer.from(`till:${password}`).toString('base64') });
    expect((await fetch(sw.url + '/admin/v1/health', { headers: basic('s3cret') })).status).toBe(200);
    expect((await fetch(sw.url + '/admin/v1/health', { headers: basic('s3cret-not') })).status).toBe(401);
  });

  it('answers unparsable JSON (naming the path id and request type, as ErrorDetail requires) and a path id that differs from the body id with 400 FORMAT_ERROR', async () => {
    const auth = 'Basic ' + Buffer.from('till:s3cret').toString('base64');
    const badId = newId();
    const bad = await fetch(`${sw.url}/prepaidutility/v3/meterLookups/${badId}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{"id":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ errorType: 'FORMAT_ERROR', id: badId, requestType: 'METER_LOOKUP_REQUEST' });
    const req = lookupRequest(DEMO_METERS.plain);
    const mismatch = await fetch(`${sw.url}/prepaidutility/v3/meterLookups/${newId()}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(req) });
    expect(mismatch.status).toBe(400);
  });
});

describe('contract table: broadcast and rebroadcast', () => {
  it('broadcasts an unknown meter to every provider, answers without waiting for one that never answers, and asks it again later', async () => {
    const meter = DEMO_METERS.unknownToContractTable; // Ekurhuleni: iPay, Ontec, Blue Label, EasyPay, Kazang
    expect((await admin(sw).get(`/meters/${meter}`)).status).toBe(404);
    sw.providers.find((p) => p.descriptor.id === 'P03')!.setBehaviour({ ignoreLookups: true });
    const r = await till.meterLookup(lookupRequest(meter));
    expect(r.outcome).toBe('successful');
    const after = await until(async () => {
      const d = (await admin(sw).get<MeterDetail>(`/meters/${meter}`)).body;
      return ['P01', 'P02', 'P04', 'P07'].every((id) => statusOf(d, id) === 'SUPPORTED') && statusOf(d, 'P05') === 'NOT_SUPPORTED' ? d : null;
    });
    expect(statusOf(after, 'P03')).toBe('UNCONFIRMED');
    expect(after.utility?.name).toBe('City of Ekurhuleni');

    sw.providers.find((p) => p.descriptor.id === 'P03')!.setBehaviour({ ignoreLookups: false });
    expect((await till.meterLookup(lookupRequest(meter))).outcome).toBe('successful');
    const later = await until(async () => {
      const d = (await admin(sw).get<MeterDetail>(`/meters/${meter}`)).body;
      return statusOf(d, 'P03') === 'SUPPORTED' ? d : null;
    });
    expect(later.providers.every((p) => p.status !== 'UNCONFIRMED')).toBe(true);
  });

  it('Confirm support: Unconfirmed until the next lookup, which asks them, updates statuses and clears the flag', async () => {
    const meter = DEMO_METERS.staleNotSupported; // Polokwane, stale: everyone Not supported
    const blocked = await till.meterLookup(lookupRequest(meter));
    expect(blocked.outcome).toBe('failed');
    expect(blocked.outcome === 'failed' && blocked.error?.errorType).toBe('UNKNOWN_METER_ID');

    const confirmed = await admin(sw).post<{ meter: MeterDetail; message: string }>(`/meters/${meter}/confirm-support`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.meter.rebroadcastFlag).toBe(true);
    expect(confirmed.body.meter.providers.every((p) => p.status === 'UNCONFIRMED')).toBe(true);
    expect(confirmed.body.message).toMatch(/rebroadcast/);

    const unblocked = await till.meterLookup(lookupRequest(meter));
    expect(unblocked.outcome).toBe('successful');
    const d = await until(async () => {
      const x = (await admin(sw).get<MeterDetail>(`/meters/${meter}`)).body;
      return !x.rebroadcastFlag ? x : null;
    });
    for (const id of ['P03', 'P04', 'P07', 'P10']) expect(statusOf(d, id)).toBe('SUPPORTED');
    expect(statusOf(d, 'P01')).toBe('NOT_SUPPORTED');
    expect(d.providers.find((p) => p.providerId === 'P04')?.lastResponseAt).not.toBeNull();
    expect((await till.purchase(purchaseRequest(meter, 5000))).outcome).toBe('successful');
  });
});

describe('routing', () => {
  it('routes to the ranked provider, fails over to the next ranked when it is down, never to an excluded one', async () => {
    const meter = DEMO_METERS.plain; // Cape Town: ranked EasyPay (P04), Syntell (P06); iPay (P01) excluded
    const first = purchaseRequest(meter, 5000);
    expect((await till.purchase(first)).outcome).toBe('successful');
    expect(await providerOf(first.id)).toBe('P04');

    sw.providers.find((p) => p.descriptor.id === 'P04')!.setBehaviour({ down: true });
    const second = purchaseRequest(meter, 5000);
    expect((await till.purchase(second)).outcome).toBe('successful');
    expect(await providerOf(second.id)).toBe('P06');

    sw.providers.find((p) => p.descriptor.id === 'P06')!.setBehaviour({ down: true });
    const used = new Set<string | null>();
    for (let i = 0; i < 4; i++) {
      const p = purchaseRequest(meter, 5000);
      expect((await till.purchase(p)).outcome).toBe('successful');
      used.add(await providerOf(p.id));
    }
    expect(used.has('P01')).toBe(false);
  });

  it('spreads a meter without preferences over its supporting providers in proportion to their load-balancer weights', async () => {
    // A switch of its own: no circuit left open by the other tests, and the seeded draws start afresh.
    const ownDir = mkdtempSync(join(tmpdir(), 'switch-weights-'));
    const own = await startSwitch({ dataDir: ownDir, port: 0, profile: 'demo', auth: { username: 'till', password: 'pw' }, rng: fixedRng() });
    const ownTill = tillClient(own);
    onTestFinished(async () => {
      await ownTill.close();
      await own.close();
      rmSync(ownDir, { recursive: true, force: true });
    });
    const meter = DEMO_METERS.weighted; // Ekurhuleni: no ranked providers, five supporting with unequal weights
    const supporting = (await admin(own).get<MeterDetail>(`/meters/${meter}`)).body.providers.filter((p) => p.status === 'SUPPORTED').map((p) => p.providerId);
    const weights = new Map((await admin(own).get<{ providers: { id: string; weight: number }[] }>('/providers')).body.providers.map((p) => [p.id, p.weight]));
    const total = supporting.reduce((sum, id) => sum + weights.get(id)!, 0);
    expect(new Set(supporting.map((id) => weights.get(id))).size).toBeGreaterThan(1); // unequal, or the test proves nothing
    const samples = 200;
    const ids = new Set<string>();
    for (let i = 0; i < samples; i++) {
      const p = purchaseRequest(meter, 2000);
      expect((await ownTill.purchase(p)).outcome).toBe('successful');
      ids.add(p.id);
    }
    const listed = (await admin(own).get<{ transactions: { id: string; providerId: string }[] }>(`/transactions?meter=${meter}&type=PURCHASE&limit=1000`)).body.transactions;
    const count = new Map<string, number>();
    for (const t of listed.filter((x) => ids.has(x.id))) count.set(t.providerId, (count.get(t.providerId) ?? 0) + 1);
    expect([...count.values()].reduce((a, b) => a + b, 0)).toBe(samples);
    // Fixed seed: the same draws every run. 0.07 is about two standard deviations at 200 samples,
    // well under the gap between weighted (5/90 ≈ 0.06 for Ontec) and even (0.2) shares.
    for (const id of supporting) expect(Math.abs((count.get(id) ?? 0) / samples - weights.get(id)! / total), id).toBeLessThan(0.07);
    expect([...count.keys()].every((id) => supporting.includes(id))).toBe(true);
  });

  it('sends a reprint to the provider that sold the token, and fault reports and key changes to a capable provider', async () => {
    const p = purchaseRequest(DEMO_METERS.plain, 5000);
    const sold = await till.purchase(p);
    expect(sold.outcome).toBe('successful');
    const base = lookupRequest(DEMO_METERS.plain);
    const reprint = await till.reprint({ ...base, id: newId(), originalRef: p.id });
    expect(reprint.outcome === 'successful' && reprint.body.tokens[0]?.token).toBe(sold.outcome === 'successful' ? sold.body.tokens[0]?.token : 'x');
    expect(await providerOf(reprint.outcome === 'successful' ? reprint.body.id : '')).toBe(await providerOf(p.id));

    const tsh = lookupRequest(DEMO_METERS.keyChange); // Tshwane: Contour (P05) reports faults and issues key changes
    const fault = await till.faultReport({ ...tsh, id: newId(), faultType: 'MeterDead', contactNumber: '0820000000' });
    expect(fault.outcome).toBe('successful');
    expect(await providerOf(fault.outcome === 'successful' ? fault.body.id : '')).toBe('P05');
    const kc = await till.keyChangeToken({ ...tsh, id: newId() });
    expect(kc.outcome).toBe('successful');
  });

  it('answers FUNCTION_NOT_SUPPORTED when no provider serving the meter offers the operation', async () => {
    const r = await till.trialPurchase(purchaseRequest(DEMO_METERS.serviceChargeDue, 5000)); // Tshwane: no Ontec
    expect(r.status).toBe(501);
    expect(r.outcome === 'failed' && r.error?.errorType).toBe('FUNCTION_NOT_SUPPORTED');
  });
});

describe('unknown outcomes and idempotency', () => {
  it('never sends an unknown purchase to a second provider: 504 downstream, the till retry goes to the same provider and gets the token', async () => {
    const meter = DEMO_METERS.slowProviderRoute; // Buffalo City: ranked Sandulela (P09) first
    sw.providers.find((p) => p.descriptor.id === 'P09')!.setBehaviour({ serverErrorRate: 1 });
    const req = purchaseRequest(meter, 5000);
    const r = await till.purchase(req);
    expect(r.status).toBe(504);
    expect(r.outcome).toBe('unknown');
    const detail = (await admin(sw).get<TxDetail>(`/transactions/${req.id}`)).body;
    const sent = detail.traces.filter((t) => t.direction === 'switch->provider');
    expect(sent.length).toBeGreaterThanOrEqual(2); // original + a retry at the same provider
    expect(new Set(sent.map((t) => t.providerId))).toEqual(new Set(['P09']));

    sw.providers.find((p) => p.descriptor.id === 'P09')!.setBehaviour({ serverErrorRate: 0 });
    const retried = await till.retryPurchase(req);
    expect(retried.outcome).toBe('successful');
    expect(await providerOf(req.id)).toBe('P09');
    // A further retry is answered from the switch's store with the same tokens.
    const again = await till.retryPurchase(req);
    expect(again.outcome === 'successful' && again.body.tokens).toEqual(retried.outcome === 'successful' ? retried.body.tokens : null);
  });

  it('answers a repeat with its stored answer, declines an id reused for another body with DUPLICATE_RECORD, and answers an advice for an unknown purchase with 404', async () => {
    const lookup = lookupRequest(DEMO_METERS.plain);
    const first = await till.meterLookup(lookup);
    expect(first.outcome).toBe('successful');
    const repeat = await till.meterLookup(lookup);
    expect([repeat.status, repeat.outcome === 'successful' && repeat.body]).toEqual([201, first.outcome === 'successful' && first.body]);
    const dup = await till.meterLookup({ ...lookup, meter: { meterId: DEMO_METERS.withArrears } });
    expect(dup.outcome === 'failed' && dup.error?.errorType).toBe('DUPLICATE_RECORD');
    // A purchase may not reuse the lookup's id either, even while the lookup's row waits in the write batch.
    const lookup2 = lookupRequest(DEMO_METERS.plain);
    expect((await till.meterLookup(lookup2)).outcome).toBe('successful');
    const reused = await till.purchase(purchaseRequest(DEMO_METERS.plain, 5000, { id: lookup2.id }));
    expect(reused.outcome === 'failed' && reused.error?.errorType).toBe('DUPLICATE_RECORD');
    const listed = await admin(sw).get<{ transactions: { id: string; type: string }[] }>(`/transactions?q=${lookup2.id}`);
    expect(listed.body.transactions.map((t) => [t.id, t.type])).toEqual([[lookup2.id, 'LOOKUP']]);

    const p = purchaseRequest(DEMO_METERS.plain, 5000);
    const sold = await till.purchase(p);
    expect(sold.outcome).toBe('successful');
    const again = await till.purchase(p);
    expect([again.status, again.outcome === 'successful' && again.body.tokens]).toEqual([201, sold.outcome === 'successful' && sold.body.tokens]);
    const other = await till.purchase({ ...p, purchaseAmount: { amount: 6000, currency: '710' } });
    expect(other.status).toBe(400);
    expect(other.outcome === 'failed' && other.error?.errorType).toBe('DUPLICATE_RECORD');

    const orphan = await till.confirm({ id: newId(), requestId: newId(), time: new Date().toISOString(), thirdPartyIdentifiers: [], tenders: [] });
    expect(orphan.status).toBe(404);
  });
});

describe('admin views', () => {
  it("shows a lookup's till and provider exchanges, and finds it by its id, its meter number and the provider's reference", async () => {
    const lookup = lookupRequest(DEMO_METERS.plain);
    const r = await till.meterLookup(lookup);
    expect(r.outcome).toBe('successful');
    const detail = (await admin(sw).get<TxDetail & { traces: { requestBody: { id?: string } | null; responseBody: { thirdPartyIdentifiers?: { transactionIdentifier: string }[] } | null }[] }>(`/transactions/${lookup.id}`)).body;
    expect(detail.traces.map((t) => [t.direction, t.operation, t.status])).toEqual([
      ['till->switch', 'meterLookup', 201],
      ['switch->provider', 'meterLookup', 201],
    ]);
    expect(detail.traces[0]!.requestBody?.id).toBe(lookup.id);
    const providerRef = detail.traces[1]!.responseBody?.thirdPartyIdentifiers?.find((x) => x.transactionIdentifier.startsWith(detail.transaction.providerId!))?.transactionIdentifier;
    expect(providerRef).toBeDefined();
    expect(detail.transaction.references).toEqual(expect.arrayContaining([lookup.id, DEMO_METERS.plain, providerRef]));
    for (const q of [lookup.id, DEMO_METERS.plain, providerRef!]) {
      const list = await admin(sw).get<{ transactions: { id: string }[] }>(`/transactions?q=${encodeURIComponent(q)}&limit=1000`);
      expect(list.body.transactions.map((t) => t.id)).toContain(lookup.id);
    }
  });

  it('finds meters by prefix, lists transactions searchable by token, with till and provider traces', async () => {
    const found = await admin(sw).get<{ meters: { meterId: string; utilityName: string | null }[] }>(`/meters?prefix=${DEMO_METERS.plain.slice(0, 6)}&limit=5`);
    expect(found.body.meters.length).toBeGreaterThan(0);
    expect(found.body.meters.every((m) => m.meterId.startsWith(DEMO_METERS.plain.slice(0, 6)))).toBe(true);

    const p = purchaseRequest(DEMO_METERS.plain, 5000);
    const r = await till.purchase(p);
    const token = r.outcome === 'successful' ? r.body.tokens[0]?.token : undefined;
    expect(token).toBeDefined();
    const list = await admin(sw).get<{ transactions: { id: string }[] }>(`/transactions?q=${token}`);
    expect(list.body.transactions.map((t) => t.id)).toEqual([p.id]);
    const detail = (await admin(sw).get<TxDetail>(`/transactions/${p.id}`)).body;
    expect(detail.traces.map((t) => t.direction).sort()).toEqual(['switch->provider', 'till->switch']);
    // The till's exchange is shown from the transaction's row, which holds it whole: not stored twice.
    const outer = detail.traces.find((t) => t.direction === 'till->switch')!;
    expect(outer).toMatchObject({ operation: 'purchase', status: r.status, providerId: null });
    expect(JSON.stringify(outer.responseBody)).toContain(token!);
    const stored = (sw.store as SqliteSwitchStore).db.prepare<[string], { direction: string }>('SELECT direction FROM traces WHERE tx_id = ?').all(p.id);
    expect(stored.map((t) => t.direction)).toEqual(['switch->provider']);

    const routing = await admin(sw).get<{ utilities: { name: string; ranked: { id: string }[]; excluded: { id: string }[]; meterCount: number }[] }>('/routing');
    const cpt = routing.body.utilities.find((u) => u.name === 'City of Cape Town')!;
    expect(cpt.ranked.map((x) => x.id)).toEqual(['P04', 'P06']);
    expect(cpt.excluded.map((x) => x.id)).toEqual(['P01']);
    expect(cpt.meterCount).toBeGreaterThan(100);

    const providers = await admin(sw).get<{ providers: { id: string; health: string; requests: number }[] }>('/providers');
    expect(providers.body.providers).toHaveLength(11);
    const patched = await admin(sw).patch<{ latencyMs: number }>('/providers/P05/behaviour', { latencyMs: 5 });
    expect(patched.body.latencyMs).toBe(5);
    expect((await admin(sw).patch('/providers/P05/behaviour', { latencyMs: -1 })).status).toBe(400);
    expect((await admin(sw).patch('/providers/NOPE/behaviour', { latencyMs: 1 })).status).toBe(404);
  });
});
