/**
 * A store's sales from the switch's rows (store API): each purchase with its retries and reversal
 * folded into one StoreSale — sold (the purchase or a retry succeeded), late (sold only by a retry),
 * reversed (a reversal was sent for it), failed, or pending (no final answer yet). A certification
 * run's scenario purchases are left out: they are tests, not the store's sales.
 * Pure: rows in, sales out.
 */
import type { StoreSale } from '../api/contract';
import { shortReference } from '../../switch-core/protocol/ids';

/** A row of GET /store/v1/merchants/:id/transactions (switch-core/server/store-routes.ts). */
export interface StoreTxRow {
  id: string;
  type: string;
  meterId: string | null;
  status: 'SUCCESSFUL' | 'FAILED' | 'UNKNOWN';
  errorType: string | null;
  amount: number | null;
  startedAt: string;
  references: string[];
  purchaseId: string | null;
  terminalId: string | null;
  operatorId: string | null;
  channelId: string | null;
  tenderType: string | null;
  originalRef: string | null;
}

/** originator.channelId of the certification run's messages: test scenarios, never a store's sales. */
export const CERTIFICATION_CHANNEL = 'CERTIFICATION';

const TOKEN = /^\d{20}$/;
/** Errors that leave a purchase's outcome open: a retry may still sell it. */
const OUTCOME_UNKNOWN: ReadonlySet<string> = new Set(['OUTCOME_UNKNOWN', 'UPSTREAM_UNAVAILABLE', 'SYSTEM_MALFUNCTION']);

export function storeSalesOf(rows: readonly StoreTxRow[]): StoreSale[] {
  const byPurchase = new Map<string, StoreTxRow[]>();
  for (const r of rows) {
    const key = r.type === 'PURCHASE' ? r.id : r.type === 'RETRY' || r.type === 'REVERSAL' ? r.purchaseId : null;
    if (!key) continue;
    byPurchase.set(key, [...(byPurchase.get(key) ?? []), r]);
  }
  const sales: StoreSale[] = [];
  for (const [purchaseId, group] of byPurchase) {
    const sends = group.filter((r) => r.type === 'PURCHASE' || r.type === 'RETRY').sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const first = sends[0];
    if (!first || first.channelId === CERTIFICATION_CHANNEL) continue; // a reversal alone: its purchase is outside the period asked for
    const soldBy = sends.find((r) => r.status === 'SUCCESSFUL');
    const last = sends[sends.length - 1]!;
    const reversed = group.some((r) => r.type === 'REVERSAL' && r.status !== 'FAILED');
    const failed = !soldBy && last.status === 'FAILED' && !OUTCOME_UNKNOWN.has(last.errorType ?? '');
    sales.push({
      purchaseId,
      shortRef: shortReference(purchaseId),
      terminalId: first.terminalId,
      operatorId: first.operatorId,
      tenderType: first.tenderType,
      meterId: first.meterId,
      amountCents: first.amount ?? 0,
      at: first.startedAt,
      state: reversed ? 'reversed' : soldBy ? 'sold' : failed ? 'failed' : 'pending',
      late: soldBy?.type === 'RETRY',
      tokens: soldBy ? soldBy.references.filter((r) => TOKEN.test(r)) : [],
    });
  }
  return sales.sort((a, b) => b.at.localeCompare(a.at));
}
