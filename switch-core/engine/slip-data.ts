/**
 * slipData built by the switch (seed 002: "populate the slipData field in the PurchaseAnswer ...
 * for a POS device to print"): a pure function from a provider's answer to the interface's SlipData
 * as a South African VAT document by the same rules as the till's own slip (common/tax-invoice.ts):
 * TAX INVOICE (or TILL SLIP at R50 or less), the utility as supplier with address and VAT number, the
 * serial number, meter, customer, each token in groups of four with its type and units, tariff blocks,
 * then what was supplied — each token, debt recovery and service charge VAT-inclusive with the VAT it
 * includes — and TOTAL, VAT and the exclusive total; every line at most `width` characters, with the
 * shop and time above (the time as the till wrote it, in its own zone) and the reference below. A
 * provider's own slipData is never replaced.
 */
import { formatMoney } from '../../common/money';
import { centsOf, commodityOf, invoiceOf, INVOICE_WORDS, unitsText } from '../../common/tax-invoice';
import type { PurchaseAnswer, SlipData, SlipLine } from '../protocol';

export const DEFAULT_SLIP_WIDTH = 42;
/** Narrowest slip that still holds a 20-digit token in groups of four (24 characters). */
export const MIN_SLIP_WIDTH = 24;
export const MAX_SLIP_WIDTH = 80;

const TOKEN_TITLES: Record<string, string> = {
  STD: 'TOKEN',
  BSST: 'FREE BASIC SERVICES TOKEN',
  KC: 'KEY CHANGE TOKEN',
  REFUND: 'REFUND TOKEN',
  PWRLMT: 'POWER LIMIT TOKEN',
};
/** Key change tokens first: the meter must take them before the new credit token. */
const TOKEN_ORDER: Record<string, number> = { KC: 0, STD: 1, BSST: 2, PWRLMT: 3, REFUND: 4 };

const money = (cents: number, currency: string): string => formatMoney(cents, 'plain', currency);

/** Word-wraps text to the width; a word longer than the width is cut. */
function wrap(text: string, width: number): string[] {
  const trimmed = text.trim();
  if (trimmed.length <= width) return trimmed ? [trimmed] : []; // most lines: nothing to break
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let w = word; w.length > 0; ) {
      const room = line ? width - line.length - 1 : width;
      if (w.length <= room) {
        line = line ? `${line} ${w}` : w;
        w = '';
      } else if (line) {
        out.push(line);
        line = '';
      } else {
        out.push(w.slice(0, width));
        w = w.slice(width);
      }
    }
  }
  if (line) out.push(line);
  return out;
}

/** Centred, wrapped first when longer than the slip. */
const centred = (text: string, width: number): string[] => wrap(text, width).map((l) => ' '.repeat(Math.floor((width - l.length) / 2)) + l);

/** "Label       value" on one line, or the label then the value right-aligned when they do not fit. */
function pair(label: string, value: string, width: number): string[] {
  if (label.length + 1 + value.length <= width) return [label + ' '.repeat(width - label.length - value.length) + value];
  return [...wrap(label, width), ...wrap(value, width).map((v) => v.padStart(width))];
}

/** "1234 5678 9012 3456 7890": how a customer types a token into the meter. */
export function groupsOfFour(token: string): string {
  return (token.replace(/\s+/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

function centsCurrency(resp: PurchaseAnswer): string {
  const c = resp.purchaseTotal?.currency ?? resp.tokens.find((t) => t.amount)?.amount?.currency;
  return c === undefined ? '710' : String(c);
}

export function slipDataOf(resp: PurchaseAnswer, width = DEFAULT_SLIP_WIDTH): SlipData & { messageLines: SlipLine[] } {
  const w = Math.max(MIN_SLIP_WIDTH, Math.min(MAX_SLIP_WIDTH, Math.floor(width)));
  const currency = centsCurrency(resp);
  const unit = commodityOf(resp.utilityType).unit;
  const units = unit ? ` ${unit}` : '';
  const invoice = invoiceOf(resp);
  const lines: SlipLine[] = [];
  const text = (...t: string[]) => t.forEach((x) => lines.push({ text: x }));
  const rule = () => lines.push({ text: '', line: true });

  // Where and when: the shop the answer echoes (originator) and the answer's own time.
  const shop = (resp.originator as { merchant?: { merchantName?: { name?: string; city?: string } } } | undefined)?.merchant?.merchantName;
  if (shop?.name) text(...centred([shop.name, shop.city].filter(Boolean).join(', '), w));
  if (typeof resp.time === 'string') text(...centred(resp.time.slice(0, 16).replace('T', ' '), w));
  if (shop?.name || typeof resp.time === 'string') rule();

  text(...centred(invoice.title, w));
  const supplier = invoice.supplier;
  if (supplier.name) text(...pair(INVOICE_WORDS.supplier, supplier.name, w));
  if (supplier.address) text(...wrap(supplier.address, w).map((l) => l.padStart(w)));
  if (supplier.vatNumber) text(...pair(INVOICE_WORDS.supplierVat, supplier.vatNumber, w));
  text(...pair(INVOICE_WORDS.serial, invoice.serial ?? resp.id, w));
  const message = (resp.utility as { message?: string } | undefined)?.message;
  if (message) text(...wrap(message, w));
  rule();

  if (resp.meter?.meterId) text(...pair('Meter', resp.meter.meterId, w));
  const customer = resp.customer as { firstName?: string; lastName?: string; address?: string } | undefined;
  const name = [customer?.firstName, customer?.lastName].filter(Boolean).join(' ');
  if (name) text(...pair('Customer', name, w));
  if (customer?.address) text(...wrap(customer.address, w));

  const tokens = resp.tokens
    .map((t, i) => ({ t, i }))
    .sort((a, b) => (TOKEN_ORDER[a.t.tokenType ?? 'STD'] ?? 9) - (TOKEN_ORDER[b.t.tokenType ?? 'STD'] ?? 9) || a.i - b.i)
    .map((x) => x.t);
  const keyChanges = tokens.filter((t) => t.tokenType === 'KC').length;
  let kc = 0;
  for (const t of tokens) {
    rule();
    const title = TOKEN_TITLES[t.tokenType ?? 'STD'] ?? `${t.tokenType} TOKEN`;
    text(...centred(t.tokenType === 'KC' && keyChanges > 1 ? `${title} ${++kc} OF ${keyChanges}` : title, w));
    for (const l of centred(groupsOfFour(t.token), w)) lines.push({ text: l, fontHeightScaleFactor: 2 });
    const u = unitsText(t.units);
    if (u !== null) text(...pair('Units', u + units, w));
    if (t.receiptNum) text(...pair('Receipt', t.receiptNum, w));
    for (const b of t.tariffCalc ?? []) {
      const bu = unitsText(b.units);
      const rate = unitsText(b.rate);
      if (bu !== null && rate !== null) text(...pair('  Tariff block', `${bu}${units} @ ${rate}c`, w));
    }
  }

  rule();
  text(...centred(INVOICE_WORDS.supplied, w));
  const debts = [...(resp.debtRecoveryCharges ?? [])];
  for (const l of invoice.lines) {
    text(...pair(l.label, money(l.inclCents, currency), w));
    text(...pair(INVOICE_WORDS.lineVat(l), money(l.vatCents, currency), w));
    if (l.kind !== 'debt') continue;
    const d = debts.shift();
    const balance = centsOf(d?.balance);
    if (balance !== null) text(...pair('  Balance left', money(balance, currency), w));
    if (d?.receiptNum) text(...pair('  Receipt', d.receiptNum, w));
  }
  rule();
  text(...pair(INVOICE_WORDS.total, money(invoice.totalCents, currency), w));
  text(...pair(INVOICE_WORDS.vat, money(invoice.vatCents, currency), w));
  text(...pair(INVOICE_WORDS.excl, money(invoice.exclCents, currency), w));
  // The transaction's reference: what the customer quotes to have the slip reprinted or a query answered.
  text(...pair('Reference', resp.id, w));
  lines.push({ text: '', barcode: { data: resp.id, encoding: 'QR' } });
  lines.push({ text: '', cut: true });

  const issuerReference = [resp.vatInvoiceNumber, ...tokens.map((t) => t.receiptNum)].find((r): r is string => typeof r === 'string' && /^[A-Z0-9]{1,40}$/.test(r));
  return { messageLines: lines, slipWidth: w, ...(issuerReference ? { issuerReference } : {}) };
}

/** A provider's answer as the till gets it: its own slipData untouched, else one built from it. */
export function withSlipData<T>(body: T, width: number): T {
  const resp = body as PurchaseAnswer | null;
  if (!resp || typeof resp !== 'object' || !Array.isArray(resp.tokens) || resp.slipData) return body;
  return { ...body, slipData: slipDataOf(resp, width) };
}
