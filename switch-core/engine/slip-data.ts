/**
 * slipData built by the switch (seed 002: "populate the slipData field in the PurchaseAnswer ...
 * for a POS device to print"): a pure function from a provider's answer to the interface's SlipData
 * — utility and its message, meter, customer, each token in groups of four with its type and units,
 * tariff blocks, debt recovery and service charges, VAT and receipt numbers — every line at most
 * `width` characters, with the shop and time above and the transaction's reference below. A
 * provider's own slipData is never replaced.
 */
import { formatMoney } from '../../common/money';
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

/** Cents from an amount the models write as a number, an integer string, or (older peers) a LedgerAmount. */
function centsOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  if (typeof v === 'object' && v !== null && 'amount' in v) return centsOf(v.amount);
  return null;
}

/** A decimal as the provider wrote it (units 73.8 or "73.8"); rates in minor units likewise. */
function decimalOf(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  if (typeof v === 'object' && v !== null && 'amount' in v) return decimalOf(v.amount);
  return null;
}

function unitName(utilityType: string | undefined): string {
  const t = (utilityType ?? '').toUpperCase();
  return t === 'ELECTRICITY' ? ' kWh' : t === 'WATER' ? ' kl' : '';
}

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
  const units = unitName(resp.utilityType);
  const lines: SlipLine[] = [];
  const text = (...t: string[]) => t.forEach((x) => lines.push({ text: x }));
  const rule = () => lines.push({ text: '', line: true });

  // Where and when: the shop the answer echoes (originator) and the answer's own time.
  const shop = (resp.originator as { merchant?: { merchantName?: { name?: string; city?: string } } } | undefined)?.merchant?.merchantName;
  if (shop?.name) text(...centred([shop.name, shop.city].filter(Boolean).join(', '), w));
  if (typeof resp.time === 'string') text(...centred(resp.time.slice(0, 16).replace('T', ' '), w));
  if (shop?.name || typeof resp.time === 'string') rule();

  const utility = resp.utility as { name?: string; vatRegNum?: string; message?: string; address?: string } | undefined;
  if (utility?.name) text(...centred(utility.name.toUpperCase(), w));
  if (utility?.address) text(...centred(utility.address, w));
  if (utility?.vatRegNum) text(...centred(`VAT reg no ${utility.vatRegNum}`, w));
  if (utility?.message) text(...wrap(utility.message, w));
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
    const u = decimalOf(t.units);
    if (u !== null) text(...pair('Units', u + units, w));
    const amount = centsOf(t.amount);
    if (amount !== null) text(...pair('Amount', formatMoney(amount, 'plain', currency), w));
    const tax = centsOf(t.amount?.tax);
    if (tax !== null) text(...pair('  VAT', formatMoney(tax, 'plain', currency), w));
    if (t.receiptNum) text(...pair('Receipt', t.receiptNum, w));
    for (const b of t.tariffCalc ?? []) {
      const bu = decimalOf(b.units);
      const rate = decimalOf(b.rate);
      if (bu !== null && rate !== null) text(...pair('  Tariff block', `${bu}${units} @ ${rate}c`, w));
    }
  }

  const debts = resp.debtRecoveryCharges ?? [];
  const services = resp.serviceCharges ?? [];
  if (debts.length + services.length > 0) rule();
  for (const d of debts) {
    text(...pair(d.description ?? 'Debt recovery', formatMoney(centsOf(d.amount) ?? 0, 'plain', currency), w));
    const balance = centsOf(d.balance);
    if (balance !== null) text(...pair('  Balance owing', formatMoney(balance, 'plain', currency), w));
    if (d.receiptNum) text(...pair('  Receipt', d.receiptNum, w));
  }
  for (const s of services) {
    text(...pair(s.description ?? 'Service charge', formatMoney(centsOf(s.amount) ?? 0, 'plain', currency), w));
    const receipt = (s as { receiptNum?: string }).receiptNum;
    if (receipt) text(...pair('  Receipt', receipt, w));
  }

  rule();
  const total = centsOf(resp.purchaseTotal);
  if (total !== null) text(...pair('Tokens (excl VAT)', formatMoney(total, 'plain', currency), w));
  const vat = centsOf(resp.taxTotal);
  if (vat !== null) text(...pair('VAT', formatMoney(vat, 'plain', currency), w));
  if (resp.vatInvoiceNumber) text(...pair('VAT invoice', resp.vatInvoiceNumber, w));
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
