/**
 * Late outcomes: a sale left pending that later got its token by itself, or failed (nothing charged:
 * the customer's cash goes back). The till watches every pending sale it has seen and every sale the
 * cashier left; when one leaves the pending list with such an outcome, a notice naming its meter,
 * amount and short reference stays on every screen until a cashier acknowledges it. The watch list
 * and the notices are kept in localStorage so a reload or a sign-out does not lose them.
 */
import type { SaleView } from '../../electron/api/contract';

export interface LateNotice {
  saleId: string;
  /** Notices stored before failures were announced have none: they were successes. */
  outcome?: 'succeeded' | 'failed';
  meterId: string;
  amountCents: number;
  /** A failure's cash refund: a drawer or the safe, as the till recorded it (absent in notices stored before it was said). */
  refundFrom?: SaleView['refundFrom'];
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

/**
 * A notice for a watched sale's outcome: a success after it was left pending, or any success or
 * failure of a sale no longer on the cashier's screen (`offScreen`). Null for anything else (a
 * cancel is the manager's own doing; an outcome on screen speaks for itself).
 */
export function noticeFor(sale: SaleView, offScreen: boolean): LateNotice | null {
  const announced = sale.state === 'succeeded' ? sale.late || offScreen : sale.state === 'failed' && offScreen;
  if (!announced) return null;
  const failed = sale.state === 'failed';
  return { saleId: sale.saleId, outcome: failed ? 'failed' : 'succeeded', meterId: sale.meterId, amountCents: sale.amountCents, ...(failed ? { refundFrom: sale.refundFrom } : {}), printed: sale.slip.printed, at: sale.updatedAt };
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
/** Watches a sale the cashier is leaving, before the back end hears of it: an answer in between is not missed. */
export const watchSale = (id: string) => saveWatch([...new Set([...loadWatch(), id])]);
export const saveWatch = (ids: string[]) => write(WATCH_KEY, ids);
export const loadNotices = () => read<LateNotice>(NOTICE_KEY);
export const saveNotices = (n: LateNotice[]) => write(NOTICE_KEY, n);
