/**
 * Appliances sold on instalment plans (seed 004, MicroPowerManager's two repayment schemes) as pure
 * functions: a plan by count (down payment + number of instalments → instalment amount) or by
 * instalment amount (→ number of instalments), and what of a loan is due at a given time.
 *
 * Rounding rule (integer cents): the instalment amount is rounded DOWN to the cent and the LAST
 * instalment takes what remains, so the instalments always add up to the price exactly and the
 * customer never pays more than the price (R1000 in 3 → R333.33, R333.33, R333.34).
 */

export type RepaymentRate = 'weekly' | 'monthly';

export interface InstalmentTerms {
  readonly priceCents: number;
  readonly downPaymentCents: number;
  readonly instalmentCents: number;
  readonly instalmentCount: number;
  /** The last instalment: what remains after the others (≥ instalmentCents by the rounding rule by count, ≤ by amount). */
  readonly lastInstalmentCents: number;
  readonly rate: RepaymentRate;
}

/** An appliance (or solar home system) a customer bought on instalments, and what has been repaid. */
export interface ApplianceLoan extends InstalmentTerms {
  readonly id: string;
  readonly name: string;
  readonly soldAtMs: number;
  /** Repaid towards the instalments so far (the down payment is paid at the sale, not here). */
  readonly repaidCents: number;
}

export type TermsResult = { readonly ok: true; readonly terms: InstalmentTerms } | { readonly ok: false; readonly message: string };

function financedOf(priceCents: number, downPaymentCents: number): number | string {
  if (!Number.isSafeInteger(priceCents) || priceCents <= 0) return 'The price must be a positive whole number of cents.';
  if (!Number.isSafeInteger(downPaymentCents) || downPaymentCents < 0 || downPaymentCents >= priceCents) {
    return 'The down payment must be whole cents, at least zero and less than the price.';
  }
  return priceCents - downPaymentCents;
}

/** Scheme (a), count based: the down payment and the number of instalments give the instalment amount. */
export function termsByCount(priceCents: number, downPaymentCents: number, instalmentCount: number, rate: RepaymentRate): TermsResult {
  const financed = financedOf(priceCents, downPaymentCents);
  if (typeof financed === 'string') return { ok: false, message: financed };
  if (!Number.isSafeInteger(instalmentCount) || instalmentCount < 1 || instalmentCount > financed) {
    return { ok: false, message: 'The number of instalments must be at least 1 and no more than the amount financed in cents.' };
  }
  const instalmentCents = Math.floor(financed / instalmentCount);
  const lastInstalmentCents = financed - instalmentCents * (instalmentCount - 1);
  return { ok: true, terms: { priceCents, downPaymentCents, instalmentCents, instalmentCount, lastInstalmentCents, rate } };
}

/** Scheme (b), instalment-amount based: the instalment amount gives the number of instalments. */
export function termsByAmount(priceCents: number, downPaymentCents: number, instalmentCents: number, rate: RepaymentRate): TermsResult {
  const financed = financedOf(priceCents, downPaymentCents);
  if (typeof financed === 'string') return { ok: false, message: financed };
  if (!Number.isSafeInteger(instalmentCents) || instalmentCents < 1) return { ok: false, message: 'The instalment must be a positive whole number of cents.' };
  const instalmentCount = Math.ceil(financed / instalmentCents);
  const lastInstalmentCents = financed - instalmentCents * (instalmentCount - 1);
  return { ok: true, terms: { priceCents, downPaymentCents, instalmentCents: Math.min(instalmentCents, financed), instalmentCount, lastInstalmentCents, rate } };
}

const DAY_MS = 86_400_000;
/** South African time (UTC+2, no daylight saving): calendar months turn at local midnight. */
const SAST_MS = 2 * 3600_000;

/** Whole periods (weeks or calendar months) from the sale to now. */
export function periodsElapsed(rate: RepaymentRate, soldAtMs: number, nowMs: number): number {
  if (nowMs <= soldAtMs) return 0;
  if (rate === 'weekly') return Math.floor((nowMs - soldAtMs) / (7 * DAY_MS));
  const a = new Date(soldAtMs + SAST_MS);
  const b = new Date(nowMs + SAST_MS);
  const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  const sameOrLaterInMonth = b.getTime() - Date.UTC(b.getUTCFullYear(), b.getUTCMonth()) >= a.getTime() - Date.UTC(a.getUTCFullYear(), a.getUTCMonth());
  return sameOrLaterInMonth ? months : months - 1;
}

/** The amount financed (price less down payment). */
function financed(terms: InstalmentTerms): number {
  return terms.priceCents - terms.downPaymentCents;
}

/** What the first `n` instalments add up to. */
function scheduledCents(terms: InstalmentTerms, n: number): number {
  if (n <= 0) return 0;
  if (n >= terms.instalmentCount) return financed(terms);
  return n * terms.instalmentCents;
}

/** Due now and not yet repaid: instalment k falls due k periods after the sale (the down payment was paid at it). */
export function instalmentDue(loan: ApplianceLoan, nowMs: number): number {
  return Math.max(0, scheduledCents(loan, periodsElapsed(loan.rate, loan.soldAtMs, nowMs)) - loan.repaidCents);
}

/** Still to repay on the loan, due or not. */
export function loanBalance(loan: ApplianceLoan): number {
  return financed(loan) - loan.repaidCents;
}
