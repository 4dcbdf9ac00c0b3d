/**
 * Star Line mode decoder (TSP100/TSP143/TSP650 default emulation): bytes → the same flat command
 * list as the ESC/POS decoder, so one renderer draws both. Covers what the till sends a Star
 * printer: text and code page, emphasis, underline, inverse, ESC i size, ESC GS a alignment, ESC d
 * cut, ESC a feed, ESC b barcodes, ESC GS y QR, and the drawer kick (BEL / SUB with ESC BEL pulse
 * times). Pure and total: unknown or truncated sequences become { op: 'unknown' } and never throw.
 */
import { textRuns, type DecodedCommand } from './decode';

/** ESC GS t n numbers (Star) → iconv code page names. Others decode as CP437 and say so. */
export const STAR_CODE_PAGES: Record<number, string> = { 0: 'CP437', 1: 'CP437', 3: 'CP437', 4: 'CP858', 5: 'CP852', 32: 'CP1252' };

/** ESC b n1: barcode types. */
const STAR_BARCODES: Record<number, string> = { 0: 'UPC-E', 1: 'UPC-A', 2: 'EAN8', 3: 'EAN13', 4: 'CODE39', 5: 'ITF', 6: 'CODE128', 7: 'CODE93', 8: 'NW7' };

/** Star barcodes hold at most this many bytes before RS; the terminator is looked for no further. */
const MAX_BARCODE = 255;
/** QR data is at most 7089 bytes (numeric, model 2). */
const MAX_QR = 7089;

const hex = (b: Uint8Array) => Buffer.from(b.subarray(0, 32)).toString('hex').replace(/(..)(?=.)/g, '$1 ') + (b.length > 32 ? ` … (${b.length} bytes)` : '');

export function decodeStar(input: Uint8Array): DecodedCommand[] {
  return decodeStarWithEnds(input).commands;
}

/**
 * Where a Star printer ends its jobs on a stream (the job framer's cut scanner, as decode.ts's
 * scanForCuts for ESC/POS): just past every cut at or after `from`, and where to scan again from once
 * more bytes arrive (the start of a command cut short, else the end).
 */
export function starScanForCuts(input: Uint8Array, from: number): { cutEnds: number[]; resumeAt: number } {
  const { commands, ends, truncatedAt } = decodeStarWithEnds(input, from);
  const cutEnds: number[] = [];
  commands.forEach((c, k) => c.op === 'cut' && cutEnds.push(ends[k] ?? input.length));
  return { cutEnds, resumeAt: truncatedAt >= 0 ? truncatedAt : input.length };
}

function decodeStarWithEnds(b: Uint8Array, from = 0): { commands: DecodedCommand[]; ends: number[]; truncatedAt: number } {
  const out: DecodedCommand[] = [];
  const ends: number[] = [];
  let codePage = 'CP437';
  let drawerOnMs = 200;
  let drawerOffMs = 200;
  let qrData = '';
  let i = from;
  /** Start of a command the input ends in the middle of (-1: none). */
  let truncatedAt = -1;
  const textRun = textRuns(b, out, () => codePage);
  const flushText = textRun.flush;
  const unknown = (start: number, end: number, reason: string) => out.push({ op: 'unknown', hex: hex(b.subarray(start, Math.min(end, b.length))), reason });
  /** Needs n bytes from the command start; if missing, records the truncated tail and ends decoding. */
  const need = (start: number, n: number): boolean => {
    if (start + n <= b.length) return true;
    truncatedAt = start;
    unknown(start, b.length, 'truncated command');
    i = b.length;
    return false;
  };
  const at = (k: number) => b[k] as number;

  while (i < b.length) {
    while (ends.length < out.length) ends.push(i);
    const c = at(i);
    if (c >= 0x20 && c !== 0x7f) {
      textRun.add(i);
      i++;
      continue;
    }
    flushText(i);
    const start = i;
    if (c === 0x0a) { out.push({ op: 'lf' }); i++; continue; }
    if (c === 0x0d) { out.push({ op: 'cr' }); i++; continue; }
    if (c === 0x09) { out.push({ op: 'text', text: ' ' }); i++; continue; }
    if (c === 0x0b || c === 0x0c) { out.push({ op: 'feed', lines: 1 }); i++; continue; }
    if (c === 0x07 || c === 0x1a) {
      // BEL kicks drawer 1 (connector pin 2), SUB drawer 2 (pin 5), with the ESC BEL pulse times.
      out.push({ op: 'drawer', pin: c === 0x07 ? 2 : 5, onMs: drawerOnMs, offMs: drawerOffMs });
      i++;
      continue;
    }
    if (c !== 0x1b) { unknown(start, i + 1, 'control byte'); i++; continue; }
    if (!need(start, 2)) break;
    const a = at(i + 1);
    switch (a) {
      case 0x40: out.push({ op: 'init' }); codePage = 'CP437'; i += 2; continue;
      case 0x45: out.push({ op: 'bold', on: true }); i += 2; continue;
      case 0x46: out.push({ op: 'bold', on: false }); i += 2; continue;
      case 0x34: out.push({ op: 'invert', on: true }); i += 2; continue;
      case 0x35: out.push({ op: 'invert', on: false }); i += 2; continue;
      case 0x2d: {
        if (!need(start, 3)) break;
        const n = at(i + 2) % 0x30;
        out.push({ op: 'underline', dots: n === 0 ? 0 : 1 });
        i += 3;
        continue;
      }
      case 0x69: {
        // ESC i n1 n2: n1 = height - 1, n2 = width - 1 (0..5).
        if (!need(start, 4)) break;
        out.push({ op: 'size', width: Math.min(6, (at(i + 3) % 0x30) + 1), height: Math.min(6, (at(i + 2) % 0x30) + 1) });
        i += 4;
        continue;
      }
      case 0x64: {
        // ESC d n: 0/2 full cut, 1/3 partial cut (2 and 3 feed to the cutter first).
        if (!need(start, 3)) break;
        const n = at(i + 2) % 0x30;
        out.push({ op: 'cut', partial: n === 1 || n === 3 });
        i += 3;
        continue;
      }
      case 0x61: if (!need(start, 3)) break; out.push({ op: 'feed', lines: at(i + 2) }); i += 3; continue;
      case 0x07: {
        // ESC BEL n1 n2: drawer pulse on and off times in 10 ms units (applies to the next BEL/SUB).
        if (!need(start, 4)) break;
        drawerOnMs = at(i + 2) * 10;
        drawerOffMs = at(i + 3) * 10;
        i += 4;
        continue;
      }
      case 0x62: {
        // ESC b n1 n2 n3 n4 d1..dk RS: type, HRI/line feed, module mode, height in dots.
        if (!need(start, 6)) break;
        const type = at(i + 2) % 0x30;
        const hri = at(i + 3) % 0x30;
        const mode = at(i + 4) % 0x30;
        const height = at(i + 5);
        const last = Math.min(b.length, i + 6 + MAX_BARCODE + 1);
        let end = i + 6;
        while (end < last && b[end] !== 0x1e) end++;
        if (end >= b.length) { truncatedAt = start; unknown(start, b.length, 'barcode data without RS terminator'); i = b.length; continue; }
        if (end >= last) { unknown(start, end, 'barcode data longer than 255 bytes'); i = end; continue; }
        const symbology = STAR_BARCODES[type];
        if (!symbology) { unknown(start, end + 1, `unknown Star barcode type ${type}`); i = end + 1; continue; }
        out.push({ op: 'setting', name: 'hriPosition', value: hri === 2 || hri === 4 ? 2 : 0 });
        out.push({ op: 'setting', name: 'barcodeModule', value: Math.min(4, Math.max(2, mode + 1)) });
        out.push({ op: 'setting', name: 'barcodeHeight', value: height });
        const raw = Buffer.from(b.subarray(i + 6, end)).toString('latin1');
        // The command model carries CODE128 data as Epson does: code set B chosen, a brace doubled.
        out.push({ op: 'barcode', symbology, data: symbology === 'CODE128' ? `{B${raw.replace(/\{/g, '{{')}` : raw });
        if (hri === 1 || hri === 2) out.push({ op: 'lf' });
        i = end + 1;
        continue;
      }
      case 0x1d: {
        if (!need(start, 3)) break;
        const g = at(i + 2);
        if (g === 0x61) {
          if (!need(start, 4)) break;
          const n = at(i + 3) % 0x30;
          out.push({ op: 'align', align: n === 1 ? 'center' : n === 2 ? 'right' : 'left' });
          i += 4;
          continue;
        }
        if (g === 0x74) {
          if (!need(start, 4)) break;
          const n = at(i + 3);
          const name = STAR_CODE_PAGES[n];
          codePage = name ?? 'CP437';
          out.push({ op: 'codepage', n, name: name ?? `unsupported Star page ${n} (shown as CP437)` });
          i += 4;
          continue;
        }
        if (g === 0x79) {
          // ESC GS y: QR code. S 0 n model, S 1 n correction, S 2 n cell size, D 1 m nL nH data, P print.
          if (!need(start, 4)) break;
          const f = at(i + 3);
          if (f === 0x53) {
            if (!need(start, 6)) break;
            const which = at(i + 4) % 0x30;
            const n = at(i + 5);
            if (which === 0) out.push({ op: 'qr-setting', name: 'model', value: n });
            else if (which === 1) out.push({ op: 'qr-setting', name: 'correction', value: n });
            else if (which === 2) out.push({ op: 'qr-setting', name: 'cellSize', value: n });
            else unknown(start, i + 6, 'unsupported QR setting');
            i += 6;
            continue;
          }
          if (f === 0x44) {
            if (!need(start, 8)) break;
            const len = at(i + 6) + at(i + 7) * 256;
            if (len > MAX_QR) { unknown(start, i + 8, `QR data of ${len} bytes is more than a QR code holds`); i = Math.min(b.length, i + 8 + len); continue; }
            if (!need(start, 8 + len)) break;
            qrData = Buffer.from(b.subarray(i + 8, i + 8 + len)).toString('latin1');
            i += 8 + len;
            continue;
          }
          if (f === 0x50) { out.push({ op: 'qr', data: qrData }); i += 4; continue; }
          unknown(start, i + 4, 'unsupported QR function');
          i += 4;
          continue;
        }
        unknown(start, i + 3, 'unknown ESC GS command');
        i += 3;
        continue;
      }
      default: unknown(start, i + 2, 'unknown ESC command'); i += 2; continue;
    }
    break;
  }
  flushText(Math.min(i, b.length));
  while (ends.length < out.length) ends.push(b.length);
  return { commands: out, ends, truncatedAt };
}
