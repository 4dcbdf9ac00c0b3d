import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PpuClient, newId, nowIso, pathFor, type PurchaseAnswer } from '../protocol';
import { clientPool, ok } from './test/helpers';
import { lookupRequest, purchaseRequest, TEST_ORIGINATOR } from '../protocol/test/fixtures';
import { startSimulatedProviders, CERTIFICATION_METER_IDS, type SimulatedProviders } from './index';

let sims: SimulatedProviders;
let easyPay: PpuClient;
let iPay: PpuClient;
const pool = clientPool();
const clientFor = pool.clientFor;

beforeAll(async () => {
  sims = await startSimulatedProviders({ profile: 'certification' });
  easyPay = clientFor(sims.get('EasyPay'));
  iPay = clientFor(sims.get('iPay'));
});
afterAll(async () => {
  await pool.closeAll();
  await sims.close();
});

const base = { time: nowIso(), originator: TEST_ORIGINATOR, client: { id: '0001', name: 'Test Retailer' }, thirdPartyIdentifiers: [] };

describe('certification profile (public test server scenarios)', () => {
  it('seeds the contract table with every TST meter, EasyPay ranked for the test server utility', () => {
    expect(sims.seed.utilities).toEqual([expect.objectContaining({ name: 'Electrum Test Server', ranked: ['P04', 'P05'] })]);
    expect(sims.seed.contractTable.map((m) => m.meterId)).toEqual(CERTIFICATION_METER_IDS);
    expect(sims.seed.contractTable[0]?.support).toMatchObject({ P04: 'SUPPORTED', P01: 'NOT_SUPPORTED' });
    expect(sims.providers.map((p) => p.descriptor.id)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08', 'P09', 'P10', 'P11']);
  });

  it("looks up a scenario meter with the test server's customer, utility, keys and amount; others refuse it", async () => {
    const body = ok(await easyPay.meterLookup(lookupRequest('TST007')));
    expect(body.utility).toMatchObject({ name: 'Electrum Test Server', address: 'The Cloud', vatRegNum: '0000000000', message: 'This is a message to the customer' });
    expect(body.customer).toMatchObject({ firstName: 'John', lastName: 'Palmer', address: '31 Milner Road' });
    expect(body.meter).toMatchObject({ meterId: 'TST007', supplyGroupCode: '000001', keyRevisionNum: '1', tariffIndex: '01', tokenTechCode: '02' });
    expect([body.minAmount?.amount, body.maxAmount?.amount]).toEqual([20000, 20000]);
    const other = await iPay.meterLookup(lookupRequest('TST001'));
    expect(other).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'UNKNOWN_METER_ID' } });
  });

  it('answers UNKNOWN_METER_ID for any other meter', async () => {
    const r = await easyPay.meterLookup(lookupRequest('TST999'));
    expect(r).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'UNKNOWN_METER_ID' } });
  });

  const Z = '00000000000000000000';
  const O = '11111111111111111111';
  /** [type, token, units, amount excl. VAT, VAT, receipt] as the public test server answers. */
  const STD = (token: string, receipt: string) => ['STD', token, 73.8, 8600, 1400, receipt];
  it.each([
    ['TST001', 10000, [STD(Z, 'RCT10001')]],
    ['TST002', 0, [['BSST', Z, 50, 0, 0, 'RCT20001']]],
    ['TST003', 10000, [STD(Z, 'RCT30001'), ['BSST', O, 50, 0, 0, 'RCT30002']]],
    ['TST004', 10000, [STD(O, 'RCT40001')]],
    ['TST005', 5000, [STD(Z, 'RCT50001'), ['REFUND', O, 73.8, 10000, 0, '']]],
    ['TST006', 10000, [['KC', O, 0, 0, 0, ''], ['KC', '22222222222222222222', 0, 0, 0, ''], STD('33333333333333333333', 'RCT60001')]],
    ['TST007', 20000, [STD(Z, 'RCT70001')]],
    ['TST008', 20000, [STD(Z, 'RCT80001')]],
    ['TST009', 20000, [STD(Z, 'RCT90001')]],
    ['TST010', 10000, []],
  ] as const)("%s sells for %i cents with the test server's tokens", async (meterId, amount, tokens) => {
    const r = ok(await easyPay.purchase(purchaseRequest(meterId, amount)));
    expect(r.tokens.map((t) => [t.tokenType, t.token, t.units, t.amount?.amount, t.amount?.tax, t.receiptNum])).toEqual(tokens);
    expect(r.purchaseTotal?.amount).toBe(amount);
  });

  it("TST004 shows the test server's tariff calculation (50.0 kWh at 117.30, 23.8 kWh at 173.74); TST001 does not", async () => {
    const withCalc = ok(await easyPay.purchase(purchaseRequest('TST004', 10000)));
    expect(withCalc.tokens[0]?.tariffCalc?.map((b) => [b.units, b.rate])).toEqual([
      [50, 117.3],
      [23.8, 173.74],
    ]);
    const plain = ok(await easyPay.purchase(purchaseRequest('TST001', 10000)));
    expect(plain.tokens[0]?.tariffCalc).toEqual([]);
  });

  it("TST007-TST009 carry the test server's debt recovery and service charges", async () => {
    const charges = (r: PurchaseAnswer) => ({
      debts: r.debtRecoveryCharges.map((d) => [d.amount?.amount, d.amount?.tax, d.balance?.amount, d.description, d.receiptNum]),
      services: r.serviceCharges.map((c) => [c.amount?.amount, c.amount?.tax, c.description]),
    });
    expect(charges(ok(await easyPay.purchase(purchaseRequest('TST007', 20000))))).toEqual({
      debts: [[4300, 700, 27300, 'Municipal rates arrears', 'RCT70002']],
      services: [[4300, 700, 'Connection fee']],
    });
    expect(charges(ok(await easyPay.purchase(purchaseRequest('TST008', 20000))))).toEqual({
      debts: [
        [4300, 700, 27300, 'Municipal rates arrears', 'RCT80002'],
        [4300, 700, 27300, 'Municipal water arrears', 'RCT80003'],
      ],
      services: [],
    });
    expect(charges(ok(await easyPay.purchase(purchaseRequest('TST009', 20000))))).toEqual({
      debts: [],
      services: [
        [4300, 700, 'Connection fee'],
        [4300, 700, 'Service fee'],
      ],
    });
  });

  it("TST010 returns the test server's printable slip: five lines, the first double size, no tokens", async () => {
    const r = ok(await easyPay.purchase(purchaseRequest('TST010', 10000)));
    const lines = r.slipData?.messageLines ?? [];
    expect(lines.map((l) => l.text)).toEqual([1, 2, 3, 4, 5].map((n) => `---    Slip Line ${n}    ---`));
    expect([lines[0]?.fontWidthScaleFactor, lines[0]?.fontHeightScaleFactor, lines[1]?.fontWidthScaleFactor]).toEqual([2, 2, undefined]);
    expect(r.tokens).toEqual([]);
  });

  it('TST011: the first attempt answers 504 with an ErrorDetail after taking effect; a retry of the same id is approved', async () => {
    const req = purchaseRequest('TST011', 10000);
    const first = await easyPay.purchase(req);
    expect(first).toMatchObject({ outcome: 'unknown', status: 504, error: { errorType: 'UPSTREAM_UNAVAILABLE', errorMessage: 'Timeout' } });
    const retry = ok(await easyPay.retryPurchase(req));
    expect(retry.tokens.map((t) => [t.tokenType, t.token, t.units])).toEqual([['STD', Z, 73.8]]);
    const again = ok(await easyPay.retryPurchase(req));
    expect(again.tokens[0]?.token).toBe(retry.tokens[0]?.token);
  });

  it('TST011 waits the configured delay before its 504, as the test server waits 10 s', async () => {
    const slow = await startSimulatedProviders({ profile: 'certification', providerOptions: { scenarioTimeoutMs: 400 } });
    try {
      const client = clientFor(slow.get('EasyPay'));
      const t0 = performance.now();
      const first = await client.purchase(purchaseRequest('TST011', 10000));
      expect(first).toMatchObject({ status: 504 });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(390);
    } finally {
      await slow.close();
    }
  });

  it('refuses an amount that differs from the scenario with INVALID_AMOUNT', async () => {
    const r = await easyPay.purchase(purchaseRequest('TST001', 9999));
    expect(r).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'INVALID_AMOUNT' } });
  });

  it.each(CERTIFICATION_METER_IDS)('fault report and key change request succeed for %s (at Contour)', async (meterId) => {
    const contour = clientFor(sims.get('Contour'));
    const fault = ok(await contour.faultReport({ ...base, id: newId(), meter: { meterId }, faultType: 'MeterDead', contactNumber: '0820000000' }));
    expect(fault.reference).toMatch(/^FR\d{8}$/);
    const kc = ok(await contour.keyChangeToken({ ...base, id: newId(), meter: { meterId } }));
    expect(kc.tokens.map((t) => [t.tokenType, t.token])).toEqual([
      ['KC', '11111111111111111111'],
      ['KC', '22222222222222222222'],
    ]);
    const ack = await contour.confirmKeyChange({ id: newId(), requestId: kc.id, time: nowIso(), thirdPartyIdentifiers: [] });
    expect(ack.status).toBe(202);
  });

  it('reprints a sale with the same tokens', async () => {
    const sale = ok(await easyPay.purchase(purchaseRequest('TST003', 10000)));
    const reprint = ok(await easyPay.reprint({ ...base, id: newId(), meter: { meterId: 'TST003' }, originalRef: sale.id }));
    expect(reprint.tokens.map((t) => t.token)).toEqual(sale.tokens.map((t) => t.token));
  });

  it('acknowledges a confirmation for a known purchase and 404s an unknown one', async () => {
    const sale = ok(await easyPay.purchase(purchaseRequest('TST001', 10000)));
    const advice = { id: newId(), requestId: sale.id, time: nowIso(), thirdPartyIdentifiers: [], tenders: [] };
    expect((await easyPay.confirm(advice)).status).toBe(202);
    expect((await easyPay.confirm(advice)).status).toBe(202);
    const unknown = await easyPay.confirm({ ...advice, id: newId(), requestId: newId() });
    expect(unknown).toMatchObject({ outcome: 'failed', status: 404 });
  });
});

describe('protocol edges on a simulated provider', () => {
  it('refuses a reused purchase id with DUPLICATE_RECORD', async () => {
    const req = purchaseRequest('TST001', 10000);
    ok(await easyPay.purchase(req));
    const again = await easyPay.purchase(req);
    expect(again).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'DUPLICATE_RECORD' } });
  });

  it('answers a garbage body with 400 FORMAT_ERROR naming the body', async () => {
    const p = sims.get('P04');
    const res = await fetch(p.baseUrl + pathFor('purchase', { purchaseId: newId() }), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(`${p.username}:${p.password}`).toString('base64') },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorType: 'FORMAT_ERROR', detailMessage: { formatErrors: [{ field: '(body)' }] } });
  });

  it('answers a missing field with FORMAT_ERROR listing it', async () => {
    const { purchaseAmount: _drop, ...incomplete } = purchaseRequest('TST001', 10000);
    const r = await easyPay.purchase(incomplete as never);
    expect(r).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'FORMAT_ERROR' } });
  });

  it('refuses a path id that differs from the body id', async () => {
    const p = sims.get('P04');
    const req = purchaseRequest('TST001', 10000);
    const res = await fetch(p.baseUrl + pathFor('purchase', { purchaseId: newId() }), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(`${p.username}:${p.password}`).toString('base64') },
      body: JSON.stringify(req),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorType: 'FORMAT_ERROR' });
  });

  it('asks for credentials (401 with WWW-Authenticate) without or with wrong basic auth', async () => {
    const p = sims.get('P04');
    const res = await fetch(p.baseUrl + pathFor('meterLookup', { lookupId: newId() }), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    await res.body?.cancel();
    const wrong = clientFor({ ...p, password: 'wrong' });
    expect((await wrong.meterLookup(lookupRequest('TST001'))).status).toBe(401);
  });

  it('gives every provider its own credentials', () => {
    const passwords = new Set(sims.providers.map((p) => p.password));
    expect(passwords.size).toBe(11);
  });

  it('refuses a retry at iPay (no retries) with 501 FUNCTION_NOT_SUPPORTED', async () => {
    const r = await iPay.retryPurchase(purchaseRequest('TST001', 10000));
    expect(r).toMatchObject({ outcome: 'failed', status: 501, error: { errorType: 'FUNCTION_NOT_SUPPORTED' } });
  });

  it('refuses fault reports and key change at EasyPay, which lacks them', async () => {
    const fault = await easyPay.faultReport({ ...base, id: newId(), meter: { meterId: 'TST001' }, faultType: 'MeterDead', contactNumber: '0820000000' });
    expect(fault).toMatchObject({ status: 501, error: { errorType: 'FUNCTION_NOT_SUPPORTED' } });
    const kc = await easyPay.keyChangeToken({ ...base, id: newId(), meter: { meterId: 'TST001' } });
    expect(kc).toMatchObject({ status: 501 });
  });
});
