/**
 * The till's switch list: the switch URL setting (and PPU_TILL_SWITCH_URL) names one switch or
 * several, comma-separated, in the order the till prefers them. This module reads that text into
 * entries, checks each entry with the rule of the place it came from (naming the wrong one), turns an
 * entry into the origin the PPU client puts its paths under, names a switch for the cashier
 * (host:port), and decides which switches to try when the one in use gives no answer.
 */
import { PPU_BASE_PATH } from '../../switch-core/protocol';

/** The listed URLs, in order, blanks around commas dropped. */
export function switchEntries(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Every entry checked by `check` (null: fine, else why not). A single URL keeps the plain reason;
 * in a list the reason names the entry ("URL 2 (ftp://b) must be …").
 */
export function checkSwitchEntries(text: string, check: (entry: string) => string | null): string | null {
  const entries = switchEntries(text);
  if (entries.length === 0 && text.trim() !== '') return 'lists no URL between its commas';
  for (const [i, entry] of entries.entries()) {
    const why = check(entry);
    if (why !== null) return entries.length === 1 ? why : `URL ${i + 1} (${entry}) ${why}`;
  }
  return null;
}

/** The origin (and any path before the PPU base path) the client's paths go under. */
export function switchRootOf(entry: string): string {
  return entry.replace(/\/+$/, '').replace(new RegExp(PPU_BASE_PATH + '$'), '');
}

/** host:port of a switch, as the cashier and the field tech read it (the scheme's port when none is written). */
export function switchLabel(root: string): string {
  try {
    const u = new URL(root);
    return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return root;
  }
}

/**
 * The switches to try, in order, for one request that starts on the one in use: that one, then —
 * when it gives no answer — the others from the top of the list (the till's preference), so a
 * till on the second of three that fails goes back to the first before the third.
 */
export function tryOrder(count: number, inUse: number): number[] {
  const rest = Array.from({ length: count }, (_, i) => i).filter((i) => i !== inUse);
  return count === 0 ? [] : [inUse, ...rest];
}
