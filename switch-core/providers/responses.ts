/**
 * Back-office records turned into PPU v3 response bodies (pure): the echo of the request's
 * transaction fields, the lookup answer, and a purchase with its tokens, tariff steps, debt
 * recovery and service charges, VAT on every amount.
 */
import type {
  Customer,
  Meter,
  MeterLookupResponse,
  PurchaseResponse,
  SlipData,
  Token,
  Transaction,
  Utility,
} from '../protocol';
import type { CustomerRecord, IssuedToken, MeterView, PurchaseRecord } from './back-office';
import { VAT_RATE_PERCENT, type PurchasePlan, type UtilityRecord } from './purchase-plan';

export const CURRENCY = '710';

/** Fields a response echoes from its request, plus this provider's own reference. */
export function echo(req: Transaction, providerId: string, reference: string): Transaction {
  return {
    id: req.id,
    time: req.time,
    originator: req.originator,
    client: req.client,
    ...(req.settlementEntity ? { settlementEntity: req.settlementEntity } : {}),
    receiver: { id: providerId, name: providerId },
    thirdPartyIdentifiers: [...req.thirdPartyIdentifiers, { institutionId: providerId, transactionIdentifier: reference }],
    ...(req.basketRef ? { basketRef: req.basketRef } : {}),
    ...(req.stan ? { stan: req.stan } : {}),
    ...(req.rrn ? { rrn: req.rrn } : {}),
  };
}

export function ledger(amount: number): { amount: number; currency: string } {
  return { amount, currency: CURRENCY };
}

/**
 * A VAT-inclusive amount as the model writes it: `tax` (minor units, the model's Long) "only present
 * and non-zero if the amount field is exclusive of tax", so a taxed amount is sent net of its VAT
 * (R100.00 with R13.04 VAT → amount 8696, tax 1304); an untaxed one whole, with tax 0.
 */
export function taxable(inclusiveCents: number, tax: number): { amount: number; currency: string; tax: number; taxType: string; taxRate: number } {
  return { amount: inclusiveCents - tax, currency: CURRENCY, tax, taxType: 'VAT', taxRate: VAT_RATE_PERCENT };
}

export function meterOf(view: MeterView, requested: Meter): Meter {
  return {
    ...requested,
    meterId: view.meterId,
    serviceType: view.utilityType === 'ELECTRICITY' ? 'ELEC' : view.utilityType,
    supplyGroupCode: view.keys.supplyGroupCode,
    keyRevisionNum: view.keys.keyRevisionNum,
    tariffIndex: view.keys.tariffIndex,
    tokenTechCode: view.sts.tokenTechCode,
    algorithmCode: view.sts.algorithmCode,
    ...(view.pendingKeyChange
      ? {
          keyChangeData: {
            newSupplyGroupCode: view.pendingKeyChange.supplyGroupCode,
            newKeyRevisionNumber: view.pendingKeyChange.keyRevisionNum,
            newTariffIndex: view.pendingKeyChange.tariffIndex,
          },
        }
      : {}),
  };
}

export function customerOf(c: CustomerRecord): Customer {
  return { firstName: c.firstName, lastName: c.lastName, address: c.address };
}

export function utilityOf(u: UtilityRecord): Utility {
  return { name: u.name, address: u.address, vatRegNum: u.vatRegNum, clientId: u.id, ...(u.message ? { message: u.message } : {}) };
}

/** The meter, customer and utility every lookup and purchase answer carries (a purchase adds utilityType). */
export function accountOf(requested: Meter, view: MeterView, u: UtilityRecord): Pick<PurchaseResponse, 'meter' | 'customer' | 'utility'> {
  return { meter: meterOf(view, requested), customer: customerOf(view.customer), utility: utilityOf(u) };
}

export function lookupResponse(base: Transaction, requested: Meter, view: MeterView, u: UtilityRecord): MeterLookupResponse {
  return {
    ...base,
    ...accountOf(requested, view, u),
    minAmount: ledger(view.minAmountCents),
    maxAmount: ledger(view.maxAmountCents),
    arrearsAmount: ledger(view.arrearsCents),
    bsstDue: view.bsstDue,
  };
}

export function tokenOf(t: IssuedToken, withTariffCalc: boolean): Token {
  return {
    tokenType: t.tokenType,
    units: t.unitsHundredths / 100,
    amount: taxable(t.amountCents, t.taxCents),
    receiptNum: t.receiptNum,
    token: t.token,
    ...(withTariffCalc && t.tariffCalc
      ? {
          tariffCalc: t.tariffCalc.map((s) => ({ units: s.unitsHundredths / 100, rate: s.rateCents })),
        }
      : {}),
  };
}

export function slipOf(record: PurchaseRecord): SlipData | undefined {
  if (!record.slipLines) return undefined;
  return { messageLines: [...record.slipLines], slipWidth: 42, issuerReference: record.vatInvoiceNumber };
}

export function purchaseResponse(
  base: Transaction,
  requested: Meter,
  view: MeterView,
  u: UtilityRecord,
  record: PurchaseRecord,
  opts: { tariffCalc?: boolean } = {},
): PurchaseResponse {
  const slip = slipOf(record);
  return {
    ...base,
    ...accountOf(requested, view, u),
    utilityType: u.utilityType,
    ...partsOf(record.plan, record.tokens, record.receiptNums, opts.tariffCalc ?? true),
    vatInvoiceNumber: record.vatInvoiceNumber,
    ...(slip ? { slipData: slip } : {}),
  };
}

export function partsOf(
  plan: PurchasePlan,
  tokens: readonly IssuedToken[],
  receipts: { readonly debt: readonly string[]; readonly service: readonly string[] },
  withTariffCalc: boolean,
): Pick<PurchaseResponse, 'purchaseTotal' | 'taxTotal' | 'tokens' | 'debtRecoveryCharges' | 'serviceCharges'> {
  return {
    purchaseTotal: ledger(plan.purchaseTotalCents),
    taxTotal: ledger(plan.taxTotalCents),
    tokens: tokens.map((t) => tokenOf(t, withTariffCalc)),
    debtRecoveryCharges: plan.debtRecoveryCharges.map((d, i) => ({
      amount: taxable(d.amountCents, d.taxCents),
      description: d.description,
      balance: ledger(d.balanceCents),
      ...(receipts.debt[i] ? { receiptNum: receipts.debt[i] } : {}),
    })),
    serviceCharges: plan.serviceCharges.map((s) => ({
      amount: taxable(s.amountCents, s.taxCents),
      description: s.description,
    })),
  };
}
