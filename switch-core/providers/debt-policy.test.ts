import { describe, expect, it } from 'vitest';
import { UtilityBackOffice, type BackOfficeData } from './back-office';
import { instalmentDue, loanBalance, periodsElapsed, termsByAmount, termsByCount, type ApplianceLoan, type InstalmentTerms } from './instalment-plan';
import { monthKey, planPurchase, vatIncluded, type DebtPolicy, type MeterAccount, type UtilityRecord } from './purchase-plan';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 15, 10, 0, 0);
const MONTH = monthKey(NOW);

const MINI_GRID: UtilityRecord = {
  id: 'U-MG',
  name: 'Test Mini-Grid',
  utilityType: 'ELECTRICITY',
  address: 'Village',
  vatRegNum: '4000000001',
  minAmountCents: 500,
  maxAmountCents: 300_000,
  debtPolicy: { kind: 'debt-first' },
  tariff: {
    id: 'T-MG',
    name: 'Household',
    unit: 'kWh',
    blocks: [
      { upToUnits: 20, rateCents: 400, description: 'Block 1 (0-20 kWh)' },
      { upToUnits: null, rateCents: 600, description: 'Block 2 (>20 kWh)' },
    ],
    accessFee: { description: 'Access fee (7 days)', amountCents: 2_000, periodDays: 7 },
  },
};

const PLAIN: MeterAccount = {
  arrearsCents: 0,
  blocked: false,
  keys: { supplyGroupCode: '600999', keyRevisionNum: '1', tariffIndex: '01' },
  freeBasicEligible: false,
  serviceChargeOwedCents: 0,
  serviceChargeMonth: MONTH,
  unitsThisMonthHundredths: 0,
  unitsMonth: MONTH,
};

function terms(t: ReturnType<typeof termsByCount>): InstalmentTerms {
  if (!t.ok) throw new Error(t.message);
  return t.terms;
}

/** A loan sold `daysAgo` with instalments of `instalment` cents, weekly. */
function loan(instalment: number, daysAgo: number, repaid = 0): ApplianceLoan {
  return { ...terms(termsByAmount(120_000, 20_000, instalment, 'weekly')), id: 'A1', name: 'Solar home system 50W', soldAtMs: NOW - daysAgo * DAY, repaidCents: repaid };
}

const policies: Record<string, DebtPolicy> = { debtFirst: { kind: 'debt-first' }, percentage25: { kind: 'percentage', sharePercent: 25 } };

function plan(policy: keyof typeof policies, account: Partial<MeterAccount>, amount: number) {
  const r = planPurchase({ ...MINI_GRID, debtPolicy: policies[policy] }, { ...PLAIN, ...account }, amount, NOW);
  if (!r.ok) throw new Error(`${r.errorType}: ${r.message}`);
  return r;
}

describe('debt policies: what a payment clears before units, to the cent', () => {
  // Owed: arrears, access fees (periods begun since accessFeeNextDueMs, R20 each) and instalments due.
  it.each([
    // policy, arrears, access periods due, instalments due (weeks × R250), amount → arrears paid, access paid, instalment paid, units bought (cents)
    ['debtFirst', 45_000, 0, 0, 20_000, 20_000, 0, 0, 0],
    ['debtFirst', 45_000, 0, 0, 50_000, 45_000, 0, 0, 5_000],
    ['debtFirst', 1_000, 1, 2, 20_000, 1_000, 2_000, 5_000, 12_000],
    ['debtFirst', 1_000, 2, 2, 9_000, 1_000, 4_000, 4_000, 0],
    ['debtFirst', 0, 0, 0, 10_000, 0, 0, 0, 10_000],
    ['percentage25', 45_000, 0, 0, 20_000, 5_000, 0, 0, 15_000],
    ['percentage25', 1_000, 1, 2, 20_000, 1_000, 2_000, 4_000, 13_000],
    ['percentage25', 0, 0, 3, 1_001, 0, 0, 250, 751],
  ] as const)('%s: arrears %i, %i access fee(s), %i instalment(s) due, pays %i → arrears %i, access %i, instalment %i, units %i', (policy, arrears, feePeriods, weeksDue, amount, arrearsPaid, accessPaid, instalmentPaid, units) => {
    const account: Partial<MeterAccount> = {
      arrearsCents: arrears,
      ...(feePeriods > 0 ? { accessFeeNextDueMs: NOW - ((feePeriods - 1) * 7 + 1) * DAY } : {}),
      ...(weeksDue > 0 ? { appliances: [loan(2_500, weeksDue * 7 + 1)] } : {}),
    };
    const r = plan(policy, account, amount);
    const debt = r.plan.debtRecoveryCharges;
    expect(debt.find((d) => d.description === 'Arrears recovery')?.amountCents ?? 0).toBe(arrearsPaid);
    expect(r.plan.serviceCharges.find((s) => s.description === 'Access fee (7 days)')?.amountCents ?? 0).toBe(accessPaid);
    expect(debt.find((d) => d.description.startsWith('Instalment'))?.amountCents ?? 0).toBe(instalmentPaid);
    const std = r.plan.tokens.filter((t) => t.tokenType === 'STD');
    expect(std.reduce((s, t) => s + t.amountCents, 0)).toBe(units);
    // A payment that only clears debt issues no credit token.
    expect(std.length).toBe(units > 0 ? 1 : 0);
    expect(r.next.arrearsCents).toBe(arrears - arrearsPaid);
    expect(r.next.accessFeeOwedCents ?? 0).toBe(feePeriods * 2_000 - accessPaid);
  });

  it('the access fee carries VAT, instalments carry none; the balance is what is left on the loan', () => {
    const r = plan('debtFirst', { accessFeeNextDueMs: NOW - DAY, appliances: [loan(2_500, 15)] }, 20_000);
    expect(r.plan.serviceCharges).toEqual([{ amountCents: 2_000, taxCents: vatIncluded(2_000), description: 'Access fee (7 days)' }]);
    expect(r.plan.debtRecoveryCharges).toEqual([{ amountCents: 5_000, taxCents: 0, balanceCents: 95_000, description: 'Instalment: Solar home system 50W' }]);
    // R130.00 incl. VAT → R113.04 excl.: 20 kWh at R4.00 (R80.00), then R33.04 at R6.00 → 5.50 kWh.
    const std = r.plan.tokens[0];
    expect(std?.tariffCalc?.map((s) => [s.unitsHundredths, s.amountCents])).toEqual([
      [2_000, 8_000],
      [550, 3_304],
    ]);
    expect(r.plan.taxTotalCents).toBe(vatIncluded(2_000) + vatIncluded(13_000));
  });

  it('an access fee is charged once per period begun, and not again within it', () => {
    const first = plan('debtFirst', { accessFeeNextDueMs: NOW - 8 * DAY }, 10_000);
    expect(first.plan.serviceCharges[0]?.amountCents).toBe(4_000);
    expect(first.next.accessFeeNextDueMs).toBe(NOW + 6 * DAY);
    expect(plan('debtFirst', first.next, 10_000).plan.serviceCharges).toEqual([]);
  });
});

describe('instalment schemes (seed 004)', () => {
  it.each([
    // price, down, count, rate → instalment, last
    [150_000, 30_000, 12, 'monthly', 10_000, 10_000],
    [100_000, 0, 3, 'weekly', 33_333, 33_334],
    [120_000, 20_000, 7, 'weekly', 14_285, 14_290],
  ] as const)('by count: R%i, down %i, %i instalments %s → %i each, last %i', (price, down, count, rate, instalment, last) => {
    const t = terms(termsByCount(price, down, count, rate));
    expect([t.instalmentCents, t.instalmentCount, t.lastInstalmentCents]).toEqual([instalment, count, last]);
    expect(down + t.instalmentCents * (count - 1) + t.lastInstalmentCents).toBe(price);
  });
  it.each([
    // price, down, instalment → count, last
    [150_000, 30_000, 25_000, 5, 20_000],
    [100_000, 0, 30_000, 4, 10_000],
    [120_000, 20_000, 2_500, 40, 2_500],
  ] as const)('by amount: R%i, down %i, %i per instalment → %i instalments, last %i', (price, down, instalment, count, last) => {
    const t = terms(termsByAmount(price, down, instalment, 'monthly'));
    expect([t.instalmentCount, t.lastInstalmentCents]).toEqual([count, last]);
    expect(down + t.instalmentCents * (count - 1) + t.lastInstalmentCents).toBe(price);
  });
  it.each([
    ['a down payment of the whole price', termsByCount(1_000, 1_000, 2, 'weekly')],
    ['no instalments', termsByCount(1_000, 0, 0, 'weekly')],
    ['a zero instalment', termsByAmount(1_000, 0, 0, 'weekly')],
  ])('refuses %s', (_label, r) => {
    expect(r.ok).toBe(false);
  });
  it('instalments fall due one period after another from the sale; weekly and calendar months', () => {
    const weekly = loan(2_500, 15);
    expect(periodsElapsed('weekly', weekly.soldAtMs, NOW)).toBe(2);
    expect(instalmentDue(weekly, NOW)).toBe(5_000);
    expect(instalmentDue({ ...weekly, repaidCents: 3_000 }, NOW)).toBe(2_000);
    expect(periodsElapsed('monthly', Date.UTC(2026, 8, 15, 10, 0, 0), NOW)).toBe(2);
    expect(periodsElapsed('monthly', Date.UTC(2026, 8, 15, 11, 0, 0), NOW)).toBe(1);
    // Past the last instalment: all of it is due, the last carrying the rounding remainder.
    const byCount = { ...weekly, ...terms(termsByCount(100_000, 0, 3, 'weekly')) };
    expect(instalmentDue({ ...byCount, soldAtMs: NOW - 100 * DAY }, NOW)).toBe(100_000);
    expect(loanBalance({ ...byCount, repaidCents: 66_666 })).toBe(33_334);
  });
});

describe('back office: the mini-grid customer repays an appliance with no token', () => {
  const data: BackOfficeData = {
    utilities: [MINI_GRID],
    customers: [{ id: 'C1', firstName: 'Amina', lastName: 'Banda', address: 'Plot 4', accountNumber: '1', contactNumber: '0820000000' }],
    meters: [{ meterId: '00100000017', utilityId: 'U-MG', customerId: 'C1', account: { ...PLAIN, arrearsCents: 45_000, appliances: [loan(2_500, 15)] } }],
    servedBy: { 'U-MG': ['P11'] },
  };
  it('R200 on R450 arrears goes all to the debt (debt first), then the instalments, then units', () => {
    const bo = new UtilityBackOffice(data, { clock: () => NOW });
    const first = bo.purchase('P11', 'p1', '00100000017', 20_000);
    if (!first.ok) throw new Error(first.message);
    expect(first.value.record.tokens).toEqual([]);
    expect(first.value.record.plan.debtRecoveryCharges.map((d) => [d.amountCents, d.balanceCents])).toEqual([[20_000, 25_000]]);
    const second = bo.purchase('P11', 'p2', '00100000017', 40_000);
    if (!second.ok) throw new Error(second.message);
    expect(second.value.record.plan.debtRecoveryCharges.map((d) => [d.amountCents, d.balanceCents])).toEqual([
      [25_000, 0],
      [5_000, 95_000],
    ]);
    expect(second.value.record.tokens.map((t) => [t.tokenType, t.amountCents])).toEqual([['STD', 10_000]]);
    expect(bo.getMeter('00100000017')?.arrearsCents).toBe(0);
  });
});
