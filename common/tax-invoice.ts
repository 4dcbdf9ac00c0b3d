/**
 * The rules of a prepaid-utility slip as a South African VAT document (VAT Act s20; 15 %, every
 * amount VAT-inclusive): above R50 an abridged TAX INVOICE naming the supplier (the utility), its
 * address and VAT number, a serial number and what was supplied, each line with the VAT it includes;
 * R50 or less a till slip that still shows the VAT. TOTAL is the sum of the lines. One pure module for
 * both the switch's slipData (switch-core/engine/slip-data.ts) and the till's own slip (printer/),
 * reading a PurchaseResponse tolerantly (amounts as numbers, integer strings or LedgerAmounts).
 * A TaxableAmount's `tax` is, by the model ("only present and non-zero if the amount field is
 * exclusive of tax"), on top of its `amount`: the public test server's TST001 token is R86.00 + R14.00.
 */

export const VAT_RATE_PERCENT = 15;
/** s20(5): a supply above R50 needs (at least) an abridged tax invoice; R50 or less, a till slip. */
export const TAX_INVOICE_ABOVE_CENTS = 5_000;

/** The VAT contained in a VAT-inclusive amount, rounded to the cent (R115.00 → R15.00). */
export function vatIncluded(inclusiveCents: number, ratePercent = VAT_RATE_PERCENT): number {
  return inclusiveCents - Math.round((inclusiveCents * 100) / (100 + ratePercent));
}

/** Cents from an amount the models write as a number, an integer string, or (older peers) a LedgerAmount. */
export function centsOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  if (typeof v === 'object' && v !== null && 'amount' in v) return centsOf(v.amount);
  return null;
}

export type InvoiceLineKind = 'token' | 'debt' | 'service';
export interface InvoiceLine {
  kind: InvoiceLineKind;
  /** What was supplied, in the customer's words: "Electricity 73.8 kWh", "Arrears recovery". */
  label: string;
  /** VAT-inclusive, as paid. */
  inclCents: number;
  /** The VAT that amount includes (0 for a debt whose VAT was invoiced before, or free basic units). */
  vatCents: number;
}

export interface TaxInvoice {
  title: 'TAX INVOICE' | 'TILL SLIP';
  supplier: { name: string; address: string | null; vatNumber: string | null };
  /** The provider's VAT invoice number, else its first receipt number; null when it gave neither. */
  serial: string | null;
  lines: InvoiceLine[];
  /** Sum of the lines: what the customer paid for. */
  totalCents: number;
  vatCents: number;
  /** The real exclusive value: total less the VAT it includes. */
  exclCents: number;
}

/** The answer's parts as this module reads them (a PurchaseResponse, or a peer's looser shape: null is absent). */
export interface InvoiceSource {
  utility?: { name?: string | null; address?: string | null; vatRegNum?: string | null } | null;
  utilityType?: string | null;
  vatInvoiceNumber?: string | null;
  tokens?: readonly { tokenType?: string | null; units?: unknown; amount?: unknown; receiptNum?: string | null }[];
  debtRecoveryCharges?: readonly { description?: string | null; amount?: unknown; receiptNum?: string | null }[];
  serviceCharges?: readonly { description?: string | null; amount?: unknown; receiptNum?: string | null }[];
}

const COMMODITY: Record<string, { name: string; unit: string }> = {
  ELECTRICITY: { name: 'Electricity', unit: 'kWh' },
  WATER: { name: 'Water', unit: 'kL' },
  GAS: { name: 'Gas', unit: 'kg' },
};

/** "Electricity", "Water", "Gas" and the unit, from the answer's utilityType (electricity when it says none). */
export function commodityOf(utilityType: string | null | undefined): { name: string; unit: string } {
  return COMMODITY[(utilityType ?? 'ELECTRICITY').toUpperCase()] ?? { name: utilityType ?? 'Electricity', unit: '' };
}

/** Units as the provider wrote them (73.8 or "73.8"). */
export function unitsText(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'object' && v !== null && 'amount' in v) return unitsText(v.amount);
  return null;
}

function taxOf(amount: unknown): number | null {
  return typeof amount === 'object' && amount !== null && 'tax' in amount ? centsOf(amount.tax) : null;
}

/** What the customer paid for a TaxableAmount: its `amount`, plus its `tax` when the model says the amount excludes it (tax present and non-zero). */
export function inclusiveCents(amount: unknown): number | null {
  const cents = centsOf(amount);
  if (cents === null) return null;
  const tax = taxOf(amount);
  return tax ? cents + tax : cents;
}

/** The slip's money as a VAT document: one line per valued token, debt recovered and service charge. */
export function invoiceOf(src: InvoiceSource): TaxInvoice {
  const c = commodityOf(src.utilityType);
  const lines: InvoiceLine[] = [];
  // A taxable supply whose VAT the provider left out is standard-rated: its 15/115 is what it includes.
  const line = (kind: InvoiceLineKind, label: string, amount: unknown, vatIfMissing: (incl: number) => number) => {
    const incl = inclusiveCents(amount);
    if (incl === null) return;
    lines.push({ kind, label, inclCents: incl, vatCents: taxOf(amount) || vatIfMissing(incl) });
  };
  for (const t of src.tokens ?? []) {
    // A key change token carries no value: it is not a supply of its own.
    if (t.tokenType === 'KC') continue;
    const units = unitsText(t.units);
    const what = t.tokenType === 'BSST' ? `Free basic ${c.name.toLowerCase()}` : t.tokenType === 'REFUND' ? `${c.name} refund` : c.name;
    line('token', units !== null && c.unit ? `${what} ${units} ${c.unit}` : what, t.amount, (i) => vatIncluded(i));
  }
  // Arrears carry the VAT of the supplies they were invoiced for: a recovery adds none unless the provider says.
  for (const d of src.debtRecoveryCharges ?? []) line('debt', d.description || 'Debt recovery', d.amount, () => 0);
  for (const s of src.serviceCharges ?? []) line('service', s.description || 'Service charge', s.amount, (i) => vatIncluded(i));
  const totalCents = lines.reduce((a, l) => a + l.inclCents, 0);
  const vatCents = lines.reduce((a, l) => a + l.vatCents, 0);
  const receipt = [...(src.tokens ?? []), ...(src.debtRecoveryCharges ?? []), ...(src.serviceCharges ?? [])].map((x) => x.receiptNum).find((r) => typeof r === 'string' && r !== '');
  return {
    title: totalCents > TAX_INVOICE_ABOVE_CENTS ? 'TAX INVOICE' : 'TILL SLIP',
    supplier: { name: src.utility?.name ?? '', address: src.utility?.address ?? null, vatNumber: src.utility?.vatRegNum ?? null },
    serial: src.vatInvoiceNumber || receipt || null,
    lines,
    totalCents,
    vatCents,
    exclCents: totalCents - vatCents,
  };
}

/** The slip's words for each part of the invoice, so the switch's and the till's slips read alike. */
export const INVOICE_WORDS = {
  supplied: 'SUPPLIED (VAT INCLUSIVE)',
  lineVat: (l: InvoiceLine) => (l.vatCents === 0 && l.kind === 'debt' ? '  VAT (invoiced before)' : `  incl. VAT ${VAT_RATE_PERCENT}%`),
  total: 'TOTAL',
  vat: `VAT ${VAT_RATE_PERCENT}% included`,
  excl: 'Total excl. VAT',
  serial: 'Invoice no:',
  supplier: 'Supplier:',
  supplierVat: 'Supplier VAT no:',
} as const;
