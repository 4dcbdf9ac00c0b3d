/**
 * The demo's MicroPowerManager-style mini-grid (seed 004): its provider's utility record (a debt-first
 * policy, an inclining-block tariff with an access fee every 7 days, no free basic electricity), the
 * solar home systems and appliances it sells on instalments, and the accounts of its named demo
 * meters, each showing one part of the split (arrears, access fee due, instalments due by either scheme).
 */
import { termsByAmount, termsByCount, type ApplianceLoan, type InstalmentTerms, type TermsResult } from './instalment-plan';
import type { MeterAccount, Tariff, UtilityRecord } from './purchase-plan';

const DAY_MS = 86_400_000;
const MINI_GRID_ACCESS_FEE_DAYS = 7;

function miniGridTariff(id: string, name: string): Tariff {
  return {
    id,
    name: `${name} household`,
    unit: 'kWh',
    blocks: [
      { upToUnits: 20, rateCents: 350, description: 'Lifeline (0-20 kWh)' },
      { upToUnits: 100, rateCents: 480, description: 'Household (21-100 kWh)' },
      { upToUnits: null, rateCents: 620, description: 'Business (>100 kWh)' },
    ],
    accessFee: { description: 'Access fee (7 days)', amountCents: 2_000, periodDays: MINI_GRID_ACCESS_FEE_DAYS },
  };
}

/** What a mini-grid utility adds to the common utility fields. */
export function miniGridTerms(tariffId: string, name: string): Pick<UtilityRecord, 'tariff' | 'debtPolicy' | 'minAmountCents' | 'maxAmountCents'> {
  return { tariff: miniGridTariff(tariffId, name), debtPolicy: { kind: 'debt-first' }, minAmountCents: 500, maxAmountCents: 200_000 };
}

function sure(r: TermsResult): InstalmentTerms {
  if (!r.ok) throw new Error(`demo instalment plan: ${r.message}`);
  return r.terms;
}

/** A solar home system sold by count: R1,500, R300 down, 12 weekly instalments → R100 each. */
export function solarHomeSystem(soldAtMs: number): ApplianceLoan {
  return { ...sure(termsByCount(150_000, 30_000, 12, 'weekly')), id: 'SHS-50W', name: 'Solar home system 50W', soldAtMs, repaidCents: 0 };
}

/** A TV sold by instalment amount: R2,400, no down payment, R400 a month → 6 instalments. */
function television(soldAtMs: number): ApplianceLoan {
  return { ...sure(termsByAmount(240_000, 0, 40_000, 'monthly')), id: 'TV-32', name: 'TV 32 inch', soldAtMs, repaidCents: 0 };
}

export type MiniGridMeterName = 'miniGridPlain' | 'miniGridArrears' | 'miniGridAccessFeeDue' | 'miniGridSolarHomeSystem' | 'miniGridTelevision';

/** Midnight (South African time, UTC+2) on the first of the month `months` before now's. */
function firstOfMonthBefore(nowMs: number, months: number): number {
  const local = new Date(nowMs + 2 * 3600_000);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - months, 1) - 2 * 3600_000;
}

/** A mini-grid account: the access fee charged up to a period that began `daysIntoPeriod` days ago. */
export function miniGridAccount(base: MeterAccount, nowMs: number, daysIntoPeriod: number): MeterAccount {
  return { ...base, freeBasicEligible: false, accessFeeOwedCents: 0, accessFeeNextDueMs: nowMs - daysIntoPeriod * DAY_MS + MINI_GRID_ACCESS_FEE_DAYS * DAY_MS };
}

/** The named mini-grid meters' accounts (from a quiet account: nothing owed). */
export function namedMiniGridAccount(name: MiniGridMeterName, quiet: MeterAccount, nowMs: number): MeterAccount {
  const paidUp = miniGridAccount(quiet, nowMs, 2);
  switch (name) {
    case 'miniGridPlain':
      return paidUp;
    case 'miniGridArrears':
      // Seed 004's case: R450 owed; a R200 payment goes all to the debt and issues no token.
      return { ...paidUp, arrearsCents: 45_000 };
    case 'miniGridAccessFeeDue':
      // Two periods begun since the last one charged: R40 access fees before any units.
      return miniGridAccount(quiet, nowMs, 2 * MINI_GRID_ACCESS_FEE_DAYS + 1);
    case 'miniGridSolarHomeSystem':
      // Sold 3 weeks and a day ago: three R100 instalments (R300) due.
      return { ...paidUp, appliances: [solarHomeSystem(nowMs - 22 * DAY_MS)] };
    case 'miniGridTelevision':
      // Sold on the first of the month two months back: two R400 instalments (R800) due, and this week's access fee.
      return { ...miniGridAccount(quiet, nowMs, MINI_GRID_ACCESS_FEE_DAYS + 1), appliances: [television(firstOfMonthBefore(nowMs, 2))] };
  }
}
