/**
 * Printers that say what they are: the Epson GS I question for maker and model name, and the
 * table of models known to take 58 mm paper, so a till lays out 32 columns on them without a
 * setting. Spooler printers (CUPS, Windows) cannot be asked; their queue name often carries the
 * model, and is read the same way.
 */
import { byteReader, type PrinterLink } from './status';

export interface PrinterIdentity {
  maker?: string;
  model: string;
  /** 58 when this model takes only 58 mm paper. */
  paper?: 58;
  /** Where the name came from: the printer's own answer, or the spooler queue's name. */
  from: 'printer' | 'queue name';
}

/**
 * Models that take 58 mm rolls only (their 80 mm siblings have other names). Matched anywhere in
 * the name, case-insensitively, so "EPSON TM-m10 Receipt" (a Windows queue) matches too.
 */
const MODELS_58MM: readonly RegExp[] = [
  /\bTM-m10\b/i, /\bTM-P20\b/i, /\bTM-P60/i, /\bTM-T70-?58\b/i, /\bTM-L90-?58\b/i,
  /\bmC-Print2\b/i, /\bSM-L200\b/i, /\bSM-S2[0-9]0/i, /\bTSP-?113\b/i,
  /\bPOS-?58/i, /\bXP-58/i, /\bRP58/i, /\bGP-58/i, /\bZJ-58/i,
];
/**
 * 58 for a model that takes only 58 mm paper; undefined otherwise (80 mm models often take 58 mm
 * rolls with a guide, so for them the till's setting decides).
 */
export function paperForModel(model: string): 58 | undefined {
  return MODELS_58MM.some((r) => r.test(model)) ? 58 : undefined;
}

/** Builds an identity; the model name's known paper width comes with it. */
export function identity(model: string, from: PrinterIdentity['from'], maker?: string): PrinterIdentity {
  const paper = paperForModel(model);
  return { ...(maker ? { maker } : {}), model, ...(paper ? { paper } : {}), from };
}

/** GS I n for n ≥ 65 answers "_" + text + NUL (Epson). */
async function askText(link: PrinterLink, reader: ReturnType<typeof byteReader>, n: number, timeoutMs: number): Promise<string | undefined> {
  reader.clear();
  link.write(Buffer.from([0x1d, 0x49, n]));
  const first = await reader.next(timeoutMs, (b) => b === 0x5f);
  if (first === undefined) return undefined;
  const bytes: number[] = [];
  for (let k = 0; k < 80; k++) {
    const b = await reader.next(timeoutMs);
    if (b === undefined) return undefined;
    if (b === 0) break;
    bytes.push(b);
  }
  return Buffer.from(bytes).toString('latin1').trim() || undefined;
}

/** Asks the maker (GS I 66) and model name (GS I 67); null when the printer does not say. */
export async function probeIdentity(link: PrinterLink, timeoutMs: number): Promise<PrinterIdentity | null> {
  const reader = byteReader(link.onData);
  const model = await askText(link, reader, 0x43, timeoutMs);
  if (!model) return null;
  const maker = await askText(link, reader, 0x42, timeoutMs);
  return identity(model, 'printer', maker);
}
