/**
 * The simulated utility's payment rules as pure functions over plain data. Each utility has a debt
 * policy (seed 004): *debt first* (MicroPowerManager: arrears, tariff access fees due and appliance
 * instalments due are cleared before any units are bought) or *percentage recovery* (South African
 * municipalities: a share of each purchase goes to arrears and instalments due, the monthly service
 * charge is paid in full). Only the remainder becomes an STD token priced on inclining block
 * tariffs; a payment that only clears debt issues no credit token. Key change tokens (KC pair) come
 * first when the meter's keys changed, and the month's free basic electricity (BSST) is added when due.
 * All money is integer cents (VAT-inclusive, VAT 15%); units are integer hundredths.
 */
import { rands } from '../../common/money';
import type { ErrorType, TokenType, UtilityType } from '../protocol';
import { VAT_RATE_PERCENT, vatIncluded } from '../../common/tax-invoice';
import { instalmentDue, loanBalance, type ApplianceLoan } from './instalment-plan';

export { VAT_RATE_PERCENT, vatIncluded };
/** The municipal share of each purchase that recovers debt, in percent (capped at what is due). */
export const ARREARS_SHARE_PERCENT = 25;

/** How a utility recovers what a customer owes. */
export type DebtPolicy = { readonly kind: 'debt-first' } | { readonly kind: 'percentage'; readonly sharePercent: number };

export const MUNICIPAL_DEBT_POLICY: DebtPolicy = { kind: 'percentage', sharePercent: ARREARS_SHARE_PERCENT };

export type UnitName = 'kWh' | 'kL' | 'kg';

export interface TariffBlockDef {
  /** Upper bound of the block in units consumed this month (cumulative); null = no upper bound. */
  readonly upToUnits: number | null;
  /** Price per unit in cents, excluding VAT. */
  readonly rateCents: number;
  readonly description: string;
}

/** A mini-grid tariff's access rate / subscription fee, due at the start of every period (e.g. every 7 days). */
export interface AccessFee {
  readonly description: string;
  /** Per period, VAT-inclusive. */
  readonly amountCents: number;
  readonly periodDays: number;
}

export interface Tariff {
  readonly id: string;
  readonly name: string;
  readonly unit: UnitName;
  /** Inclining blocks: each block's price applies to the units bought this month inside it. */
  readonly blocks: readonly TariffBlockDef[];
  readonly accessFee?: AccessFee;
}

export interface PeriodicCharge {
  readonly description: string;
  /** Per period (a calendar month), VAT-inclusive. */
  readonly amountCents: number;
}

export interface UtilityRecord {
  readonly id: string;
  readonly name: string;
  readonly utilityType: UtilityType;
  readonly address: string;
  readonly vatRegNum: string;
  readonly minAmountCents: number;
  readonly maxAmountCents: number;
  readonly tariff: Tariff;
  /** Absent = the municipal percentage recovery. */
  readonly debtPolicy?: DebtPolicy;
  readonly serviceCharge?: PeriodicCharge;
  /** Free basic units per month for eligible (indigent-register) meters, e.g. 50 kWh. */
  readonly freeBasicUnits?: number;
  readonly message?: string;
}

export interface KeyData {
  readonly supplyGroupCode: string;
  readonly keyRevisionNum: string;
  readonly tariffIndex: string;
}

/** The parts of a meter's account that a purchase reads and changes. */
export interface MeterAccount {
  readonly arrearsCents: number;
  readonly blocked: boolean;
  readonly keys: KeyData;
  /** New keys not yet loaded on the meter: the next purchase carries the KC pair. */
  readonly pendingKeyChange?: KeyData;
  readonly freeBasicEligible: boolean;
  /** Month ("YYYY-MM") whose free basic token was issued. */
  readonly freeBasicIssuedMonth?: string;
  /** Service charge owed and not yet recovered, VAT-inclusive cents. */
  readonly serviceChargeOwedCents: number;
  /** Last month whose service charge has been added to what is owed. */
  readonly serviceChargeMonth?: string;
  /** Units bought this month (hundredths), for the stepped tariff. */
  readonly unitsThisMonthHundredths: number;
  readonly unitsMonth?: string;
  /** Tariff access fees charged and not yet paid, VAT-inclusive cents. */
  readonly accessFeeOwedCents?: number;
  /** Start of the first access-fee period not yet charged (ms); absent = charged up to now. */
  readonly accessFeeNextDueMs?: number;
  /** Appliances and solar home systems on instalment plans. */
  readonly appliances?: readonly ApplianceLoan[];
}

export interface PlannedTariffStep {
  readonly unitsHundredths: number;
  /** Cents per unit: a price, not money, so it may carry decimals (the test server's 117.30). */
  readonly rateCents: number;
  /** Excluding VAT. */
  readonly amountCents: number;
  readonly description: string;
}

export interface PlannedToken {
  readonly tokenType: TokenType;
  readonly unitsHundredths: number;
  /** VAT-inclusive. */
  readonly amountCents: number;
  readonly taxCents: number;
  readonly tariffCalc?: readonly PlannedTariffStep[];
}

export interface PlannedDebtRecovery {
  readonly amountCents: number;
  readonly taxCents: number;
  readonly balanceCents: number;
  readonly description: string;
}

export interface PlannedServiceCharge {
  readonly amountCents: number;
  readonly taxCents: number;
  readonly description: string;
}

export interface PurchasePlan {
  readonly tokens: readonly PlannedToken[];
  readonly debtRecoveryCharges: readonly PlannedDebtRecovery[];
  readonly serviceCharges: readonly PlannedServiceCharge[];
  readonly purchaseTotalCents: number;
  readonly taxTotalCents: number;
}

export type PlanResult =
  | { readonly ok: true; readonly plan: PurchasePlan; readonly next: MeterAccount }
  | { readonly ok: false; readonly errorType: ErrorType; readonly message: string };

/** "YYYY-MM" in South African time (UTC+2, no daylight saving). */
export function monthKey(nowMs: number): string {
  return new Date(nowMs + 2 * 3600_000).toISOString().slice(0, 7);
}

export function formatUnits(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/**
 * Splits an amount (excluding VAT) across the stepped blocks, starting from the units already
 * bought this month. Whole blocks are priced exactly; the last block takes whatever cents remain,
 * so the steps always add up to the amount to the cent.
 */
export function tariffSteps(tariff: Tariff, usedHundredths: number, exclVatCents: number): PlannedTariffStep[] {
  const steps: PlannedTariffStep[] = [];
  let used = usedHundredths;
  let remaining = exclVatCents;
  for (const block of tariff.blocks) {
    if (remaining <= 0) break;
    const upTo = block.upToUnits === null ? Number.POSITIVE_INFINITY : block.upToUnits * 100;
    if (used >= upTo) continue;
    const capacity = upTo - used;
    // Does the rest of this block cost no more than what is left? (Compared in cents × 100, exact.)
    if (Number.isFinite(capacity) && capacity * block.rateCents < remaining * 100) {
      const amount = Math.round((capacity * block.rateCents) / 100);
      steps.push({ unitsHundredths: capacity, rateCents: block.rateCents, amountCents: amount, description: block.description });
      remaining -= amount;
      used += capacity;
      continue;
    }
    const units = Math.floor((remaining * 100) / block.rateCents);
    steps.push({ unitsHundredths: units, rateCents: block.rateCents, amountCents: remaining, description: block.description });
    used += units;
    remaining = 0;
  }
  return steps;
}

/** A VAT-inclusive amount turned into a standard token priced on the tariff. */
export function standardToken(tariff: Tariff, usedHundredths: number, amountCents: number): PlannedToken {
  const taxCents = vatIncluded(amountCents);
  const tariffCalc = tariffSteps(tariff, usedHundredths, amountCents - taxCents);
  const unitsHundredths = tariffCalc.reduce((sum, s) => sum + s.unitsHundredths, 0);
  return { tokenType: 'STD', unitsHundredths, amountCents, taxCents, tariffCalc };
}

export function keyChangePair(): PlannedToken[] {
  return [
    { tokenType: 'KC', unitsHundredths: 0, amountCents: 0, taxCents: 0 },
    { tokenType: 'KC', unitsHundredths: 0, amountCents: 0, taxCents: 0 },
  ];
}

export function isFreeBasicDue(utility: UtilityRecord, account: MeterAccount, nowMs: number): boolean {
  return (utility.freeBasicUnits ?? 0) > 0 && account.freeBasicEligible && account.freeBasicIssuedMonth !== monthKey(nowMs);
}

/** What the customer owes before a token: arrears plus the service charge due this period. */
export function serviceChargeOwed(utility: UtilityRecord, account: MeterAccount, nowMs: number): number {
  const month = monthKey(nowMs);
  const addThisMonth = utility.serviceCharge && account.serviceChargeMonth !== month ? utility.serviceCharge.amountCents : 0;
  return account.serviceChargeOwedCents + addThisMonth;
}

/** Access fees owed now: what was owed plus one fee for every period begun since the last one charged. */
export function accessFeeOwed(tariff: Tariff, account: MeterAccount, nowMs: number): { owedCents: number; nextDueMs: number | undefined } {
  const owed = account.accessFeeOwedCents ?? 0;
  const fee = tariff.accessFee;
  const nextDue = account.accessFeeNextDueMs;
  if (!fee || nextDue === undefined || nowMs < nextDue) return { owedCents: owed, nextDueMs: nextDue };
  const periodMs = fee.periodDays * 86_400_000;
  const periods = Math.floor((nowMs - nextDue) / periodMs) + 1;
  return { owedCents: owed + periods * fee.amountCents, nextDueMs: nextDue + periods * periodMs };
}

/** Takes up to `wanted` from the payment, within the debt budget when it is debt. */
class Payment {
  constructor(
    public remaining: number,
    public debtBudget: number,
  ) {}
  charge(wanted: number): number {
    const paid = Math.max(0, Math.min(wanted, this.remaining));
    this.remaining -= paid;
    return paid;
  }
  debt(wanted: number): number {
    const paid = this.charge(Math.min(wanted, this.debtBudget));
    this.debtBudget -= paid;
    return paid;
  }
}

/**
 * The debt budget of a payment under the policy. Percentage recovery rounds the share DOWN to the
 * cent (the customer's units get the odd cent).
 */
export function debtBudget(policy: DebtPolicy, amountCents: number): number {
  return policy.kind === 'debt-first' ? amountCents : Math.floor((amountCents * policy.sharePercent) / 100);
}

/** Decides a purchase of `amountCents` (VAT-inclusive) on a meter: the parts and the account after it. */
export function planPurchase(utility: UtilityRecord, account: MeterAccount, amountCents: number, nowMs: number): PlanResult {
  if (account.blocked) return { ok: false, errorType: 'METER_ID_BLOCKED', message: 'This meter is blocked by the utility; the customer must contact the utility.' };
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) return { ok: false, errorType: 'INVALID_AMOUNT', message: 'The amount must be a whole number of cents.' };
  const month = monthKey(nowMs);
  const freeDue = isFreeBasicDue(utility, account, nowMs);
  const freeToken: PlannedToken | null = freeDue
    ? { tokenType: 'BSST', unitsHundredths: (utility.freeBasicUnits ?? 0) * 100, amountCents: 0, taxCents: 0 }
    : null;

  if (amountCents === 0 && freeToken) {
    // Collecting only the month's free units: nothing is paid, so nothing is recovered.
    const plan: PurchasePlan = { tokens: [freeToken], debtRecoveryCharges: [], serviceCharges: [], purchaseTotalCents: 0, taxTotalCents: 0 };
    return { ok: true, plan, next: { ...account, freeBasicIssuedMonth: month } };
  }
  if (amountCents < utility.minAmountCents) {
    return { ok: false, errorType: 'AMOUNT_TOO_LOW', message: `The minimum purchase is ${rands(utility.minAmountCents)}.` };
  }
  if (amountCents > utility.maxAmountCents) {
    return { ok: false, errorType: 'AMOUNT_TOO_HIGH', message: `The maximum purchase is ${rands(utility.maxAmountCents)}.` };
  }

  const pay = new Payment(amountCents, debtBudget(utility.debtPolicy ?? MUNICIPAL_DEBT_POLICY, amountCents));
  const debtRecoveryCharges: PlannedDebtRecovery[] = [];
  const serviceCharges: PlannedServiceCharge[] = [];

  let arrears = account.arrearsCents;
  if (arrears > 0) {
    const recovered = pay.debt(arrears);
    arrears -= recovered;
    debtRecoveryCharges.push({ amountCents: recovered, taxCents: 0, balanceCents: arrears, description: 'Arrears recovery' });
  }

  const access = accessFeeOwed(utility.tariff, account, nowMs);
  const accessPaid = pay.charge(access.owedCents);
  if (accessPaid > 0) serviceCharges.push({ amountCents: accessPaid, taxCents: vatIncluded(accessPaid), description: utility.tariff.accessFee?.description ?? 'Access fee' });

  let owed = serviceChargeOwed(utility, account, nowMs);
  const servicePaid = pay.charge(owed);
  owed -= servicePaid;
  if (servicePaid > 0) serviceCharges.push({ amountCents: servicePaid, taxCents: vatIncluded(servicePaid), description: utility.serviceCharge?.description ?? 'Service charge' });

  // Instalments carry no VAT here: VAT was invoiced on the appliance at its sale.
  const appliances = (account.appliances ?? []).map((loan) => {
    const due = instalmentDue(loan, nowMs);
    if (due === 0) return loan;
    const repaid = pay.debt(due);
    if (repaid === 0) return loan;
    const after = { ...loan, repaidCents: loan.repaidCents + repaid };
    debtRecoveryCharges.push({ amountCents: repaid, taxCents: 0, balanceCents: loanBalance(after), description: `Instalment: ${loan.name}`.slice(0, 40) });
    return after;
  });

  const used = account.unitsMonth === month ? account.unitsThisMonthHundredths : 0;
  const tokens: PlannedToken[] = [];
  if (account.pendingKeyChange) tokens.push(...keyChangePair());
  let unitsAfter = used;
  if (pay.remaining > 0) {
    const std = standardToken(utility.tariff, used, pay.remaining);
    tokens.push(std);
    unitsAfter += std.unitsHundredths;
  }
  if (freeToken) tokens.push(freeToken);

  const taxTotalCents =
    tokens.reduce((s, t) => s + t.taxCents, 0) +
    debtRecoveryCharges.reduce((s, d) => s + d.taxCents, 0) +
    serviceCharges.reduce((s, c) => s + c.taxCents, 0);
  const next: MeterAccount = {
    ...account,
    arrearsCents: arrears,
    serviceChargeOwedCents: owed,
    serviceChargeMonth: utility.serviceCharge ? month : account.serviceChargeMonth,
    unitsThisMonthHundredths: unitsAfter,
    unitsMonth: month,
    ...(account.pendingKeyChange ? { keys: account.pendingKeyChange, pendingKeyChange: undefined } : {}),
    ...(freeToken ? { freeBasicIssuedMonth: month } : {}),
    ...(utility.tariff.accessFee ? { accessFeeOwedCents: access.owedCents - accessPaid, accessFeeNextDueMs: access.nextDueMs } : {}),
    ...(account.appliances ? { appliances } : {}),
  };
  return { ok: true, plan: { tokens, debtRecoveryCharges, serviceCharges, purchaseTotalCents: amountCents, taxTotalCents }, next };
}
