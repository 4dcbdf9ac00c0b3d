/**
 * Takes back completed sales the till lost (a restored backup, a write-ahead log that was damaged):
 * once per start, it lists the switch's successful purchases and retries of the last RECOVER_DAYS
 * days through the switch's admin API, and every one this till sent (its terminal and client id in
 * the request) that the till has no record of is written back as a succeeded sale, marked recovered,
 * with the switch's own answer (tokens, utility). Nothing is sent again and no slip is printed: the
 * customer had both; the manager finds the sale in the transaction list.
 */
import type { PurchaseAnswer, PurchaseRequest } from '../../switch-core/protocol';
import type { TillContext } from './backend-context';
import { switchAdmin } from './console-proxy';
import { answerFields } from './sale-runner';
import type { SwitchLink } from './switch-link';

export const RECOVER_DAYS = 3;

interface TxSummary {
  id: string;
  purchaseId: string | null;
}
interface TxDetail {
  transaction: { request: PurchaseRequest | null; responseBody: PurchaseAnswer | null; startedAt?: string };
}

/** Answers the ids of the sales taken back. */
export async function recoverLostSales(ctx: TillContext, link: SwitchLink): Promise<string[]> {
  const { store, settings, clock, nowIso } = ctx;
  if (!link.target().root) return [];
  const admin = switchAdmin(link);
  const from = new Date(clock() - RECOVER_DAYS * 86_400_000).toISOString();
  const recovered: string[] = [];
  for (const type of ['PURCHASE', 'RETRY'] as const) {
    const { transactions } = await admin<{ transactions: TxSummary[] }>('GET', `/transactions?type=${type}&status=SUCCESSFUL&from=${encodeURIComponent(from)}&limit=1000`);
    for (const tx of transactions) {
      const saleId = type === 'RETRY' ? (tx.purchaseId ?? tx.id) : tx.id;
      if (store.getSale(saleId) || recovered.includes(saleId)) continue;
      const { transaction } = await admin<TxDetail>('GET', `/transactions/${encodeURIComponent(tx.id)}`);
      const req = transaction.request;
      const answer = transaction.responseBody;
      const s = settings();
      // Only this till's own sales: another till on the same switch keeps its own.
      if (!req || !answer || !Array.isArray(answer.tokens) || req.originator?.terminalId !== s.terminalId || req.client?.id !== s.clientId) continue;
      const tender = req.tenders?.[0];
      const now = nowIso();
      store.insertSale({
        id: saleId, version: 1, state: 'succeeded', late: false, meterId: req.meter.meterId ?? '', amountCents: req.purchaseAmount.amount, currency: req.purchaseAmount.currency,
        tenderType: tender?.tenderType ?? 'CASH', maskedCard: tender?.cardNumber ?? null, cardApproval: null, cashReceivedCents: null, operatorId: req.originator.operatorId ?? 'unknown', shiftId: null, lookupRef: null,
        requestJson: JSON.stringify(req), ...answerFields(answer, null), failureMessage: null, failureType: null, attempts: 1, lastError: null, nextAttemptAt: null,
        // The customer left with the slip: a recovered sale owes none.
        slipPrinted: true, slipKind: 'sale', printError: null, cancelledBy: null, cancelledAt: null, approvedBy: null, approvedOver: null,
        recoveredAt: now, createdAt: req.time ?? transaction.startedAt ?? now, updatedAt: now,
      });
      recovered.push(saleId);
    }
  }
  return recovered;
}
