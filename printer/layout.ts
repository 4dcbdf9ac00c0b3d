/**
 * Pure slip layout: Slip → SlipLines, one entry per physical printed line (or barcode, QR, rule,
 * feed, cut). Wraps every text to the paper's columns at its character scale, so nothing ever
 * overflows; the encoder then only has to translate lines to ESC/POS.
 */
import { slipLogo, type Bitmap } from '../assets/logo';
import { localTime } from '../common/local-time';
import { commodityOf, INVOICE_WORDS } from '../common/tax-invoice';
import { currencyPrefix, formatMoney, groupThousands } from '../common/money';
import { shortReference } from '../switch-core/protocol';
import type { Slip, SlipPayment, SlipToken } from './slip';

export type Paper = '58mm' | '80mm';
export type Align = 'left' | 'center' | 'right';

export type PrintLine =
  | {
      kind: 'text';
      text: string;
      align: Align;
      bold?: boolean;
      underline?: boolean;
      invert?: boolean;
      /** Character scale 1..8 (ESC/POS GS !). */
      width: number;
      height: number;
    }
  | { kind: 'rule' }
  | { kind: 'feed'; lines: number }
  | { kind: 'barcode'; symbology: 'CODE128' | 'CODE39' | 'EAN13'; data: string; moduleWidth: number; height: number }
  | { kind: 'qr'; data: string; cellSize: number }
  /** A 1-bit image, centred: rows of width / 8 bytes, the leftmost dot in the high bit (base64). */
  | { kind: 'image'; width: number; height: number; bits: string }
  | { kind: 'cut' };

export interface SlipLines {
  paper: Paper;
  columns: number;
  lines: PrintLine[];
}

export interface LayoutOptions {
  paper: Paper;
  columns?: 32 | 42 | 48;
}

/** Printable dots per line at 203 dpi for each paper width. */
export const PAPER_DOTS: Record<Paper, number> = { '58mm': 384, '80mm': 576 };

/** Money as a slip prints it: "R1 234.56" (common/money.ts). */
const slipMoney = (cents: number, currency = '710') => formatMoney(cents, 'slip', currency);

/** Units as the provider gave them, at least one decimal: 30 → "30.0", 73.8 → "73.8". */
export function formatUnits(units: number): string {
  return Number.isInteger(units) ? units.toFixed(1) : String(units);
}

/** A per-unit rate in cents, which may be fractional (117.30 c/kWh → "R1.173"). */
export function formatRate(cents: number, currency = '710'): string {
  if (Number.isInteger(cents)) return slipMoney(cents, currency);
  const text = (Math.abs(cents) / 100).toFixed(6).replace(/0+$/, '');
  const [whole = '0', frac = ''] = text.split('.');
  return `${cents < 0 ? '-' : ''}${currencyPrefix(currency)}${groupThousands(whole)}.${frac.padEnd(2, '0')}`;
}


/** Word wrap to `max` characters; words longer than a line are split hard. */
export function wrap(text: string, max: number): string[] {
  const width = Math.max(1, max);
  const out: string[] = [];
  for (const para of text.split(/\r?\n/)) {
    // A line that fits keeps its own spacing (column padding from pair()).
    if (para.length <= width) {
      out.push(para);
      continue;
    }
    let line = '';
    for (const word of para.split(/\s+/).filter((w) => w.length > 0)) {
      let w = word;
      if (line.length > 0 && line.length + 1 + w.length <= width) {
        line += ' ' + w;
        continue;
      }
      if (line.length > 0) out.push(line);
      line = '';
      while (w.length > width) {
        // Prefer breaking a long reference after a dash so each piece stays readable.
        const dash = w.lastIndexOf('-', width - 1);
        const cut = dash > 0 ? dash + 1 : width;
        out.push(w.slice(0, cut));
        w = w.slice(cut);
      }
      line = w;
    }
    out.push(line);
  }
  return out;
}

/** Group token digits in fours: "1234 5678 9012 3456 7890". */
export function groupToken(token: string): string {
  return token.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}

/** CODE128 (code set B) width in modules: start + data + check + stop (13) + quiet zones (10 each side). */
export function code128Modules(data: string): number {
  return 11 * (data.length + 2) + 13 + 20;
}

const TOKEN_LABEL: Record<NonNullable<SlipToken['type']>, string> = {
  STD: 'TOKEN',
  BSST: 'FREE BASIC SERVICES TOKEN (BSST)',
  KC: 'KEY CHANGE TOKEN',
  REFUND: 'REFUND TOKEN',
  PWRLMT: 'POWER LIMIT TOKEN',
};

type TextStyle = { align?: Align; bold?: boolean; underline?: boolean; invert?: boolean; width?: number; height?: number };

class Builder {
  readonly lines: PrintLine[] = [];
  constructor(readonly columns: number, readonly dots: number) {}

  text(text: string, style: TextStyle = {}): void {
    const width = Math.min(8, Math.max(1, style.width ?? 1));
    const height = Math.min(8, Math.max(1, style.height ?? 1));
    const perLine = Math.max(1, Math.floor(this.columns / width));
    for (const t of wrap(text, perLine)) {
      this.lines.push({
        kind: 'text',
        text: t,
        align: style.align ?? 'left',
        ...(style.bold ? { bold: true } : {}),
        ...(style.underline ? { underline: true } : {}),
        ...(style.invert ? { invert: true } : {}),
        width,
        height,
      });
    }
  }

  /** Label left, value right on one line; wraps the label when both do not fit. */
  pair(label: string, value: string, style: TextStyle = {}): void {
    const cols = Math.floor(this.columns / (style.width ?? 1));
    if (label.length + 1 + value.length <= cols) {
      this.text(label + ' '.repeat(cols - label.length - value.length) + value, { ...style, align: 'left' });
      return;
    }
    this.text(label, { ...style, align: 'left' });
    this.text(value, { ...style, align: 'right' });
  }

  /** A reference beside its label when both fit, else on lines of its own cut at the paper's edge only (never reflowed at dashes). */
  reference(label: string, ref: string, style: TextStyle = {}): void {
    if (label.length + 1 + ref.length <= this.columns) return this.pair(label, ref, style);
    this.text(label, { align: 'left' });
    for (let i = 0; i < ref.length; i += this.columns) this.text(ref.slice(i, i + this.columns), { ...style, align: i === 0 && ref.length <= this.columns ? 'right' : 'left' });
  }

  rule(): void {
    this.lines.push({ kind: 'rule' });
  }
  feed(lines = 1): void {
    this.lines.push({ kind: 'feed', lines });
  }
  cut(): void {
    this.lines.push({ kind: 'cut' });
  }

  barcode(data: string): boolean {
    for (const moduleWidth of [2, 1]) {
      if (code128Modules(data) * moduleWidth <= this.dots && /^[\x20-\x7e]+$/.test(data)) {
        this.lines.push({ kind: 'barcode', symbology: 'CODE128', data, moduleWidth, height: 80 });
        return true;
      }
    }
    return false;
  }

  image(b: Bitmap): void {
    this.lines.push({ kind: 'image', width: b.width, height: b.height, bits: b.bits.toString('base64') });
  }

  qr(data: string): void {
    // Cell size 4 keeps a 36-character reference (version 3, 29 modules + quiet zone) well inside 58 mm.
    this.lines.push({ kind: 'qr', data, cellSize: this.columns <= 32 ? 4 : 5 });
  }
}

/** The COPY banner (VAT Act s20(1)(ii)): the original date, time and reference stay as they were. */
function copyBanner(b: Builder, slip: Slip): void {
  if (!slip.reprint) return;
  b.text(' COPY ', { align: 'center', bold: true, invert: true, width: 2, height: 2 });
  b.text(`Reprinted ${localTime(slip.reprint.at, slip.zone)}${slip.reprint.operator ? ` by ${slip.reprint.operator}` : ''}`, { align: 'center' });
}

function header(b: Builder, slip: Slip): void {
  const h = slip.header;
  b.text(h.merchantName, { align: 'center', bold: true, height: 2 });
  for (const line of h.address) b.text(line, { align: 'center' });
  if (h.vatNumber) b.text(`VAT No: ${h.vatNumber}`, { align: 'center' });
  if (h.terminalId) b.pair('Terminal:', h.terminalId);
  if (h.operator) b.pair('Operator:', h.operator);
  b.pair('Date:', localTime(slip.at, slip.zone));
  if (slip.reprint) b.feed();
  copyBanner(b, slip);
  b.rule();
}
const TENDER_WORDS: Record<SlipPayment['tender'], string> = { CASH: 'Cash', DEBIT_CARD: 'Debit card', CREDIT_CARD: 'Credit card' };

/** Tender; for a card its approval code, for cash what was handed over and the change given. */
function payment(b: Builder, p: SlipPayment | undefined, currency: string): void {
  if (!p) return;
  b.pair('Paid by:', p.maskedCard ? `${TENDER_WORDS[p.tender]} ${p.maskedCard}` : TENDER_WORDS[p.tender]);
  if (p.tender !== 'CASH' && p.approvalCode) b.pair('Approval code:', p.approvalCode);
  if (p.tender === 'CASH' && p.receivedCents !== undefined) {
    b.pair('Cash received:', slipMoney(p.receivedCents, currency));
    b.pair('Change:', slipMoney(p.receivedCents - p.paidCents, currency), { bold: true });
  }
  b.rule();
}

function reference(b: Builder, slip: Slip): void {
  if (!slip.reference) return;
  b.reference('Reference:', slip.reference, { bold: true });
  b.feed();
  let printedBarcode = false;
  if (slip.referenceCode !== 'qr') printedBarcode = b.barcode(slip.reference);
  // A reference too long for a scannable CODE128 on this paper always gets a QR code instead.
  if (slip.referenceCode !== 'barcode' || !printedBarcode) {
    if (printedBarcode) b.feed();
    b.qr(slip.reference);
  }
}

function footer(b: Builder, slip: Slip): void {
  if (slip.footer.length > 0) {
    b.feed();
    for (const line of slip.footer) b.text(line, { align: 'center' });
  }
  b.feed(3);
  b.cut();
}

function token(b: Builder, t: SlipToken, currency: string, unit: string, index: number, ofKind: number): void {
  // A token whose answer left its type out is labelled as a plain token.
  const kind = TOKEN_LABEL[t.type ?? 'STD'];
  const label = ofKind > 1 ? `${kind} ${index} OF ${ofKind}` : kind;
  b.text(label, { align: 'center', bold: true });
  const grouped = groupToken(t.token);
  // Large print: double width and height when the grouped token fits one line, else double height.
  const width = grouped.length * 2 <= b.columns ? 2 : 1;
  b.text(grouped, { align: 'center', bold: true, width, height: 2 });
  if (t.units) b.pair('Units:', `${formatUnits(t.units)} ${unit}`);
  if (t.tariff.length > 0) {
    b.text('Tariff:');
    // The interface's tariff blocks are unnamed: they are numbered in the order given.
    t.tariff.forEach((block, i) => b.pair(`  Block ${i + 1} ${formatUnits(block.units)} ${unit}`, `@ ${formatRate(block.rateCents, currency)}/${unit}`));
  }
  if (t.receiptNum) b.pair('Receipt no:', t.receiptNum);
  b.feed();
}

function sale(b: Builder, slip: Extract<Slip, { kind: 'sale' }>): void {
  const s = slip.sale;
  const inv = s.invoice;
  const money = (c: number) => slipMoney(c, s.currency);
  b.text(inv.title, { align: 'center', bold: true, height: 2 });
  b.text(`PREPAID ${(s.utilityType ?? 'ELECTRICITY').toUpperCase()}`, { align: 'center', bold: true });
  if (inv.supplier.name) b.pair(INVOICE_WORDS.supplier, inv.supplier.name);
  if (inv.supplier.address) b.text(inv.supplier.address, { align: 'right' });
  if (inv.supplier.vatNumber) b.pair(INVOICE_WORDS.supplierVat, inv.supplier.vatNumber);
  b.reference(INVOICE_WORDS.serial, inv.serial ?? slip.reference);
  b.rule();
  if (s.customerName) b.pair('Customer:', s.customerName);
  if (s.customerAddress) b.text(s.customerAddress, { align: 'right' });
  b.pair('Meter:', s.meterId, { bold: true });
  b.rule();
  const kc = s.tokens.filter((t) => t.type === 'KC');
  if (kc.length > 0) {
    b.text('KEY CHANGE: ENTER KEY CHANGE TOKENS FIRST, IN ORDER, THEN THE OTHER TOKENS', {
      align: 'center',
      bold: true,
      invert: true,
    });
    b.feed();
  }
  const unit = commodityOf(s.utilityType).unit;
  const counts = new Map<string, number>();
  const kindOf = (t: SlipToken) => t.type ?? 'STD';
  for (const t of s.tokens) counts.set(kindOf(t), (counts.get(kindOf(t)) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const t of s.tokens) {
    const n = (seen.get(kindOf(t)) ?? 0) + 1;
    seen.set(kindOf(t), n);
    token(b, t, s.currency, unit, n, counts.get(kindOf(t)) ?? 1);
  }
  if (s.tokens.length === 0) b.text('NO TOKEN: THIS PAYMENT REPAID WHAT WAS OWED', { align: 'center', bold: true });
  b.rule();
  b.text(INVOICE_WORDS.supplied, { align: 'center', bold: true });
  const debts = [...s.debts];
  for (const l of inv.lines) {
    b.pair(l.label, money(l.inclCents));
    b.pair(INVOICE_WORDS.lineVat(l), money(l.vatCents));
    if (l.kind !== 'debt') continue;
    const d = debts.shift();
    if (d?.balanceCents !== undefined) b.pair('  Balance left:', money(d.balanceCents));
    if (d?.receiptNum) b.pair('  Receipt no:', d.receiptNum);
  }
  b.rule();
  b.pair(INVOICE_WORDS.total, money(inv.totalCents), { bold: true, height: 2 });
  b.pair(INVOICE_WORDS.vat, money(inv.vatCents));
  b.pair(INVOICE_WORDS.excl, money(inv.exclCents));
  b.rule();
  payment(b, slip.payment, s.currency);
}

function pending(b: Builder, slip: Extract<Slip, { kind: 'pending' }>): void {
  const p = slip.pending;
  b.text(' PURCHASE PENDING ', { align: 'center', bold: true, invert: true, width: b.columns >= 36 ? 2 : 1, height: 2 });
  b.feed();
  b.text('Your payment is received. The token is not ready yet: this slip has no token.', { bold: true });
  b.text('The till keeps trying this same purchase. Do not buy again for this meter.');
  b.text('Come back with this slip for your token, or for a refund if the manager cancels the purchase.');
  b.rule();
  b.text('Short reference', { align: 'center' });
  b.text(shortReference(slip.reference), { align: 'center', bold: true, width: 2, height: 2 });
  b.rule();
  if (p.utilityName) b.pair('Utility:', p.utilityName);
  b.pair('Meter:', p.meterId, { bold: true });
  b.pair('Amount paid:', slipMoney(p.amountCents, p.currency), { bold: true });
  b.rule();
  payment(b, slip.payment, p.currency);
  // No supply has been made yet: the tax invoice prints with the token.
  b.text('Not a tax invoice: the tax invoice prints with the token.', { align: 'center' });
}

function switchSlip(b: Builder, slip: Extract<Slip, { kind: 'switch' }>): void {
  let cutSeen = false;
  for (const l of slip.lines) {
    cutSeen = false;
    if (l.line) b.rule();
    if (l.text.length > 0) b.text(l.text, { width: l.widthScale, height: l.heightScale });
    else if (!l.line && !l.barcode && !l.cut) b.feed();
    // A QR where the slipData asks for one (the switch's reference), else CODE128 while it fits.
    if (l.barcode && (l.barcode.encoding?.toUpperCase() === 'QR' || !b.barcode(l.barcode.data))) b.qr(l.barcode.data);
    if (l.cut) {
      b.feed(3);
      b.cut();
      cutSeen = true;
    }
  }
  if (!cutSeen) {
    b.feed(3);
    b.cut();
  }
}

function testPage(b: Builder): void {
  b.text('ALIGN LEFT', { align: 'left' });
  b.text('ALIGN CENTRE', { align: 'center' });
  b.text('ALIGN RIGHT', { align: 'right' });
  b.rule();
  for (let s = 1; s <= 3; s++) b.text(`Size ${s}x${s}`, { width: s, height: s });
  b.text('Double width', { width: 2 });
  b.text('Double height', { height: 2 });
  b.text('Bold text', { bold: true });
  b.text('Underlined text', { underline: true });
  b.text(' Inverted text ', { invert: true });
  b.rule();
  b.text('Code page sample:');
  b.text('Zoë Nkosi Ntuli-Müller, Ångström');
  b.text('àáâãäå çèéêë ìíîï ñòóôõö ùúûü ý ß £ €');
  b.text('0123456789'.repeat(Math.ceil(b.columns / 10)).slice(0, b.columns));
  b.rule();
}

/** Lay out a slip for the given paper; pure and deterministic. */
export function layoutSlip(slip: Slip, opts: LayoutOptions): SlipLines {
  const columns = opts.columns ?? (opts.paper === '58mm' ? 32 : 48);
  const dots = Math.min(PAPER_DOTS[opts.paper], columns * 12);
  const b = new Builder(columns, dots);
  if (slip.kind === 'switch') {
    if (slip.reprint) {
      copyBanner(b, slip);
      b.rule();
    }
    switchSlip(b, slip);
    return { paper: opts.paper, columns, lines: b.lines };
  }
  // The test page tries the printer's raster graphics first: the slip logo (assets/slip-logo.png).
  if (slip.kind === 'test') b.image(slipLogo());
  header(b, slip);
  if (slip.kind === 'sale') sale(b, slip);
  else if (slip.kind === 'pending') pending(b, slip);
  else testPage(b);
  reference(b, slip);
  footer(b, slip);
  return { paper: opts.paper, columns, lines: b.lines };
}
