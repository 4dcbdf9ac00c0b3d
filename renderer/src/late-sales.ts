/**
 * Late successes: a sale left pending that later got its token by itself. The till watches every
 * pending sale it has seen; when one leaves the pending list and turns out to have succeeded late,
 * a notice stays on every screen until a cashier acknowledges it. The watch list and the notices
 * are kept in localStorage so a reload or a sign-out does not lose them.
 */
import type { SaleView } from '../../electron/api/contract';

export interface LateNotice {
  saleId: string;
  meterId: string;
  amountCents: number;
  printed: boolean;
  at: string;
}

const WATCH_KEY = 'till-watched-pending';
const NOTICE_KEY = 'till-late-notices';

/** Ids watched before that are no longer pending (to look at once), and the watch list to keep. */
export function settleWatch(watched: readonly string[], stillOpen: readonly string[]): { gone: string[]; watch: string[] } {
  const open = new Set(stillOpen);
  return { gone: watched.filter((id) => !open.has(id)), watch: [...new Set([...stillOpen])] };
}

/** A notice for a sale that succeeded after it was left pending; null for any other outcome. */
export function noticeFor(sale: SaleView): LateNotice | null {
  if (sale.state !== 'succeeded' || !sale.late) return null;
  return { saleId: sale.saleId, meterId: sale.meterId, amountCents: sale.amountCents, printed: sale.slip.printed, at: sale.updatedAt };
}

function read<T>(key: string): T[] {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}
function write(key: string, v: unknown[]): void {
  try {
    localStorage.setItem(key, JSON.stringify(v));
  } catch {
    // storage full or disabled: the notice still shows for this page's life
  }
}

export const loadWatch = () => read<string>(WATCH_KEY);
export const saveWatch = (ids: string[]) => write(WATCH_KEY, ids);
export const loadNotices = () => read<LateNotice>(NOTICE_KEY);
export const saveNotices = (n: LateNotice[]) => write(NOTICE_KEY, n);
