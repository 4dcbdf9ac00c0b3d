import { describe, expect, it } from 'vitest';
import { UtilityBackOffice, type BackOfficeData } from './back-office';
import { isValidMeterNumber, meterCheckDigit, withCheckDigit } from '../protocol/meter-number';
import { formatUnits, monthKey, planPurchase, tariffSteps, vatIncluded, type MeterAccount, type Tariff, type UtilityRecord } from './purchase-plan';

const NOW = Date.UTC(2026, 10, 15, 10, 0, 0);
const MONTH = monthKey(NOW);

const ELEC: Tariff = {
  id: 'T',
  name: 'Domestic',
  unit: 'kWh',
  blocks: [
    { upToUnits: 50, rateCents: 210, description: 'B1' },
    { upToUnits: 350, rateCents: 265, description: 'B2' },
    { upToUnits: 600, rateCents: 330, description: 'B3' },
    { upToUnits: null, rateCents: 385, description: 'B4' },
  ],
};

const UTILITY: UtilityRecord = {
  id: 'U1',
  name: 'Test Municipality',
  utilityType: 'ELECTRICITY',
  address: 'Civic Centre',
  vatRegNum: '4000000000',
  minAmountCents: 1000,
  maxAmountCents: 300_000,
  tariff: ELEC,
  serviceCharge: { description: 'Monthly service charge', amountCents: 2500 },
  freeBasicUnits: 50,
};

const PLAIN: MeterAccount = {
  arrearsCents: 0,
  blocked: false,
  keys: { supplyGroupCode: '600101', keyRevisionNum: '1', tariffIndex: '01' },
  freeBasicEligible: false,
  serviceChargeOwedCents: 0,
  serviceChargeMonth: MONTH,
  unitsThisMonthHundredths: 0,
  unitsMonth: MONTH,
};

function plan(account: Partial<MeterAccount>, amount: number, utility: UtilityRecord = UTILITY) {
  const r = planPurchase(utility, { ...PLAIN, ...account }, amount, NOW);
  if (!r.ok) throw new Error(`${r.errorType}: ${r.message}`);
  return r;
}

function paidParts(r: ReturnType<typeof plan>): number {
  const p = r.plan;
  return (
    p.tokens.reduce((s, t) => s + t.amountCents, 0) +
    p.debtRecoveryCharges.reduce((s, d) => s + d.amountCents, 0) +
    p.serviceCharges.reduce((s, c) => s + c.amountCents, 0)
  );
}

describe('meter numbers (11 digits, Luhn check digit)', () => {
  it.each([
    ['0010000001', 7],
    ['7992739871', 3],
    ['0000000000', 0],
  ])('check digit of %s is %i', (body, digit) => {
    expect(meterCheckDigit(body)).toBe(digit);
  });
  it.each([
    ['00100000017', true],
    ['00100000018', false],
    ['79927398713', true],
    ['0010000001', false],
    ['0010000001A', false],
    ['TST001', false],
  ])('%s valid: %s', (meterId, valid) => {
    expect(isValidMeterNumber(meterId)).toBe(valid);
  });
  it('catches every single-digit typo', () => {
    const good = withCheckDigit('0420012345');
    for (let pos = 0; pos < 11; pos++) {
      for (let d = 0; d <= 9; d++) {
        const typo = good.slice(0, pos) + String(d) + good.slice(pos + 1);
        if (typo !== good) expect(isValidMeterNumber(typo)).toBe(false);
      }
    }
  });
});

describe('arrears are recovered first (a share of each purchase, capped at the arrears)', () => {
  it.each([
    // arrears, amount, recovered, balance
    [45_000, 10_000, 2_500, 42_500],
    [1_000, 10_000, 1_000, 0],
    [0, 10_000, null, null],
    [3_333, 1_001, 250, 3_083],
  ])('arrears %i, purchase %i → recovers %s, balance %s', (arrears, amount, recovered, balance) => {
    const r = plan({ arrearsCents: arrears }, amount);
    const debt = r.plan.debtRecoveryCharges[0];
    expect(debt?.amountCents ?? null).toBe(recovered);
    expect(debt?.balanceCents ?? null).toBe(balance);
    expect(r.next.arrearsCents).toBe(balance ?? 0);
    expect(paidParts(r)).toBe(amount);
  });
});

describe('periodic service charge', () => {
  it('is charged once per month, before the token', () => {
    const r = plan({ serviceChargeMonth: '2026-10' }, 10_000);
    expect(r.plan.serviceCharges).toEqual([{ amountCents: 2500, taxCents: vatIncluded(2500), description: 'Monthly service charge' }]);
    expect(r.plan.tokens[0]?.amountCents).toBe(7_500);
    const again = plan(r.next, 10_000);
    expect(again.plan.serviceCharges).toEqual([]);
  });
  it('what a small purchase cannot pay stays owed', () => {
    const r = plan({ serviceChargeMonth: '2026-10', serviceChargeOwedCents: 500 }, 2_000);
    expect(r.plan.serviceCharges[0]?.amountCents).toBe(2_000);
    expect(r.plan.tokens).toEqual([]);
    expect(r.next.serviceChargeOwedCents).toBe(1_000);
  });
});

describe('STD token: VAT 15% and stepped tariff blocks', () => {
  it.each([1_000, 10_000, 12_345, 57_500, 150_001, 300_000])('purchase of %i cents adds up to the cent', (amount) => {
    const r = plan({}, amount);
    const std = r.plan.tokens[0];
    expect(std?.tokenType).toBe('STD');
    expect(std?.taxCents).toBe(vatIncluded(amount));
    const excl = amount - (std?.taxCents ?? 0);
    expect(std?.tariffCalc?.reduce((s, b) => s + b.amountCents, 0)).toBe(excl);
    expect(std?.tariffCalc?.reduce((s, b) => s + b.unitsHundredths, 0)).toBe(std?.unitsHundredths);
    expect(r.plan.taxTotalCents).toBe(std?.taxCents);
  });
  it('fills block 1 (0–50 kWh) before block 2, from the month-to-date units', () => {
    // 50 kWh × 210c = R105.00 excl VAT fills block 1; the rest goes to block 2 at 265c.
    const steps = tariffSteps(ELEC, 0, 20_000);
    expect(steps.map((s) => [formatUnits(s.unitsHundredths), s.rateCents, s.amountCents])).toEqual([
      ['50.00', 210, 10_500],
      ['35.84', 265, 9_500],
    ]);
    const later = tariffSteps(ELEC, 34_000, 20_000);
    expect(later.map((s) => s.description)).toEqual(['B2', 'B3']);
    expect(later[0]?.unitsHundredths).toBe(1_000);
  });
  it('VAT is the 15/115 share of the inclusive amount', () => {
    expect(vatIncluded(11_500)).toBe(1_500);
    expect(vatIncluded(10_000)).toBe(1_304);
  });
});

describe('key change, free basic electricity, limits and blocks', () => {
  it('a pending key change puts the KC pair before the STD token and loads the new keys', () => {
    const newKeys = { supplyGroupCode: '600101', keyRevisionNum: '2', tariffIndex: '01' };
    const r = plan({ pendingKeyChange: newKeys }, 10_000);
    expect(r.plan.tokens.map((t) => t.tokenType)).toEqual(['KC', 'KC', 'STD']);
    expect(r.next.keys).toEqual(newKeys);
    expect(r.next.pendingKeyChange).toBeUndefined();
    expect(plan(r.next, 10_000).plan.tokens.map((t) => t.tokenType)).toEqual(['STD']);
  });
  it('issues the month’s 50 kWh BSST token once, with a purchase or on its own for R0', () => {
    const withSale = plan({ freeBasicEligible: true }, 10_000);
    expect(withSale.plan.tokens.map((t) => [t.tokenType, t.unitsHundredths, t.amountCents])).toEqual([
      ['STD', withSale.plan.tokens[0]?.unitsHundredths, 10_000],
      ['BSST', 5_000, 0],
    ]);
    expect(plan(withSale.next, 10_000).plan.tokens.map((t) => t.tokenType)).toEqual(['STD']);
    const alone = plan({ freeBasicEligible: true, arrearsCents: 5_000 }, 0);
    expect(alone.plan.tokens.map((t) => t.tokenType)).toEqual(['BSST']);
    expect(alone.plan.debtRecoveryCharges).toEqual([]);
  });
  it.each([
    [{}, 999, 'AMOUNT_TOO_LOW'],
    [{}, 0, 'AMOUNT_TOO_LOW'],
    [{}, 300_001, 'AMOUNT_TOO_HIGH'],
    [{ blocked: true }, 10_000, 'METER_ID_BLOCKED'],
  ] as const)('account %j, amount %i → %s', (account, amount, errorType) => {
    const r = planPurchase(UTILITY, { ...PLAIN, ...account }, amount, NOW);
    expect(r.ok ? 'ok' : r.errorType).toBe(errorType);
  });
  it('everything at once: arrears, service charge, KC pair, STD, BSST, all adding up', () => {
    const r = plan(
      { arrearsCents: 30_000, serviceChargeMonth: undefined, pendingKeyChange: { supplyGroupCode: '600101', keyRevisionNum: '2', tariffIndex: '01' }, freeBasicEligible: true },
      20_000,
    );
    expect(r.plan.tokens.map((t) => t.tokenType)).toEqual(['KC', 'KC', 'STD', 'BSST']);
    expect(r.plan.debtRecoveryCharges[0]).toMatchObject({ amountCents: 5_000, balanceCents: 25_000 });
    expect(r.plan.serviceCharges[0]?.amountCents).toBe(2_500);
    expect(r.plan.tokens[2]?.amountCents).toBe(12_500);
    expect(paidParts(r)).toBe(20_000);
  });
});

describe('back office', () => {
  const data: BackOfficeData = {
    utilities: [UTILITY],
    customers: [{ id: 'C1', firstName: 'Thandi', lastName: 'Nkosi', address: '1 Main Road', accountNumber: '1', contactNumber: '0820000000' }],
    meters: [{ meterId: '00100000017', utilityId: 'U1', customerId: 'C1', account: { ...PLAIN, arrearsCents: 10_000 } }],
    servedBy: { U1: ['P04'] },
  };
  it('sells once per purchase id: the same id answers the same tokens and recovers arrears once', () => {
    const bo = new UtilityBackOffice(data, { clock: () => NOW });
    const first = bo.purchase('P04', 'a1', '00100000017', 10_000);
    const second = bo.purchase('P04', 'a1', '00100000017', 10_000);
    expect(first.ok && second.ok && second.value.isNew).toBe(false);
    expect(first.ok && second.ok && second.value.record.tokens[0]?.token).toBe(first.ok && first.value.record.tokens[0]?.token);
    expect(bo.getMeter('00100000017')?.arrearsCents).toBe(7_500);
  });
  it('refuses a meter the provider does not serve, and unknown meters', () => {
    const bo = new UtilityBackOffice(data, { clock: () => NOW });
    expect(bo.lookup('P01', '00100000017')).toMatchObject({ ok: false, errorType: 'UNKNOWN_METER_ID' });
    expect(bo.lookup('P04', '00100000025')).toMatchObject({ ok: false, errorType: 'UNKNOWN_METER_ID' });
    expect(bo.lookup('P04', '00100000017')).toMatchObject({ ok: true });
  });
});
