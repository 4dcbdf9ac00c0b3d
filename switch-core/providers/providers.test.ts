import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inclusiveCents } from '../../common/tax-invoice';
import { PpuClient, newId, nowIso, type PurchaseAnswer } from '../protocol';
import { clientPool, ok } from './test/helpers';
import { lookupRequest, purchaseRequest, TEST_ORIGINATOR } from '../protocol/test/fixtures';
import {
  DEMO_METERS,
  PROVIDER_DESCRIPTORS,
  buildProfile,
  descriptorById,
  isValidMeterNumber,
  startSimulatedProvider,
  startSimulatedProviders,
  type SimulatedProviders,
} from './index';

let sims: SimulatedProviders;
const pool = clientPool();
const clientFor = pool.clientFor;
const kinds = (r: PurchaseAnswer) => r.tokens.map((t) => t.tokenType);
const base = { time: nowIso(), originator: TEST_ORIGINATOR, client: { id: '0001', name: 'Test Retailer' }, thirdPartyIdentifiers: [] };

beforeAll(async () => {
  sims = await startSimulatedProviders({ profile: 'demo', seed: 7 });
});
afterAll(async () => {
  await pool.closeAll();
  await sims.close();
});

describe('provider descriptors (seed 000 capabilities)', () => {
  it('lists the ten providers P01..P10 of seed 000 in order, then the mini-grid operator of seed 004', () => {
    expect(PROVIDER_DESCRIPTORS.map((d) => `${d.id} ${d.name}`)).toEqual([
      'P01 iPay',
      'P02 Ontec (via iPay)',
      'P03 Blue Label Telecoms',
      'P04 EasyPay',
      'P05 Contour',
      'P06 Syntell',
      'P07 Kazang',
      'P08 SwitchOne',
      'P09 Sandulela',
      'P10 R&A Cellular',
      'P11 MicroPowerManager',
    ]);
  });
  it.each(PROVIDER_DESCRIPTORS.map((d) => [d.name, d] as const))('%s capabilities', (_name, d) => {
    const retries = !['P01', 'P02'].includes(d.id);
    expect(d.capabilities).toEqual({
      retries,
      reprints: retries,
      trialPurchases: d.id === 'P02' || d.id === 'P11',
      faultReports: d.id === 'P02' || d.id === 'P05',
      keyChange: d.id === 'P02' || d.id === 'P05',
    });
  });
});

describe('demo profile data', () => {
  it('is deterministic per seed and has thousands of valid meters', () => {
    const a = buildProfile('demo', { seed: 7 });
    const b = buildProfile('demo', { seed: 7 });
    expect(a.backOffice.meterCount()).toBeGreaterThan(2000);
    expect(a.backOffice.listMeters({ limit: 50 }).map((m) => m.meterId)).toEqual(b.backOffice.listMeters({ limit: 50 }).map((m) => m.meterId));
    expect(a.backOffice.listMeters().every((m) => isValidMeterNumber(m.meterId))).toBe(true);
  });
  it('has a dozen municipalities plus water and gas utilities, each served by providers that sell that type', () => {
    const utilities = sims.backOffice.utilities();
    expect(utilities.filter((u) => u.utilityType === 'ELECTRICITY' && u.debtPolicy === undefined).length).toBe(12);
    expect(utilities.filter((u) => u.debtPolicy?.kind === 'debt-first').map((u) => u.name)).toEqual(['Sunvillage Mini-Grid']);
    expect(utilities.some((u) => u.utilityType === 'WATER')).toBe(true);
    expect(utilities.some((u) => u.utilityType === 'GAS')).toBe(true);
    for (const u of utilities) {
      for (const id of sims.backOffice.providersServing(u.id)) expect(descriptorById(id)?.utilityTypes).toContain(u.utilityType);
    }
  });
  it('seeds ranked, excluded and no-preference utilities, meter preferences, weights and a contract table with gaps', () => {
    const { seed } = sims;
    expect(seed.utilities.some((u) => u.ranked.length > 0 && u.excluded.length > 0)).toBe(true);
    expect(seed.utilities.some((u) => u.ranked.length === 0)).toBe(true);
    expect(seed.contractTable.some((m) => m.preferredProviderId)).toBe(true);
    expect(Object.keys(seed.weights)).toHaveLength(PROVIDER_DESCRIPTORS.length);
    const inTable = new Set(seed.contractTable.map((m) => m.meterId));
    expect(inTable.has(DEMO_METERS.unknownToContractTable)).toBe(false);
    expect(inTable.has(DEMO_METERS.plain)).toBe(true);
    expect(sims.backOffice.meterCount() - inTable.size).toBeGreaterThan(100);
    const stale = seed.contractTable.find((m) => m.meterId === DEMO_METERS.staleNotSupported);
    expect(Object.values(stale?.support ?? {}).every((s) => s === 'NOT_SUPPORTED')).toBe(true);
  });
  it('makes Sandulela the slow provider', () => {
    expect(sims.get('Sandulela').behaviour().latencyMs).toBe(800);
  });
});

describe('demo lookups and purchases over HTTP', () => {
  it('a lookup answers customer, address, utility, limits, arrears and BSST due', async () => {
    const easyPay = clientFor(sims.get('EasyPay'));
    const r = ok(await easyPay.meterLookup(lookupRequest(DEMO_METERS.withArrears)));
    expect(r.customer?.address).toBeTruthy();
    expect(r.utility).toMatchObject({ name: 'City of Cape Town', vatRegNum: expect.any(String), address: expect.any(String) });
    expect(r.minAmount?.amount).toBe(1000);
    expect(r.maxAmount?.amount).toBe(300_000);
    expect(r.arrearsAmount?.amount).toBe(45_000);
    expect(r.bsstDue).toBe(false);
  });
  it('a provider that does not serve the utility answers UNKNOWN_METER_ID; a blocked meter METER_ID_BLOCKED', async () => {
    const kazang = clientFor(sims.get('Kazang'));
    expect(await kazang.meterLookup(lookupRequest(DEMO_METERS.plain))).toMatchObject({ status: 400, error: { errorType: 'UNKNOWN_METER_ID' } });
    const switchOne = clientFor(sims.get('SwitchOne'));
    expect(await switchOne.meterLookup(lookupRequest(DEMO_METERS.blocked))).toMatchObject({ status: 400, error: { errorType: 'METER_ID_BLOCKED' } });
  });
  it('recovers arrears first and shows the balance on the debt recovery charge', async () => {
    const easyPay = clientFor(sims.get('EasyPay'));
    const r = ok(await easyPay.purchase(purchaseRequest(DEMO_METERS.withArrears, 10_000)));
    expect(r.debtRecoveryCharges?.[0]).toMatchObject({ amount: { amount: 2_500 }, balance: { amount: 42_500 } });
    // R75.00 with its R9.78 VAT: the model writes a taxed amount net of its tax.
    expect(r.tokens[0]).toMatchObject({ tokenType: 'STD', amount: { amount: 7_500 - 978, tax: 978, taxRate: 15 } });
  });
  it('sells KC pair + STD for a key change, then the meter has its new keys', async () => {
    const contour = clientFor(sims.get('Contour'));
    const look = ok(await contour.meterLookup(lookupRequest(DEMO_METERS.keyChange)));
    expect(look.meter?.keyChangeData?.newKeyRevisionNumber).toBe('2');
    const r = ok(await contour.purchase(purchaseRequest(DEMO_METERS.keyChange, 5_000)));
    expect(kinds(r)).toEqual(['KC', 'KC', 'STD']);
    expect(r.meter?.keyRevisionNum).toBe('2');
  });
  it('issues the BSST token when due, and a service charge when due', async () => {
    const easyPay = clientFor(sims.get('EasyPay'));
    const bsst = ok(await easyPay.purchase(purchaseRequest(DEMO_METERS.bsstDue, 0)));
    expect(bsst.tokens).toEqual([expect.objectContaining({ tokenType: 'BSST', units: 50 })]);
    const svc = ok(await easyPay.purchase(purchaseRequest(DEMO_METERS.serviceChargeDue, 10_000)));
    expect(inclusiveCents(svc.serviceCharges[0]?.amount)).toBe(2_500);
  });
  it('refuses amounts out of range', async () => {
    const easyPay = clientFor(sims.get('EasyPay'));
    expect(await easyPay.purchase(purchaseRequest(DEMO_METERS.plain, 500))).toMatchObject({ status: 400, error: { errorType: 'AMOUNT_TOO_LOW' } });
    expect(await easyPay.purchase(purchaseRequest(DEMO_METERS.plain, 400_000))).toMatchObject({ status: 400, error: { errorType: 'AMOUNT_TOO_HIGH' } });
  });
  it('a reprint (originalRef = purchase id) answers the same tokens', async () => {
    const easyPay = clientFor(sims.get('EasyPay'));
    const sale = ok(await easyPay.purchase(purchaseRequest(DEMO_METERS.water, 20_000)));
    expect(sale.tokens[0]?.tariffCalc?.[0]).toMatchObject({ units: expect.any(Number), rate: expect.any(Number) });
    const reprint = ok(await easyPay.reprint({ ...base, id: newId(), meter: { meterId: DEMO_METERS.water }, originalRef: sale.id }));
    expect(reprint.tokens.map((t) => t.token)).toEqual(sale.tokens.map((t) => t.token));
  });
  it('a trial purchase at Ontec shows what the amount buys and issues nothing', async () => {
    const ontec = clientFor(sims.get('Ontec (via iPay)'));
    const before = sims.backOffice.getMeter(DEMO_METERS.meterPreference);
    const r = ok(await ontec.trialPurchase(purchaseRequest(DEMO_METERS.meterPreference, 10_000)));
    expect(r.tokens[0]).toMatchObject({ tokenType: 'STD', token: '' });
    expect(sims.backOffice.getMeter(DEMO_METERS.meterPreference)).toEqual(before);
  });
});

describe('behaviour knobs', () => {
  it('latency: an answer slower than the client timeout is a timeout; without it the answer comes', async () => {
    const p = sims.get('R&A Cellular');
    const impatient = clientFor(p, 100);
    p.setBehaviour({ latencyMs: 2_000 });
    const slow = await impatient.meterLookup(lookupRequest(DEMO_METERS.plain));
    p.setBehaviour({ latencyMs: 0 });
    expect(slow).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    expect((await impatient.meterLookup(lookupRequest(fixedSol()))).status).toBe(201);
  });

  it('timeout: the purchase takes effect but the answer is withheld; a retry returns the same tokens', async () => {
    const p = sims.get('Kazang');
    const impatient = clientFor(p, 200);
    const meterId = emlMeter();
    p.setBehaviour({ timeoutRate: 1 });
    const req = purchaseRequest(meterId, 10_000);
    const first = await impatient.purchase(req);
    p.setBehaviour({ timeoutRate: 0 });
    expect(first).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    const record = sims.backOffice.findPurchase(req.id);
    expect(record?.providerId).toBe('P07');
    const retry = ok(await impatient.retryPurchase(req));
    expect(retry.tokens.map((t) => t.token)).toEqual(record?.tokens.map((t) => t.token));
    const again = ok(await impatient.retryPurchase(req));
    expect(again.tokens.map((t) => t.token)).toEqual(retry.tokens.map((t) => t.token));
  });

  it('500: answered after the purchase took effect; the retry returns its tokens', async () => {
    const p = sims.get('Blue Label Telecoms');
    const c = clientFor(p);
    p.setBehaviour({ serverErrorRate: 1 });
    const req = purchaseRequest(DEMO_METERS.plain, 5_000);
    const first = await c.purchase(req);
    p.setBehaviour({ serverErrorRate: 0 });
    expect(first).toMatchObject({ outcome: 'unknown', status: 500 });
    const retry = ok(await c.retryPurchase(req));
    expect(retry.tokens.map((t) => t.token)).toEqual(sims.backOffice.findPurchase(req.id)?.tokens.map((t) => t.token));
  });

  it('a retry of an id the provider never saw is processed as a new purchase', async () => {
    const c = clientFor(sims.get('EasyPay'));
    const r = ok(await c.retryPurchase(purchaseRequest(DEMO_METERS.plain, 5_000)));
    expect(kinds(r)).toEqual(['STD']);
  });

  it('down: 503 UPSTREAM_UNAVAILABLE, and nothing is sold', async () => {
    const p = sims.get('Syntell');
    const c = clientFor(p);
    p.setBehaviour({ down: true });
    const req = purchaseRequest(DEMO_METERS.plain, 5_000);
    const r = await c.purchase(req);
    p.setBehaviour({ down: false });
    expect(r).toMatchObject({ outcome: 'failed', status: 503, error: { errorType: 'UPSTREAM_UNAVAILABLE' } });
    expect(sims.backOffice.findPurchase(req.id)).toBeUndefined();
  });

  it('ignoreLookups: never answers a lookup (the client times out) but still sells', async () => {
    const p = sims.get('iPay');
    const c = clientFor(p, 200);
    p.setBehaviour({ ignoreLookups: true });
    const look = await c.meterLookup(lookupRequest(DEMO_METERS.meterPreference));
    const sale = await c.purchase(purchaseRequest(DEMO_METERS.meterPreference, 5_000));
    p.setBehaviour({ ignoreLookups: false });
    expect(look).toMatchObject({ outcome: 'unknown', reason: 'timeout' });
    expect(sale.status).toBe(201);
  });

  it('refusedMeters: UNKNOWN_METER_ID for that meter only', async () => {
    const p = sims.get('EasyPay');
    const c = clientFor(p);
    p.setBehaviour({ refusedMeters: [DEMO_METERS.gas] });
    const refused = await c.meterLookup(lookupRequest(DEMO_METERS.gas));
    const other = await c.meterLookup(lookupRequest(DEMO_METERS.plain));
    p.setBehaviour({ refusedMeters: [] });
    expect(refused).toMatchObject({ status: 400, error: { errorType: 'UNKNOWN_METER_ID' } });
    expect(other.status).toBe(201);
    expect((await c.meterLookup(lookupRequest(DEMO_METERS.gas))).status).toBe(201);
  });

  it('refuses an invalid behaviour patch with a clear error and keeps the old behaviour', () => {
    const p = sims.get('EasyPay');
    expect(() => p.setBehaviour({ timeoutRate: 2 })).toThrow(/timeoutRate/);
    expect(p.behaviour().timeoutRate).toBe(0);
  });

  it('a withheld answer is bounded: after the hang limit a patient client still gets the tokens', async () => {
    const single = await startSimulatedProvider(PROVIDER_DESCRIPTORS[3]!, sims.backOffice, { behaviour: { timeoutRate: 1 }, withheldAnswerMs: 50 });
    const c = clientFor(single);
    const r = ok(await c.purchase(purchaseRequest(DEMO_METERS.plain, 5_000)));
    await single.close();
    expect(kinds(r)).toEqual(['STD']);
  });

  it('start behaviours can be overridden per provider', async () => {
    const fast = await startSimulatedProviders({ profile: 'certification', behaviours: { P09: { latencyMs: 5 }, P01: { down: true } } });
    try {
      expect(fast.get('P09').behaviour().latencyMs).toBe(5);
      expect(fast.get('P01').behaviour().down).toBe(true);
      expect(fast.get('P04').behaviour().down).toBe(false);
    } finally {
      await fast.close();
    }
  });

  it('close() ends a withheld answer at once instead of waiting out the hang', async () => {
    const single = await startSimulatedProvider(PROVIDER_DESCRIPTORS[3]!, sims.backOffice, { behaviour: { timeoutRate: 1 } });
    const c = new PpuClient({ baseUrl: single.baseUrl, username: single.username, password: single.password, timeoutMs: 60_000 });
    const req = purchaseRequest(DEMO_METERS.plain, 5_000);
    const pending = c.purchase(req);
    // Wait (bounded) until the purchase has taken effect in the back office, then close the provider.
    for (let i = 0; i < 500 && !sims.backOffice.findPurchase(req.id); i++) await new Promise((r) => setTimeout(r, 10));
    expect(sims.backOffice.findPurchase(req.id)).toBeDefined();
    await single.close();
    const r = await pending;
    await c.close();
    expect(r.outcome).toBe('unknown');
  });
});

/** Any Sol Plaatje meter (R&A Cellular serves it). */
function fixedSol(): string {
  const m = sims.backOffice.listMeters({ utilityId: 'U-SOL', limit: 20 }).find((x) => !x.blocked);
  if (!m) throw new Error('no Sol Plaatje meter');
  return m.meterId;
}
/** An unblocked Emalahleni meter (Kazang serves it). */
function emlMeter(): string {
  const m = sims.backOffice.listMeters({ utilityId: 'U-EML', limit: 20 }).find((x) => !x.blocked);
  if (!m) throw new Error('no Emalahleni meter');
  return m.meterId;
}
