/**
 * ESC/POS decoder (Epson command set): bytes → a flat list of commands. Pure and total: any byte
 * string decodes, unknown or truncated sequences become { op: 'unknown', hex } and never throw.
 */
import iconv from 'iconv-lite';
import { PRINT_LIMITS } from './limits';

export type DecodedCommand =
  | { op: 'init' }
  | { op: 'text'; text: string }
  | { op: 'lf' }
  | { op: 'cr' }
  | { op: 'feed'; lines?: number; dots?: number }
  | { op: 'codepage'; n: number; name: string }
  | { op: 'bold'; on: boolean }
  | { op: 'underline'; dots: number }
  | { op: 'invert'; on: boolean }
  | { op: 'align'; align: 'left' | 'center' | 'right' }
  | { op: 'size'; width: number; height: number }
  | { op: 'mode'; bold: boolean; underline: boolean; width: number; height: number; fontB: boolean }
  | { op: 'setting'; name: 'hriPosition' | 'hriFont' | 'barcodeModule' | 'barcodeHeight' | 'lineSpacing' | 'font' | 'leftMargin' | 'printWidth'; value: number }
  | { op: 'barcode'; symbology: string; data: string }
  | { op: 'qr-setting'; name: 'model' | 'cellSize' | 'correction'; value: number }
  | { op: 'qr'; data: string }
  | { op: 'raster'; width: number; height: number; scale: number; data: string }
  | { op: 'cut'; partial: boolean }
  /** Questions to the printer: status (DLE EOT, GS r) and what it is (GS I). */
  | { op: 'status-query'; kind: 'DLE EOT' | 'GS r' | 'GS I'; n: number }
  /** GS a n: automatic status back (ASB) enabled for the events in n (0 turns it off). */
  | { op: 'asb'; n: number }
  | { op: 'beep' }
  /** A cash drawer kick: a pulse on the drawer connector's pin 2 or pin 5. */
  | { op: 'drawer'; pin: 2 | 5; onMs: number; offMs: number }
  | { op: 'unknown'; hex: string; reason: string };

/** ESC t numbers → iconv code page names (Epson). Others decode as CP437 and say so. */
export const ESC_T_CODE_PAGES: Record<number, string> = { 0: 'CP437', 2: 'CP850', 16: 'CP1252', 19: 'CP858' };

const BARCODE_A: Record<number, string> = { 0: 'UPC-A', 1: 'UPC-E', 2: 'EAN13', 3: 'EAN8', 4: 'CODE39', 5: 'ITF', 6: 'CODABAR' };
const BARCODE_B: Record<number, string> = { 65: 'UPC-A', 66: 'UPC-E', 67: 'EAN13', 68: 'EAN8', 69: 'CODE39', 70: 'ITF', 71: 'CODABAR', 72: 'CODE93', 73: 'CODE128' };

/** Bytes shown of an unknown command: enough to recognise it, never a copy of a whole bad job. */
const HEX_SHOWN = 32;
const hex = (b: Uint8Array) => {
  const shown = Buffer.from(b.subarray(0, HEX_SHOWN)).toString('hex').replace(/(..)(?=.)/g, '$1 ');
  return b.length > HEX_SHOWN ? `${shown} … (${b.length} bytes)` : shown;
};
/** GS k function A data is at most 255 bytes (Epson): the NUL is looked for no further. */
const MAX_BARCODE_A = 255;

/** Decodes up to one command past PRINT_LIMITS.maxCommands (enough for the refusal to see it). */
/**
 * Printable bytes gathered into one text command (joined to a text command just before it), decoded
 * in the code page in force when the run ends. Shared by the ESC/POS and Star decoders.
 */
export function textRuns(b: Uint8Array, out: DecodedCommand[], codePage: () => string): { add(i: number): void; flush(end: number): void } {
  let start = -1;
  return {
    add(i) {
      if (start < 0) start = i;
    },
    flush(end) {
      if (start >= 0 && end > start) {
        const text = iconv.decode(Buffer.from(b.subarray(start, end)), codePage());
        const last = out[out.length - 1];
        if (last && last.op === 'text') last.text += text;
        else out.push({ op: 'text', text });
      }
      start = -1;
    },
  };
}

export function decodeEscPos(input: Uint8Array): DecodedCommand[] {
  return mergeQr(decodeWithEnds(input, 0, PRINT_LIMITS.maxCommands + 1).commands);
}

/** Commands held at once while scanning for a cut: scanning costs no more memory for a longer job. */
const SCAN_BATCH = 4096;

/**
 * Where a streaming printer ends its jobs: the byte offsets just past every cut at or after `from`,
 * and the offset to scan again from once more bytes arrive (the start of a command cut short by the
 * end of the input, else the end). Each byte is scanned about once in a batch of commands, so framing
 * a stream is linear in its length, however many cuts it holds.
 */
export function scanForCuts(input: Uint8Array, from: number): { cutEnds: number[]; resumeAt: number } {
  const cutEnds: number[] = [];
  for (let at = from; ; ) {
    const { commands, ends, truncatedAt, stoppedAt } = decodeWithEnds(input, at, SCAN_BATCH);
    commands.forEach((c, k) => c.op === 'cut' && cutEnds.push(ends[k] ?? input.length));
    if (stoppedAt < 0) return { cutEnds, resumeAt: truncatedAt >= 0 ? truncatedAt : input.length };
    at = stoppedAt;
  }
}

/**
 * Decodes from `from` until the input ends or `maxCommands` commands are out; `stoppedAt` is the
 * command boundary it stopped at (-1 when it reached the end).
 */
function decodeWithEnds(input: Uint8Array, from: number, maxCommands: number): { commands: DecodedCommand[]; ends: number[]; truncatedAt: number; stoppedAt: number } {
  const b = input;
  const ends: number[] = [];
  const out: DecodedCommand[] = [];
  let codePage = 'CP437';
  let i = from;
  /** Start of a command the input ends in the middle of (-1: none). */
  let truncatedAt = -1;
  let stoppedAt = -1;
  const textRun = textRuns(b, out, () => codePage);
  const flushText = textRun.flush;
  const unknown = (start: number, end: number, reason: string) => {
    out.push({ op: 'unknown', hex: hex(b.subarray(start, Math.min(end, b.length))), reason });
  };
  /** Needs n bytes from i (inclusive); if missing, records the truncated tail. */
  const need = (start: number, n: number): boolean => {
    if (i + n <= b.length) return true;
    truncatedAt = start;
    unknown(start, b.length, 'truncated command');
    i = b.length;
    return false;
  };

  while (i < b.length) {
    while (ends.length < out.length) ends.push(i);
    if (out.length >= maxCommands) {
      stoppedAt = i;
      break;
    }
    const c = b[i] as number;
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
    if (c === 0x0c) { out.push({ op: 'feed', lines: 1 }); i++; continue; }
    if (c === 0x10) {
      // DLE EOT n / DLE ENQ n / DLE DC4 ...
      if (!need(start, 3)) break;
      const a = b[i + 1] as number;
      if (a === 0x04) out.push({ op: 'status-query', kind: 'DLE EOT', n: b[i + 2] as number });
      else unknown(start, i + 3, 'unsupported DLE command');
      i += 3;
      continue;
    }
    if (c === 0x1b) {
      if (!need(start, 2)) break;
      const a = b[i + 1] as number;
      const arg = (k: number) => b[i + 1 + k] as number;
      switch (a) {
        case 0x40: out.push({ op: 'init' }); codePage = 'CP437'; i += 2; continue;
        case 0x45: if (!need(start, 3)) break; out.push({ op: 'bold', on: (arg(1) & 1) === 1 }); i += 3; continue;
        case 0x47: if (!need(start, 3)) break; out.push({ op: 'bold', on: (arg(1) & 1) === 1 }); i += 3; continue;
        case 0x2d: {
          if (!need(start, 3)) break;
          const n = arg(1);
          out.push({ op: 'underline', dots: n === 0 || n === 0x30 ? 0 : n === 2 || n === 0x32 ? 2 : 1 });
          i += 3;
          continue;
        }
        case 0x61: {
          if (!need(start, 3)) break;
          const n = arg(1) % 0x30;
          out.push({ op: 'align', align: n === 1 ? 'center' : n === 2 ? 'right' : 'left' });
          i += 3;
          continue;
        }
        case 0x21: {
          if (!need(start, 3)) break;
          const n = arg(1);
          out.push({ op: 'mode', fontB: (n & 1) === 1, bold: (n & 8) !== 0, height: n & 0x10 ? 2 : 1, width: n & 0x20 ? 2 : 1, underline: (n & 0x80) !== 0 });
          i += 3;
          continue;
        }
        case 0x74: {
          if (!need(start, 3)) break;
          const n = arg(1);
          const name = ESC_T_CODE_PAGES[n];
          codePage = name ?? 'CP437';
          out.push({ op: 'codepage', n, name: name ?? `unsupported page ${n} (shown as CP437)` });
          i += 3;
          continue;
        }
        case 0x64: if (!need(start, 3)) break; out.push({ op: 'feed', lines: arg(1) }); i += 3; continue;
        case 0x4a: if (!need(start, 3)) break; out.push({ op: 'feed', dots: arg(1) }); i += 3; continue;
        case 0x32: out.push({ op: 'setting', name: 'lineSpacing', value: 30 }); i += 2; continue;
        case 0x33: if (!need(start, 3)) break; out.push({ op: 'setting', name: 'lineSpacing', value: arg(1) }); i += 3; continue;
        case 0x4d: if (!need(start, 3)) break; out.push({ op: 'setting', name: 'font', value: arg(1) % 0x30 }); i += 3; continue;
        case 0x69: out.push({ op: 'cut', partial: true }); i += 2; continue;
        case 0x6d: out.push({ op: 'cut', partial: true }); i += 2; continue;
        case 0x42: if (!need(start, 4)) break; out.push({ op: 'beep' }); i += 4; continue;
        case 0x70: if (!need(start, 5)) break; out.push({ op: 'drawer', pin: arg(1) % 0x30 === 1 ? 5 : 2, onMs: arg(2) * 2, offMs: arg(3) * 2 }); i += 5; continue;
        case 0x7b: if (!need(start, 3)) break; unknown(start, i + 3, 'upside-down mode not rendered'); i += 3; continue;
        default: unknown(start, i + 2, 'unknown ESC command'); i += 2; continue;
      }
      break;
    }
    if (c === 0x1d) {
      if (!need(start, 2)) break;
      const a = b[i + 1] as number;
      const arg = (k: number) => b[i + 1 + k] as number;
      switch (a) {
        case 0x21: {
          if (!need(start, 3)) break;
          const n = arg(1);
          out.push({ op: 'size', width: ((n >> 4) & 7) + 1, height: (n & 7) + 1 });
          i += 3;
          continue;
        }
        case 0x42: if (!need(start, 3)) break; out.push({ op: 'invert', on: (arg(1) & 1) === 1 }); i += 3; continue;
        case 0x48: if (!need(start, 3)) break; out.push({ op: 'setting', name: 'hriPosition', value: arg(1) % 0x30 }); i += 3; continue;
        case 0x66: if (!need(start, 3)) break; out.push({ op: 'setting', name: 'hriFont', value: arg(1) % 0x30 }); i += 3; continue;
        case 0x77: if (!need(start, 3)) break; out.push({ op: 'setting', name: 'barcodeModule', value: arg(1) }); i += 3; continue;
        case 0x68: if (!need(start, 3)) break; out.push({ op: 'setting', name: 'barcodeHeight', value: arg(1) }); i += 3; continue;
        case 0x4c: if (!need(start, 4)) break; out.push({ op: 'setting', name: 'leftMargin', value: arg(1) + arg(2) * 256 }); i += 4; continue;
        case 0x57: if (!need(start, 4)) break; out.push({ op: 'setting', name: 'printWidth', value: arg(1) + arg(2) * 256 }); i += 4; continue;
        case 0x72: if (!need(start, 3)) break; out.push({ op: 'status-query', kind: 'GS r', n: arg(1) }); i += 3; continue;
        case 0x49: if (!need(start, 3)) break; out.push({ op: 'status-query', kind: 'GS I', n: arg(1) }); i += 3; continue;
        case 0x61: if (!need(start, 3)) break; out.push({ op: 'asb', n: arg(1) }); i += 3; continue;
        case 0x56: {
          if (!need(start, 3)) break;
          const m = arg(1);
          const partial = m === 1 || m === 0x31 || m === 66;
          const len = m >= 65 ? 4 : 3;
          if (!need(start, len)) break;
          out.push({ op: 'cut', partial });
          i += len;
          continue;
        }
        case 0x6b: {
          if (!need(start, 3)) break;
          const m = arg(1);
          if (m <= 6) {
            // Function A: NUL-terminated data.
            let end = i + 3;
            const last = Math.min(b.length, i + 3 + MAX_BARCODE_A + 1);
            while (end < last && b[end] !== 0) end++;
            if (end >= b.length) { truncatedAt = start; unknown(start, b.length, 'barcode data without NUL terminator'); i = b.length; continue; }
            if (end >= last) { unknown(start, end, 'barcode data longer than 255 bytes'); i = end; continue; }
            out.push({ op: 'barcode', symbology: BARCODE_A[m] ?? `type ${m}`, data: Buffer.from(b.subarray(i + 3, end)).toString('latin1') });
            i = end + 1;
            continue;
          }
          if (!need(start, 4)) break;
          const n = arg(2);
          if (!need(start, 4 + n)) break;
          const sym = BARCODE_B[m];
          if (!sym) unknown(start, i + 4 + n, `unknown barcode type ${m}`);
          else out.push({ op: 'barcode', symbology: sym, data: Buffer.from(b.subarray(i + 4, i + 4 + n)).toString('latin1') });
          i += 4 + n;
          continue;
        }
        case 0x28: {
          // GS ( k pL pH cn fn ...: 2D symbols (QR is cn = 49).
          if (!need(start, 5)) break;
          const fnGroup = arg(1);
          const len = arg(2) + arg(3) * 256;
          if (!need(start, 5 + len)) break;
          const body = b.subarray(i + 5, i + 5 + len);
          i += 5 + len;
          if (fnGroup !== 0x6b || body[0] !== 0x31) { unknown(start, i, 'unsupported GS ( command'); continue; }
          const fn = body[1];
          if (fn === 0x41) out.push({ op: 'qr-setting', name: 'model', value: (body[2] ?? 0x32) - 0x30 });
          else if (fn === 0x43) out.push({ op: 'qr-setting', name: 'cellSize', value: body[2] ?? 3 });
          else if (fn === 0x45) out.push({ op: 'qr-setting', name: 'correction', value: (body[2] ?? 0x31) - 0x30 });
          else if (fn === 0x50) out.push({ op: 'qr', data: Buffer.from(body.subarray(3)).toString('latin1') });
          else if (fn === 0x51) out.push({ op: 'qr', data: '' });
          else unknown(start, i, 'unsupported QR function');
          continue;
        }
        case 0x76: {
          // GS v 0 m xL xH yL yH d1...dk: raster bit image.
          if (!need(start, 8)) break;
          const m = arg(2) % 0x30;
          const xBytes = arg(3) + arg(4) * 256;
          const h = arg(5) + arg(6) * 256;
          const k = xBytes * h;
          if (arg(1) !== 0x30) { unknown(start, i + 2, 'unsupported GS v command'); i += 2; continue; }
          if (!need(start, 8 + k)) break;
          out.push({ op: 'raster', width: xBytes * 8, height: h, scale: m, data: Buffer.from(b.subarray(i + 8, i + 8 + k)).toString('base64') });
          i += 8 + k;
          continue;
        }
        default: unknown(start, i + 2, 'unknown GS command'); i += 2; continue;
      }
      break;
    }
    unknown(start, i + 1, 'control byte');
    i++;
  }
  flushText(Math.min(i, b.length));
  while (ends.length < out.length) ends.push(b.length);
  return { commands: out, ends, truncatedAt, stoppedAt };
}

/**
 * GS ( k "store" carries the data and "print" (fn 0x51) prints it: fold them so the command list
 * has one qr entry with its data, where it is printed.
 */
function mergeQr(cmds: DecodedCommand[]): DecodedCommand[] {
  const out: DecodedCommand[] = [];
  let stored: string | undefined;
  for (const c of cmds) {
    if (c.op === 'qr' && c.data !== '') {
      stored = c.data;
      continue;
    }
    if (c.op === 'qr' && c.data === '') {
      out.push({ op: 'qr', data: stored ?? '' });
      continue;
    }
    out.push(c);
  }
  return out;
}
