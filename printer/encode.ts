/**
 * Encoder: SlipLines → ESC/POS bytes (Epson or Star command set) built with node-thermal-printer's
 * buffer; our transports send the bytes. Text is pre-encoded to the explicitly selected code page,
 * with a legible fallback (accents stripped, then '?') for characters the code page lacks, so
 * node-thermal-printer never silently switches code pages mid-slip.
 */
import iconv from 'iconv-lite';
import pkg from 'node-thermal-printer';
import type { PrintLine, SlipLines, Align } from './layout';
import { PAPER_DOTS } from './layout';

const { ThermalPrinter, PrinterTypes, BreakLine } = pkg;

/**
 * The builder methods we use, typed as the library really behaves (its bundled .d.ts types
 * code128's width as "LARGE"|… and requires an interface, while v4 takes a module width in dots
 * and needs no interface when we only take the buffer).
 */
interface Builder {
  initHardware(): void;
  setCharacterSet(cs: string): void;
  alignCenter(): void;
  alignLeft(): void;
  alignRight(): void;
  bold(on: boolean): void;
  underline(on: boolean): void;
  invert(on: boolean): void;
  newLine(): void;
  add(b: Buffer): void;
  code128(data: string, s: { width: number; height: number; hriPos: number; hriFont: number }): void;
  printQR(data: string, s: { cellSize: number; correction: 'L' | 'M' | 'Q' | 'H'; model: number }): void;
  cut(o: { verticalTabAmount: number }): void;
  getBuffer(): Buffer;
}

export type CommandSet = 'epson' | 'star';
export type CodePage = 'WPC1252' | 'PC858_EURO' | 'PC850_MULTILINGUAL' | 'PC437_USA';

export interface EncodeOptions {
  commandSet: CommandSet;
  /** Default WPC1252 (Windows Latin-1): covers every Latin-1 name and the euro sign. */
  codePage?: CodePage;
}

/** iconv names and the Epson ESC t numbers of the code pages we select (the decoder shares this table). */
export const CODE_PAGES: Record<CodePage, { iconv: string; epson: number }> = {
  PC437_USA: { iconv: 'CP437', epson: 0 },
  PC850_MULTILINGUAL: { iconv: 'CP850', epson: 2 },
  WPC1252: { iconv: 'CP1252', epson: 16 },
  PC858_EURO: { iconv: 'CP858', epson: 19 },
};

const FALLBACK: Record<string, string> = {
  '\u0141': 'L', '\u0142': 'l', '\u0110': 'D', '\u0111': 'd', '\u0131': 'i',
  '\u2013': '-', '\u2014': '-', '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2026': '...', '\u00a0': ' ',
};

function encodeChar(ch: string, cp: string): Buffer {
  const direct = iconv.encode(ch, cp);
  if (!(direct.length === 1 && direct[0] === 0x3f)) return direct;
  const mapped = FALLBACK[ch];
  if (mapped !== undefined) return Buffer.from(mapped, 'latin1');
  const stripped = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  if (stripped.length > 0 && stripped !== ch) {
    const again = iconv.encode(stripped, cp);
    if (!again.includes(0x3f)) return again;
  }
  return Buffer.from('?');
}

/** Text → bytes in the code page; characters it lacks fall back legibly ("Ł" → "L", then "?"). */
export function encodeText(text: string, codePage: CodePage = 'WPC1252'): Buffer {
  if (/^[\x20-\x7e]*$/.test(text)) return Buffer.from(text, 'latin1');
  const cp = CODE_PAGES[codePage].iconv;
  return Buffer.concat(Array.from(text, (ch) => (ch.charCodeAt(0) < 0x80 ? Buffer.from(ch, 'latin1') : encodeChar(ch, cp))));
}

const ruleCache = new Map<number, Buffer>();
/** A solid rule as a GS v 0 raster bar (3 dots high) across the printable width. */
function rasterRule(dots: number): Buffer {
  let b = ruleCache.get(dots);
  if (!b) {
    const bytesPerRow = Math.ceil(dots / 8);
    const height = 3;
    b = Buffer.concat([
      Buffer.from([0x1d, 0x76, 0x30, 0x00, bytesPerRow & 0xff, bytesPerRow >> 8, height, 0]),
      Buffer.alloc(bytesPerRow * height, 0xff),
    ]);
    ruleCache.set(dots, b);
  }
  return b;
}

interface State {
  align: Align;
  bold: boolean;
  underline: boolean;
  invert: boolean;
  width: number;
  height: number;
}

type Printer = Builder;

function setAlign(p: Printer, s: State, a: Align): void {
  if (s.align === a) return;
  s.align = a;
  if (a === 'center') p.alignCenter();
  else if (a === 'right') p.alignRight();
  else p.alignLeft();
}

function setStyle(p: Printer, s: State, set: CommandSet, next: Omit<State, 'align'>): void {
  if (s.bold !== next.bold) p.bold(next.bold);
  if (s.underline !== next.underline) p.underline(next.underline);
  if (s.invert !== next.invert) p.invert(next.invert);
  if (s.width !== next.width || s.height !== next.height) {
    // Written directly: node-thermal-printer's setTextSize puts height in the width nibble of GS !,
    // and Star has no setTextSize at all (ESC i n1 n2 = height, width).
    p.add(
      set === 'epson'
        ? Buffer.from([0x1d, 0x21, ((next.width - 1) << 4) | (next.height - 1)])
        : Buffer.from([0x1b, 0x69, next.height - 1, next.width - 1]),
    );
  }
  Object.assign(s, next);
}

function encodeLine(p: Printer, s: State, set: CommandSet, l: PrintLine, columns: number, dots: number, cp: CodePage): void {
  switch (l.kind) {
    case 'text':
      setAlign(p, s, l.align);
      setStyle(p, s, set, { bold: !!l.bold, underline: !!l.underline, invert: !!l.invert, width: l.width, height: l.height });
      p.add(encodeText(l.text, cp));
      p.newLine();
      return;
    case 'rule':
      setStyle(p, s, set, { bold: false, underline: false, invert: false, width: 1, height: 1 });
      setAlign(p, s, 'left');
      if (set === 'epson') p.add(rasterRule(dots));
      else p.add(Buffer.from('-'.repeat(columns) + '\n', 'latin1'));
      return;
    case 'feed':
      if (set === 'epson') p.add(Buffer.from([0x1b, 0x64, Math.min(255, l.lines)]));
      else p.add(Buffer.from('\n'.repeat(l.lines), 'latin1'));
      return;
    case 'barcode':
      setStyle(p, s, set, { bold: false, underline: false, invert: false, width: 1, height: 1 });
      setAlign(p, s, 'center');
      // HRI text below the bars (hriPos 2) so a cashier can type the reference if a scan fails.
      if (set === 'epson') p.code128(l.data, { width: l.moduleWidth, height: l.height, hriPos: 2, hriFont: 0 });
      else p.add(starCode128(l.data, l.moduleWidth, l.height));
      p.newLine();
      return;
    case 'image':
      // GS v 0 on ESC/POS; Star Line mode's raster commands are not encoded, so a Star printer's test page has no logo.
      if (set === 'epson') {
        setAlign(p, s, 'center');
        const xBytes = l.width / 8;
        p.add(Buffer.concat([Buffer.from([0x1d, 0x76, 0x30, 0x00, xBytes & 0xff, xBytes >> 8, l.height & 0xff, l.height >> 8]), Buffer.from(l.bits, 'base64')]));
      }
      return;
    case 'qr':
      setAlign(p, s, 'center');
      if (set === 'epson') p.printQR(l.data, { cellSize: l.cellSize, correction: 'M', model: 2 });
      else p.add(starQr(l.data, l.cellSize));
      p.newLine();
      return;
    case 'cut':
      // No extra vertical tabs: the layout already fed the paper past the cutter.
      p.cut({ verticalTabAmount: 0 });
      Object.assign(s, initialState());
      // cut() re-initialises the printer (ESC @), which resets the code page: select it again.
      p.setCharacterSet(cp);
      return;
  }
}

/*
 * Star Line mode codes are written here: node-thermal-printer's Star code128 leaves out the HRI
 * and module bytes of ESC b, and its Star QR leaves out the ESC GS y D 1 data header, so a Star
 * printer would print neither.
 */

/** ESC b 6 n2 n3 n4 data RS: CODE128, HRI below with a line feed (2), module 2–4 dots (n3 1–3). */
function starCode128(data: string, moduleWidth: number, height: number): Buffer {
  const mode = Math.min(3, Math.max(1, moduleWidth - 1));
  return Buffer.concat([Buffer.from([0x1b, 0x62, 0x36, 0x32, 0x30 + mode, Math.min(255, height)]), Buffer.from(data, 'latin1'), Buffer.from([0x1e])]);
}

/** ESC GS y: model 2, correction M, cell size, data (auto mode), print. */
function starQr(data: string, cellSize: number): Buffer {
  const d = Buffer.from(data, 'latin1');
  return Buffer.concat([
    Buffer.from([0x1b, 0x1d, 0x79, 0x53, 0x30, 0x02, 0x1b, 0x1d, 0x79, 0x53, 0x31, 0x01, 0x1b, 0x1d, 0x79, 0x53, 0x32, Math.min(8, Math.max(1, cellSize))]),
    Buffer.from([0x1b, 0x1d, 0x79, 0x44, 0x31, 0x00, d.length & 0xff, d.length >> 8]),
    d,
    Buffer.from([0x1b, 0x1d, 0x79, 0x50]),
  ]);
}

export interface DrawerPulse {
  /** Drawer connector pin: 2 (drawer 1, the usual) or 5 (drawer 2). */
  pin: 2 | 5;
  /** How long the solenoid is driven; most drawers want 100–200 ms. */
  onMs: number;
  offMs: number;
}

/**
 * The drawer kick on its own (no paper used). Epson ESC p m t1 t2 counts in 2 ms units; Star sets
 * the pulse with ESC BEL n1 n2 (10 ms units) then kicks with BEL (pin 2) or SUB (pin 5).
 */
export function encodeDrawerKick(set: CommandSet, d: DrawerPulse): Buffer {
  if (set === 'epson') {
    const t = (ms: number) => Math.min(255, Math.max(1, Math.round(ms / 2)));
    return Buffer.from([0x1b, 0x70, d.pin === 5 ? 1 : 0, t(d.onMs), t(d.offMs)]);
  }
  const t = (ms: number) => Math.min(255, Math.max(1, Math.round(ms / 10)));
  return Buffer.from([0x1b, 0x07, t(d.onMs), t(d.offMs), d.pin === 5 ? 0x1a : 0x07]);
}

function initialState(): State {
  return { align: 'left', bold: false, underline: false, invert: false, width: 1, height: 1 };
}

/** SlipLines → ESC/POS bytes. Starts with ESC @ and an explicit code page selection. */
export function encodeEscPos(lines: SlipLines, opts: EncodeOptions): Buffer {
  const set = opts.commandSet;
  const cp = opts.codePage ?? 'WPC1252';
  const p = new ThermalPrinter({
    type: set === 'epson' ? PrinterTypes.EPSON : PrinterTypes.STAR,
    interface: '',
    width: lines.columns,
    // Layout already wrapped every line; the library must not fold again.
    breakLine: BreakLine.NONE,
  }) as unknown as Builder;
  p.initHardware();
  p.setCharacterSet(cp);
  const s = initialState();
  const dots = Math.min(PAPER_DOTS[lines.paper], lines.columns * 12);
  for (const l of lines.lines) encodeLine(p, s, set, l, lines.columns, dots, cp);
  return p.getBuffer();
}
