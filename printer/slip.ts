/**
 * Slip model: the one plain-data description of what a customer's slip says, built from a
 * purchase answer (its money as a VAT document by common/tax-invoice.ts), from the switch's
 * slipData, or for a pending (unknown-outcome) purchase.
 * Pure: no I/O, no clock (times and the time zone are passed in), so the till, tests and the CLI agree on content.
 */
import { invoiceOf, type TaxInvoice } from '../common/tax-invoice';
import type { PurchaseAnswer, Read, SlipData, TokenType } from '../switch-core/protocol';

/** Store header and who/when, supplied by the till for every slip. */
export interface SlipContext {
  merchantName: string;
  /** Address lines (printed one per line, wrapped if long). */
  address?: string[];
  vatNumber?: string;
  terminalId?: string;
  operator?: string;
  /** Footer lines, e.g. "Thank you" or a help line. */
  footer?: string[];
  /** When the slip is printed (defaults to the transaction time). */
  at?: Date;
  /** How the reference is shown: QR, CODE128 barcode, or both (default). */
  referenceCode?: 'qr' | 'barcode' | 'both';
  /** The till's time zone (IANA name): every time on the slip is local to it. UTC when left out. */
  timeZone?: string;
  /** How the customer paid: printed under the total (and on a pending slip). */
  payment?: SlipPayment;
}

/**
 * The tender, what was paid and, for cash, what was handed over (change = received − paid); for a
 * card, its masked number and the card terminal's approval code when the till has them.
 */
export interface SlipPayment {
  tender: 'CASH' | 'DEBIT_CARD' | 'CREDIT_CARD';
  paidCents: number;
  receivedCents?: number;
  maskedCard?: string;
  approvalCode?: string;
}

/** A tariff block as the interface gives it: units, and the rate per unit in (possibly fractional) cents. */
export interface SlipTariffBlock {
  units: number;
  rateCents: number;
}

/** Fields a provider left out of its answer are absent here too (only the token digits are certain). */
export interface SlipToken {
  type?: TokenType;
  /** Digits only, as issued (usually 20). */
  token: string;
  units?: number;
  receiptNum?: string;
  tariff: SlipTariffBlock[];
}

export interface SlipDebt {
  description?: string;
  balanceCents?: number;
  receiptNum?: string;
}


export interface SlipSwitchLine {
  text: string;
  widthScale: number;
  heightScale: number;
  line: boolean;
  cut: boolean;
  barcode?: { data: string; encoding?: string };
}

export interface SlipHeader {
  merchantName: string;
  address: string[];
  vatNumber?: string;
  terminalId?: string;
  operator?: string;
}

export type Slip =
  | (SlipCommon & { kind: 'sale'; sale: SaleContent })
  | (SlipCommon & { kind: 'pending'; pending: PendingContent })
  | (SlipCommon & { kind: 'switch'; lines: SlipSwitchLine[]; issuerReference?: string })
  | (SlipCommon & { kind: 'test' });

export interface SlipCommon {
  header: SlipHeader;
  /** ISO time of the transaction (or of printing for a test page). */
  at: string;
  /** The zone its times are printed in. */
  zone: string;
  /** The transaction reference: printed, and encoded as QR and/or CODE128. */
  reference: string;
  referenceCode: 'qr' | 'barcode' | 'both';
  footer: string[];
  payment?: SlipPayment;
  /** A copy (VAT Act s20(1)(ii)): marked COPY, with the original date, time and reference kept. */
  reprint?: { at: string; operator?: string };
}

export interface SaleContent {
  /** The money as a VAT document: title, supplier, serial number, each line inclusive with its VAT, totals. */
  invoice: TaxInvoice;
  utilityType?: string;
  customerName?: string;
  customerAddress?: string;
  meterId: string;
  tokens: SlipToken[];
  /** Balances left and receipt numbers of the debts recovered (their money is in the invoice). */
  debts: SlipDebt[];
  currency: string;
}

export interface PendingContent {
  purchaseId: string;
  meterId: string;
  amountCents: number;
  utilityName?: string;
  currency: string;
}

export interface PendingInfo {
  purchaseId: string;
  meterId: string;
  amountCents: number;
  utilityName?: string;
  at: Date;
  currency?: string;
}

function headerOf(ctx: SlipContext): SlipHeader {
  return {
    merchantName: ctx.merchantName,
    address: ctx.address ?? [],
    vatNumber: ctx.vatNumber,
    terminalId: ctx.terminalId,
    operator: ctx.operator,
  };
}

function common(ctx: SlipContext, at: string, reference: string): SlipCommon {
  return {
    header: headerOf(ctx),
    at: ctx.at ? ctx.at.toISOString() : at,
    zone: ctx.timeZone ?? 'UTC',
    reference,
    referenceCode: ctx.referenceCode ?? 'both',
    footer: ctx.footer ?? [],
    ...(ctx.payment ? { payment: ctx.payment } : {}),
  };
}

/** Key change tokens first (the meter must take them before the new STD token), then STD/BSST/REFUND. */
const TOKEN_ORDER: Record<TokenType, number> = { KC: 0, STD: 1, BSST: 2, PWRLMT: 3, REFUND: 4 };

export function slipFromPurchase(resp: PurchaseAnswer, ctx: SlipContext): Slip {
  const tokens: SlipToken[] = resp.tokens
    .map((t) => ({
      type: t.tokenType ?? undefined,
      token: t.token.replace(/\s+/g, ''),
      units: t.units ?? undefined,
      receiptNum: t.receiptNum ?? undefined,
      tariff: (t.tariffCalc ?? []).flatMap((b) => (b.units == null || b.rate == null ? [] : [{ units: b.units, rateCents: b.rate }])),
    }))
    // Stable sort: keeps the switch's order within a kind (KC pair order matters).
    .map((t, i) => ({ t, i }))
    .sort((a, b) => TOKEN_ORDER[a.t.type ?? 'STD'] - TOKEN_ORDER[b.t.type ?? 'STD'] || a.i - b.i)
    .map((x) => x.t);
  const customerName = [resp.customer?.firstName, resp.customer?.lastName].filter(Boolean).join(' ') || undefined;
  const currency = resp.purchaseTotal?.currency ?? resp.tokens[0]?.amount?.currency ?? '710';
  return {
    ...common(ctx, resp.time ?? (ctx.at ?? new Date()).toISOString(), resp.id),
    kind: 'sale',
    sale: {
      invoice: invoiceOf(resp),
      utilityType: resp.utilityType ?? undefined,
      customerName,
      customerAddress: resp.customer?.address ?? undefined,
      meterId: resp.meter?.meterId ?? '',
      tokens,
      debts: (resp.debtRecoveryCharges ?? []).map((d) => ({ description: d.description ?? undefined, balanceCents: d.balance?.amount ?? undefined, receiptNum: d.receiptNum ?? undefined })),
      currency,
    },
  };
}

/** The switch's own printable slip, kept line for line (scales clamped to what a printer does). */
export function slipFromSlipData(data: Read<SlipData>, ctx: SlipContext & { reference?: string }): Slip {
  const clamp = (n: number | null | undefined) => Math.min(8, Math.max(1, Math.trunc(n ?? 1)));
  return {
    ...common(ctx, (ctx.at ?? new Date(0)).toISOString(), ctx.reference ?? data.issuerReference ?? ''),
    kind: 'switch',
    issuerReference: data.issuerReference ?? undefined,
    lines: (data.messageLines ?? []).map((l) => ({
      text: l.text ?? '',
      widthScale: clamp(l.fontWidthScaleFactor),
      heightScale: clamp(l.fontHeightScaleFactor),
      line: l.line === true,
      cut: l.cut === true,
      barcode: l.barcode?.data != null && l.barcode.encoding != null ? { data: l.barcode.data, encoding: l.barcode.encoding } : undefined,
    })),
  };
}

/** Slip for a purchase whose outcome is unknown: the customer keeps it and comes back with the reference. */
export function pendingSlip(info: PendingInfo, ctx: SlipContext): Slip {
  return {
    ...common(ctx, info.at.toISOString(), info.purchaseId),
    at: info.at.toISOString(),
    kind: 'pending',
    pending: {
      purchaseId: info.purchaseId,
      meterId: info.meterId,
      amountCents: info.amountCents,
      utilityName: info.utilityName,
      currency: info.currency ?? '710',
    },
  };
}

/** A copy of a slip marked COPY with when and by whom it was reprinted (the original time and reference stay). */
export function markReprint(slip: Slip, at: Date, operator?: string): Slip {
  return { ...slip, reprint: { at: at.toISOString(), operator } };
}

/** Printer test page: all sizes, alignment, barcode, QR, code page sample, cut. */
export function testPageSlip(at: Date = new Date(0), ctx?: Partial<SlipContext>): Slip {
  return {
    header: headerOf({ merchantName: ctx?.merchantName ?? 'PRINTER TEST PAGE', ...ctx }),
    at: at.toISOString(),
    zone: ctx?.timeZone ?? 'UTC',
    reference: 'TEST-0123456789',
    referenceCode: 'both',
    footer: ctx?.footer ?? ['End of test page'],
    kind: 'test',
  };
}
