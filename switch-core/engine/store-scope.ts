/**
 * Whose transaction is whose: the store (originator.merchant) and till (originator.terminalId) a PPU
 * request came from, and the references that let one store find its own transactions — a merchant
 * tag on every request that names a merchant, and a purchase's short reference (the 8 characters its
 * slip prints) so a store can find the sale from the slip alone.
 */
import { shortReference } from '../protocol/ids';
import type { TxType } from './model';

export interface Origin {
  merchantId: string | null;
  terminalId: string | null;
  operatorId: string | null;
  channelId: string | null;
}

/** The reference every transaction of one merchant carries (a party is not a reference otherwise). */
export const merchantTag = (merchantId: string): string => `merchant:${merchantId}`;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Who sent a request, as far as its originator says (advices carry none). */
export function originOf(request: unknown): Origin {
  const o = (request as { originator?: { terminalId?: unknown; operatorId?: unknown; channelId?: unknown; merchant?: { merchantId?: unknown } } } | null)?.originator;
  return { merchantId: str(o?.merchant?.merchantId), terminalId: str(o?.terminalId), operatorId: str(o?.operatorId), channelId: str(o?.channelId) };
}

/**
 * The store references of one transaction: its merchant's tag and, for a purchase, its short
 * reference. Lookups get none: no store report reads them, and each reference is a write on the hot path.
 */
export function storeReferencesOf(txId: string, type: TxType, request: unknown): string[] {
  if (type === 'LOOKUP') return [];
  const merchant = originOf(request).merchantId;
  const out = merchant ? [merchantTag(merchant)] : [];
  if (type === 'PURCHASE') out.push(shortReference(txId));
  return out;
}
