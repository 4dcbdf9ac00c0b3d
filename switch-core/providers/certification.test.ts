import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PpuClient, newId, nowIso, pathFor } from '../protocol';
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
const kinds = (r: { tokens: Array<{ tokenType: string }> }): string[] => r.tokens.map((t) => t.tokenType);

describe('certification profile (public test server scenarios)', () => {
  it('seeds the contract table with every TST meter, EasyPay ranked for the Certification Utility', () => {
    expect(sims.seed.utilities).toEqual([expect.objectContaining({ name: 'Certification Utility', ranked: ['P04', 'P05'] })]);
    expect(sims.seed.contractTable.map((m) => m.meterId)).toEqual(CERTIFICATION_METER_IDS);
    expect(sims.seed.contractTable[0]?.support).toMatchObject({ P04: 'SUPPORTED', P01: 'NOT_SUPPORTED' });
    expect(sims.providers.map((p) => p.descriptor.id)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08', 'P09', 'P10', 'P11']);
  });

  it('looks up a scenario meter with customer, utility and its amount; others refuse it', async () => {
    const body = ok(await easyPay.meterLookup(lookupRequest('TST001')));
    expect(body.utility?.name).toBe('Certification Utility');
    expect(body.customer?.lastName).toBeTruthy();
    expect(body.minAmount?.amount).toBe(10000);
    const other = await iPay.meterLookup(lookupRequest('TST001'));
    expect(other).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'UNKNOWN_METER_ID' } });
  });

  it('answers UNKNOWN_METER_ID for any other meter', async () => {
    const r = await easyPay.meterLookup(lookupRequest('TST999'));
    expect(r).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'UNKNOWN_METER_ID' } });
  });

  it.each([
    ['TST001', 10000, ['STD']],
    ['TST002', 0, ['BSST']],
    ['TST003', 10000, ['STD', 'BSST']],
    ['TST004', 10000, ['STD']],
    ['TST005', 5000, ['STD', 'REFUND']],
    ['TST006', 10000, ['KC', 'KC', 'STD']],
    ['TST007', 20000, ['STD']],
    ['TST008', 20000, ['STD']],
    ['TST009', 20000, ['STD']],
    ['TST010', 10000, ['STD']],
  ] as const)('%s sells its scenario for %i cents: tokens %j', async (meterId, amount, tokenTypes) => {
    const r = ok(await easyPay.purchase(purchaseRequest(meterId, amount)));
    expect(kinds(r)).toEqual(tokenTypes);
    for (const t of r.tokens) expect(t.token).toMatch(/^\d{20}$/);
    const paid =
      r.tokens.reduce((s, t) => s + (t.amount?.amount ?? 0), 0) +
      (r.debtRecoveryCharges ?? []).reduce((s, d) => s + d.amount.amount, 0) +
      (r.serviceCharges ?? []).reduce((s, c) => s + c.amount.amount, 0);
    expect(paid).toBe(amount);
    expect(r.purchaseTotal?.amount).toBe(amount);
  });

  it('TST004 shows the tariff calculation; TST001 does not', async () => {
    const withCalc = ok(await easyPay.purchase(purchaseRequest('TST004', 10000)));
    expect(withCalc.tokens[0]?.tariffCalc?.length).toBeGreaterThan(1);
    const plain = ok(await easyPay.purchase(purchaseRequest('TST001', 10000)));
    expect(plain.tokens[0]?.tariffCalc).toBeUndefined();
  });

  it('TST007–TST009 carry their debt recovery and service charges', async () => {
    const t7 = ok(await easyPay.purchase(purchaseRequest('TST007', 20000)));
    expect([t7.debtRecoveryCharges?.length, t7.serviceCharges?.length]).toEqual([1, 1]);
    expect(t7.debtRecoveryCharges?.[0]?.balance?.amount).toBe(8000);
    const t8 = ok(await easyPay.purchase(purchaseRequest('TST008', 20000)));
    expect([t8.debtRecoveryCharges?.length ?? 0, t8.serviceCharges?.length ?? 0]).toEqual([2, 0]);
    const t9 = ok(await easyPay.purchase(purchaseRequest('TST009', 20000)));
    expect([t9.debtRecoveryCharges?.length ?? 0, t9.serviceCharges?.length ?? 0]).toEqual([0, 2]);
  });

  it('TST010 returns a printable slip with scale factors, a line, a barcode and a cut', async () => {
    const r = ok(await easyPay.purchase(purchaseRequest('TST010', 10000)));
    const lines = r.slipData?.messageLines ?? [];
    expect(lines.some((l) => (l.fontWidthScaleFactor ?? 1) > 1)).toBe(true);
    expect(lines.some((l) => l.line === true)).toBe(true);
    expect(lines.some((l) => l.barcode?.data)).toBe(true);
    expect(lines.at(-1)?.cut).toBe(true);
  });

  it('TST011: the first attempt answers 504 after taking effect; a retry of the same id is approved', async () => {
    const req = purchaseRequest('TST011', 10000);
    const first = await easyPay.purchase(req);
    expect(first).toMatchObject({ outcome: 'unknown', status: 504 });
    const retry = ok(await easyPay.retryPurchase(req));
    expect(kinds(retry)).toEqual(['STD']);
    const again = ok(await easyPay.retryPurchase(req));
    expect(again.tokens[0]?.token).toBe(retry.tokens[0]?.token);
  });

  it('refuses an amount that differs from the scenario with INVALID_AMOUNT', async () => {
    const r = await easyPay.purchase(purchaseRequest('TST001', 9999));
    expect(r).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'INVALID_AMOUNT' } });
  });

  it.each(CERTIFICATION_METER_IDS)('fault report and key change request succeed for %s (at Contour)', async (meterId) => {
    const contour = clientFor(sims.get('Contour'));
    const fault = ok(await contour.faultReport({ ...base, id: newId(), meter: { meterId }, faultType: 'NO_SUPPLY', contactNumber: '0820000000' }));
    expect(fault.reference).toMatch(/^FR\d{8}$/);
    const kc = ok(await contour.keyChangeToken({ ...base, id: newId(), meter: { meterId } }));
    expect(kinds(kc)).toEqual(['KC', 'KC']);
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
    const advice = { id: newId(), requestId: sale.id, time: nowIso(), thirdPartyIdentifiers: [] };
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
    const fault = await easyPay.faultReport({ ...base, id: newId(), meter: { meterId: 'TST001' }, faultType: 'NO_SUPPLY', contactNumber: '0820000000' });
    expect(fault).toMatchObject({ status: 501, error: { errorType: 'FUNCTION_NOT_SUPPORTED' } });
    const kc = await easyPay.keyChangeToken({ ...base, id: newId(), meter: { meterId: 'TST001' } });
    expect(kc).toMatchObject({ status: 501 });
  });
});
