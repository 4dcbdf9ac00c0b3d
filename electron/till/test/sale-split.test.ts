/**
 * The split before the sale, at the till against the real switch (demo profile) over HTTP: a mini-grid
 * meter's debt, access fee and instalments shown for the amount typed, "repay appliance only" as a sale
 * with no token and a receipt, a municipality's percentage recovery, and a meter whose providers offer
 * no trial purchases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSwitch, type RunningSwitch } from '../../../switch-core';
import { DEMO_METERS } from '../../../switch-core/providers';
import { startTill, waitSale, type Target, type TestTill } from './harness';

let sw: RunningSwitch;
let till: TestTill;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'till-split-'));
  sw = await startSwitch({ dataDir: dir, port: 0, profile: 'demo', auth: { username: 'till', password: 'till-secret' }, providerTimeoutMs: 2_000 });
  const none = async (): Promise<void> => undefined;
  const target: Target = { url: sw.url, username: sw.username, password: sw.password, kind: 'switch', setBehaviour: () => undefined, purchaseCount: () => -1, down: none, up: none, close: none };
  till = await startTill(target);
});

afterAll(async () => {
  await till?.backend.close();
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function split(meterId: string, amountCents: number) {
  const lk = await till.api.lookupMeter({ meterId });
  expect(lk.ok, JSON.stringify(lk)).toBe(true);
  const r = await till.api.saleSplit({ meterId, amountCents });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('the split before the sale', () => {
  it('a mini-grid TV on instalments: access fee, instalments, then units; the repay-only amount', async () => {
    const s = await split(DEMO_METERS.miniGridTelevision, 100_000);
    expect(s.supported).toBe(true);
    expect(s.charges.map((c) => [c.kind, c.description, c.amountCents, c.balanceCents])).toEqual([
      ['debt', 'Instalment: TV 32 inch', 80_000, 160_000],
      ['service', 'Access fee (7 days)', 2_000, null],
    ]);
    expect(s.credit?.amountCents).toBe(18_000);
    expect(s.repayOnlyCents).toBe(82_000);
  });

  it('"repay appliance only" sells with no token, and the slip carries the instalment', async () => {
    const meterId = DEMO_METERS.miniGridSolarHomeSystem;
    const before = await split(meterId, 50_000);
    expect(before.repayOnlyCents).toBe(30_000);
    const only = await split(meterId, 30_000);
    expect(only.credit).toBeNull();
    const p = await till.api.purchase({ meterId, amountCents: 30_000, tender: { type: 'CASH' } });
    if (!p.ok) throw new Error(p.error.message);
    const done = await waitSale(till.api, p.value.saleId, (st) => st === 'succeeded' || st === 'failed');
    expect(done.state).toBe('succeeded');
    expect(done.tokens).toEqual([]);
    expect(done.charges.map((c) => [c.description, c.amountCents, c.balanceCents])).toEqual([['Instalment: Solar home system 50W', 30_000, 90_000]]);
    await till.backend.idle();
    const slip = Buffer.from(till.sink.jobs.at(-1) ?? []).toString('latin1');
    expect(slip).toContain('Solar home system 50W');
    // Repaid: nothing is due now, the whole amount buys units.
    const after = await split(meterId, 50_000);
    expect(after.charges).toEqual([]);
    expect(after.credit?.amountCents).toBe(50_000);
  });

  it('a municipality recovers 25% of the amount: no repay-only amount', async () => {
    const s = await split(DEMO_METERS.withArrears, 20_000);
    expect(s.charges.map((c) => [c.amountCents, c.balanceCents])).toEqual([[5_000, 40_000]]);
    expect(s.credit?.amountCents).toBe(15_000);
    expect(s.repayOnlyCents).toBeNull();
  });

  it('says so when no provider for the meter offers trial purchases', async () => {
    const s = await split(DEMO_METERS.serviceChargeDue, 10_000);
    expect(s).toMatchObject({ supported: false, charges: [], credit: null });
  });
});
