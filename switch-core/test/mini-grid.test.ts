/**
 * The mini-grid provider (seed 004) through the switch over real HTTP on loopback: a trial purchase
 * shows the debt-first split, the purchase carries it in debtRecoveryCharges, serviceCharges and
 * tariffCalc, and a payment that only repays debt answers with no token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inclusiveCents } from '../../common/tax-invoice';
import { DEMO_METERS, vatIncluded } from '../providers';
import { purchaseRequest } from '../protocol/test/fixtures';
import { PpuClient, type PurchaseAnswer } from '../protocol';
import { startSwitch, type RunningSwitch } from '../index';
import { fixedRng, tillClient } from './helpers';

let sw: RunningSwitch;
let till: PpuClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mini-grid-test-'));
  sw = await startSwitch({ dataDir: dir, port: 0, profile: 'demo', auth: { username: 'till', password: 's3cret' }, providerTimeoutMs: 2_000, rng: fixedRng() });
  till = tillClient(sw);
});

afterAll(async () => {
  await till?.close();
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

function body(r: Awaited<ReturnType<PpuClient['purchase']>>): PurchaseAnswer {
  if (r.outcome !== 'successful') throw new Error(`expected success, got ${r.outcome} ${JSON.stringify(r)}`);
  return r.body;
}

describe('mini-grid purchases through the switch', () => {
  it('a trial shows the split without taking effect; the purchase then carries the same split', async () => {
    // Solar home system: R300 of weekly instalments due (by count), nothing else owed.
    const meter = DEMO_METERS.miniGridSolarHomeSystem;
    const trial = body(await till.trialPurchase(purchaseRequest(meter, 50_000)));
    expect(trial.debtRecoveryCharges?.map((d) => [d.description, d.amount?.amount, d.balance?.amount])).toEqual([['Instalment: Solar home system 50W', 30_000, 90_000]]);
    expect(trial.tokens.map((t) => [t.tokenType, inclusiveCents(t.amount), t.token])).toEqual([['STD', 20_000, '']]);
    const again = body(await till.trialPurchase(purchaseRequest(meter, 50_000)));
    expect(again.debtRecoveryCharges?.[0]?.amount?.amount).toBe(30_000);

    const sale = body(await till.purchase(purchaseRequest(meter, 50_000)));
    expect(sale.debtRecoveryCharges?.map((d) => [d.amount?.amount, d.amount?.tax, d.balance?.amount])).toEqual([[30_000, 0, 90_000]]);
    const std = sale.tokens[0];
    expect(std?.token).toMatch(/^\d{20}$/);
    expect(inclusiveCents(std?.amount)).toBe(20_000);
    // R200 incl. VAT → R173.91 excl.: 20 kWh lifeline at R3.50 (R70.00), the rest at R4.80.
    expect(std?.tariffCalc?.map((b) => [b.units, b.rate])).toEqual([
      [20, 350],
      [21.64, 480],
    ]);
    expect(sale.purchaseTotal?.amount).toBe(50_000);
  });

  it('an access fee due is a service charge with its VAT, before units', async () => {
    const sale = body(await till.purchase(purchaseRequest(DEMO_METERS.miniGridAccessFeeDue, 10_000)));
    expect(sale.serviceCharges?.map((s) => [s.description, s.amount?.amount, s.amount?.tax])).toEqual([['Access fee (7 days)', 4_000 - vatIncluded(4_000), vatIncluded(4_000)]]);
    expect(sale.tokens.map((t) => inclusiveCents(t.amount))).toEqual([6_000]);
  });

  it('R200 on R450 arrears all repays the debt and answers with no token', async () => {
    const sale = body(await till.purchase(purchaseRequest(DEMO_METERS.miniGridArrears, 20_000)));
    expect(sale.tokens).toEqual([]);
    expect(sale.debtRecoveryCharges?.map((d) => [d.description, d.amount?.amount, d.balance?.amount])).toEqual([['Arrears recovery', 20_000, 25_000]]);
    expect(sale.debtRecoveryCharges?.[0]?.receiptNum).toMatch(/^\d+$/);
  });
});
