/**
 * Renders decoded ESC/POS commands the way a 203 dpi thermal printer puts them on paper:
 * a 1-bit page (58 mm → 384 dots, 80 mm → 576 dots) written as a grayscale PNG, and the
 * same slip as plain text. Font A is 12x24 with double width/height scaling; barcodes and QR
 * codes are drawn module for module so they scan.
 */
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { code128, code39, ean13 } from './barcodes';
import type { DecodedCommand } from './decode';
import { FONT_A_CODEPOINTS, FONT_A_GLYPHS_BASE64, FONT_A_HEIGHT, FONT_A_WIDTH } from '../assets/fonts/font-a-12x24';
import type { Paper } from './layout';
import { PAPER_DOTS } from './layout';
import { pageTooLong, PRINT_LIMITS, tooManyLines } from './limits';

const GLYPHS = Buffer.from(FONT_A_GLYPHS_BASE64, 'base64');
const GLYPH_BYTES = FONT_A_HEIGHT * 2;
const GLYPH_INDEX = new Map<number, number>(FONT_A_CODEPOINTS.map((cp, i) => [cp, i]));
const QUESTION = GLYPH_INDEX.get(0x3f) ?? 0;

/** Default ESC/POS line spacing (ESC 2) in dots: 24-dot glyph + 6 dots leading. */
const LINE_SPACING = 30;

interface Cell {
  cp: number;
  w: number;
  h: number;
  bold: boolean;
  underline: number;
  invert: boolean;
}

interface PrintState {
  align: 'left' | 'center' | 'right';
  bold: boolean;
  underline: number;
  invert: boolean;
  w: number;
  h: number;
  lineSpacing: number;
  hri: number;
  module: number;
  barHeight: number;
  qrCell: number;
  qrEcc: number;
}

const initial = (): PrintState => ({
  align: 'left', bold: false, underline: 0, invert: false, w: 1, h: 1,
  lineSpacing: LINE_SPACING, hri: 0, module: 3, barHeight: 162, qrCell: 3, qrEcc: 1,
});

/** A growable 1-byte-per-dot page; 1 = burnt (black). */
class Page {
  data: Uint8Array;
  height = 0;
  constructor(readonly width: number) {
    this.data = new Uint8Array(width * 1024);
  }
  ensure(rows: number): void {
    if (this.height + rows > PRINT_LIMITS.maxPageDots) throw pageTooLong();
    const need = (this.height + rows) * this.width;
    if (need <= this.data.length) return;
    let size = this.data.length;
    while (size < need) size *= 2;
    size = Math.min(size, PRINT_LIMITS.maxPageDots * this.width);
    const next = new Uint8Array(size);
    next.set(this.data.subarray(0, this.height * this.width));
    this.data = next;
  }
  /** Reserve `rows` blank rows and return the first row index. */
  advance(rows: number): number {
    const y = this.height;
    this.ensure(rows);
    this.data.fill(0, y * this.width, (y + rows) * this.width);
    this.height += rows;
    return y;
  }
  fill(x: number, y: number, w: number, h: number, v = 1): void {
    const x0 = Math.max(0, x);
    const x1 = Math.min(this.width, x + w);
    if (x1 <= x0) return;
    for (let r = y; r < y + h && r < this.height; r++) this.data.fill(v, r * this.width + x0, r * this.width + x1);
  }
}

function alignX(width: number, content: number, align: PrintState['align']): number {
  if (align === 'center') return Math.max(0, Math.floor((width - content) / 2));
  if (align === 'right') return Math.max(0, width - content);
  return 0;
}

function drawLine(page: Page, cells: Cell[], st: PrintState): void {
  if (cells.length === 0) {
    page.advance(st.lineSpacing);
    return;
  }
  const lineH = Math.max(...cells.map((c) => FONT_A_HEIGHT * c.h));
  const content = cells.reduce((s, c) => s + FONT_A_WIDTH * c.w, 0);
  const y0 = page.advance(Math.max(st.lineSpacing, lineH + (st.lineSpacing - FONT_A_HEIGHT)));
  let x = alignX(page.width, content, st.align);
  for (const c of cells) {
    const cw = FONT_A_WIDTH * c.w;
    const ch = FONT_A_HEIGHT * c.h;
    const top = y0 + (lineH - ch); // characters sit on a common baseline
    if (c.invert) page.fill(x, top, cw, ch);
    const ink = c.invert ? 0 : 1;
    const gi = GLYPH_INDEX.get(c.cp) ?? QUESTION;
    const off = gi * GLYPH_BYTES;
    for (let gy = 0; gy < FONT_A_HEIGHT; gy++) {
      let bits = ((GLYPHS[off + gy * 2] as number) << 8) | (GLYPHS[off + gy * 2 + 1] as number);
      if (c.bold) bits |= bits >> 1; // emphasized = double strike one dot to the right
      if (c.underline > 0 && gy >= FONT_A_HEIGHT - c.underline) bits = 0xfff0;
      if (bits === 0) continue;
      for (let gx = 0; gx < FONT_A_WIDTH; gx++) {
        if ((bits & (0x8000 >> gx)) === 0) continue;
        page.fill(x + gx * c.w, top + gy * c.h, c.w, c.h, ink);
      }
    }
    x += cw;
  }
}

function drawBars(page: Page, runs: number[], st: PrintState, hriText: string): void {
  const m = Math.max(1, st.module);
  const total = runs.reduce((s, r) => s + r, 0) * m;
  const x0 = alignX(page.width, total, st.align);
  const hriCells = (): Cell[] => Array.from(hriText, (ch) => ({ cp: ch.codePointAt(0) ?? 0x3f, w: 1, h: 1, bold: false, underline: 0, invert: false }));
  if (st.hri === 1 || st.hri === 3) drawLine(page, hriCells(), { ...st, align: 'center' });
  const y = page.advance(st.barHeight);
  let x = x0;
  runs.forEach((r, k) => {
    if (k % 2 === 0) page.fill(x, y, r * m, st.barHeight);
    x += r * m;
  });
  if (st.hri === 2 || st.hri === 3) drawLine(page, hriCells(), { ...st, align: 'center' });
}

function drawQr(page: Page, data: string, st: PrintState): void {
  const ecc = (['L', 'M', 'Q', 'H'] as const)[st.qrEcc] ?? 'M';
  const qr = QRCode.create(data, { errorCorrectionLevel: ecc });
  const size = qr.modules.size;
  const cell = Math.max(1, st.qrCell);
  const quiet = 4 * cell;
  const total = size * cell;
  const y0 = page.advance(total + 2 * quiet) + quiet;
  const x0 = alignX(page.width, total, st.align);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) if (qr.modules.data[r * size + c]) page.fill(x0 + c * cell, y0 + r * cell, cell, cell);
  }
}

function drawRaster(page: Page, cmd: Extract<DecodedCommand, { op: 'raster' }>, st: PrintState): void {
  const bits = Buffer.from(cmd.data, 'base64');
  const sx = cmd.scale === 1 || cmd.scale === 3 ? 2 : 1;
  const sy = cmd.scale === 2 || cmd.scale === 3 ? 2 : 1;
  const bytesPerRow = cmd.width / 8;
  const y0 = page.advance(cmd.height * sy);
  const x0 = alignX(page.width, cmd.width * sx, st.align);
  for (let r = 0; r < cmd.height; r++) {
    for (let c = 0; c < cmd.width; c++) {
      const byte = bits[r * bytesPerRow + (c >> 3)] ?? 0;
      if (byte & (0x80 >> (c & 7))) page.fill(x0 + c * sx, y0 + r * sy, sx, sy);
    }
  }
}

function drawCut(page: Page): void {
  const y = page.advance(12) + 6;
  for (let x = 0; x < page.width; x += 12) page.fill(x, y, 6, 1);
}

function barRuns(symbology: string, data: string): { runs: number[]; text: string } | undefined {
  try {
    if (symbology === 'CODE128') return code128(data);
    if (symbology === 'CODE39') return code39(data);
    if (symbology === 'EAN13') return ean13(data);
  } catch {
    return undefined;
  }
  return undefined;
}

/** Interprets commands onto a page; shared by the PNG renderer. */
function paint(commands: DecodedCommand[], width: number): Page {
  const page = new Page(width);
  page.advance(8);
  let st = initial();
  let cells: Cell[] = [];
  let lineWidth = 0;
  const flush = () => {
    drawLine(page, cells, st);
    cells = [];
    lineWidth = 0;
  };
  const flushIfPending = () => {
    if (cells.length > 0) flush();
  };
  for (const c of commands) {
    switch (c.op) {
      case 'init': flushIfPending(); st = initial(); break;
      case 'text':
        for (const ch of c.text) {
          const cw = FONT_A_WIDTH * st.w;
          if (lineWidth + cw > width) flush(); // the printer wraps when the line is full
          cells.push({ cp: ch.codePointAt(0) ?? 0x3f, w: st.w, h: st.h, bold: st.bold, underline: st.underline, invert: st.invert });
          lineWidth += cw;
        }
        break;
      case 'lf': flush(); break;
      case 'feed':
        flushIfPending();
        page.advance(c.dots ?? (c.lines ?? 1) * st.lineSpacing);
        break;
      case 'bold': st.bold = c.on; break;
      case 'underline': st.underline = c.dots; break;
      case 'invert': st.invert = c.on; break;
      case 'align': st.align = c.align; break;
      case 'size': st.w = c.width; st.h = c.height; break;
      case 'mode': st.bold = c.bold; st.underline = c.underline ? 1 : 0; st.w = c.width; st.h = c.height; break;
      case 'setting':
        if (c.name === 'hriPosition') st.hri = c.value;
        else if (c.name === 'barcodeModule') st.module = c.value;
        else if (c.name === 'barcodeHeight') st.barHeight = Math.max(1, c.value);
        else if (c.name === 'lineSpacing') st.lineSpacing = Math.max(FONT_A_HEIGHT, c.value);
        break;
      case 'qr-setting':
        if (c.name === 'cellSize') st.qrCell = Math.min(16, Math.max(1, c.value));
        else if (c.name === 'correction') st.qrEcc = Math.min(3, Math.max(0, c.value));
        break;
      case 'barcode': {
        flushIfPending();
        const r = barRuns(c.symbology, c.data);
        if (r) drawBars(page, r.runs, st, r.text);
        break;
      }
      case 'qr':
        flushIfPending();
        if (c.data.length > 0) {
          try {
            drawQr(page, c.data, st);
          } catch {
            // Data a QR cannot hold: the printer prints nothing; the text view still names it.
          }
        }
        break;
      case 'raster': flushIfPending(); drawRaster(page, c, st); break;
      case 'cut': flushIfPending(); drawCut(page); break;
      default: break;
    }
  }
  flushIfPending();
  page.advance(8);
  return page;
}

export interface RenderOptions {
  paper: Paper;
}

/** Decoded commands → PNG bytes (grayscale, black on white) at 203 dpi; throws JobRefused past the paper-length cap. */
export function renderSlipPng(commands: DecodedCommand[], opts: RenderOptions = { paper: '80mm' }): Buffer {
  const width = PAPER_DOTS[opts.paper];
  const page = paint(commands, width);
  const png = new PNG({ width, height: page.height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  const gray = Buffer.allocUnsafe(width * page.height);
  for (let k = 0; k < gray.length; k++) gray[k] = page.data[k] ? 0 : 255;
  png.data = gray;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8, deflateLevel: 3, filterType: 0 });
}

export interface TextOptions {
  /** Characters per line used to show alignment (default: 48, or 32 for 58 mm). */
  columns?: number;
  paper?: Paper;
}

/** Decoded commands → the slip as plain text (alignment as spaces; codes and cuts as [tags]); throws JobRefused past the line cap. */
export function slipText(commands: DecodedCommand[], opts: TextOptions = {}): string {
  const columns = opts.columns ?? (opts.paper === '58mm' ? 32 : 48);
  const lines: string[] = [];
  let st = initial();
  let cur = '';
  let curCols = 0;
  const push = (text: string, cols: number, align: PrintState['align']) => {
    if (lines.length >= PRINT_LIMITS.maxLines) throw tooManyLines();
    const pad = align === 'center' ? Math.max(0, Math.floor((columns - cols) / 2)) : align === 'right' ? Math.max(0, columns - cols) : 0;
    lines.push((' '.repeat(pad) + text).trimEnd());
  };
  const flush = () => {
    push(cur, curCols, st.align);
    cur = '';
    curCols = 0;
  };
  const flushIfPending = () => {
    if (cur.length > 0) flush();
  };
  for (const c of commands) {
    switch (c.op) {
      case 'init': flushIfPending(); st = initial(); break;
      case 'text':
        for (const ch of c.text) {
          if (curCols + st.w > columns) flush();
          cur += ch;
          curCols += st.w;
        }
        break;
      case 'lf': flush(); break;
      case 'feed': {
        flushIfPending();
        const n = c.lines ?? Math.round((c.dots ?? 0) / LINE_SPACING);
        for (let k = 0; k < n; k++) push('', 0, 'left');
        break;
      }
      case 'align': st.align = c.align; break;
      case 'size': st.w = c.width; st.h = c.height; break;
      case 'mode': st.w = c.width; st.h = c.height; break;
      case 'barcode': flushIfPending(); push(`[${c.symbology} ${c.data.replace(/^\{[ABC]/, '')}]`, c.data.length + 12, st.align); break;
      case 'qr': flushIfPending(); push(`[QR ${c.data}]`, c.data.length + 5, st.align); break;
      case 'raster':
        flushIfPending();
        // A thin full-width raster is how our encoder draws a solid rule.
        if (c.height <= 8 && c.width >= columns * 6) push('-'.repeat(columns), columns, 'left');
        else push(`[image ${c.width}x${c.height}]`, 16, st.align);
        break;
      case 'cut': flushIfPending(); push(c.partial ? '[partial cut]' : '[cut]', 0, 'left'); break;
      case 'drawer': flushIfPending(); push(`[drawer kick: pin ${c.pin}, ${c.onMs} ms]`, 0, 'left'); break;
      case 'unknown': flushIfPending(); push(`[unknown ${c.hex}: ${c.reason}]`, 0, 'left'); break;
      default: break;
    }
  }
  flushIfPending();
  return lines.join('\n') + '\n';
}
