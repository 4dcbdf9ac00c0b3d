/**
 * Takes back sales the till lost (a restored backup, a write-ahead log that was damaged): once per
 * start, it lists the switch's purchases and retries of the last RECOVER_DAYS days through the
 * switch's admin API; of those this till sent (its terminal and client id in the request):
 * - a completed one the till has no record of is written back as a succeeded sale, marked recovered,
 *   with the switch's own answer (tokens, utility) and the tender the till sent (a card's masked
 *   number and approval code, so its reprint shows them); nothing is sent again and no slip is printed (the
 *   customer had both); the manager finds the sale in the transaction list;
 * - a completed one the till still holds open (its later writes lost) takes the switch's answer as its
 *   own, marked recovered, as a late answer — the customer is gone: its slip prints, no drawer opens;
 * - one still open at the switch (in flight when the till lost it) is written back as a pending sale,
 *   marked recovered, which the till's retries complete with the same id — never sold twice.
 */
import type { PurchaseAnswer, PurchaseRequest } from '../../switch-core/protocol';
import type { TillContext } from './backend-context';
import { switchAdmin } from './console-proxy';
import { isOpenSaleState } from '../api/contract';
import { CARD_APPROVAL_CODE, MASKED_CARD } from '../api/masked-card';
import { answerFields } from './sale-runner';
import type { ApplySale } from './sale-transitions';
import type { SwitchLink } from './switch-link';

export const RECOVER_DAYS = 3;

interface TxSummary {
  id: string;
  purchaseId: string | null;
}
interface TxDetail {
  transaction: { request: PurchaseRequest | null; responseBody: PurchaseAnswer | null; startedAt?: string };
}

/**
 * A card tender's masked number and the card terminal's approval code as the till sent them (the
 * approval code goes as the tender's reference), so the recovered sale's reprint shows both.
 */
function cardOf(tender: NonNullable<PurchaseRequest['tenders']>[number] | undefined): { maskedCard: string | null; cardApproval: string | null } {
  const card = tender !== undefined && tender.tenderType !== 'CASH';
  const masked = card && typeof tender.cardNumber === 'string' && MASKED_CARD.test(tender.cardNumber) ? tender.cardNumber : null;
  const approval = card && typeof tender.reference === 'string' && CARD_APPROVAL_CODE.test(tender.reference) ? tender.reference : null;
  return { maskedCard: masked, cardApproval: approval };
}

/** Answers the ids of the sales taken back. */
export async function recoverLostSales(ctx: TillContext, link: SwitchLink, apply: ApplySale): Promise<string[]> {
  const { store, settings, clock, nowIso } = ctx;
  if (!link.target().root) return [];
  const admin = switchAdmin(link);
  const from = new Date(clock() - RECOVER_DAYS * 86_400_000).toISOString();
  const recovered: string[] = [];
  for (const [type, status] of [['PURCHASE', 'SUCCESSFUL'], ['RETRY', 'SUCCESSFUL'], ['PURCHASE', 'UNKNOWN']] as const) {
    const { transactions } = await admin<{ transactions: TxSummary[] }>('GET', `/transactions?type=${type}&status=${status}&from=${encodeURIComponent(from)}&limit=1000`);
    for (const tx of transactions) {
      const saleId = type === 'RETRY' ? (tx.purchaseId ?? tx.id) : tx.id;
      const held = store.getSale(saleId);
      // A sale the till holds open is taken back only from a completed answer; one it holds final is its own.
      if ((held && (status !== 'SUCCESSFUL' || !isOpenSaleState(held.state))) || recovered.includes(saleId)) continue;
      const { transaction } = await admin<TxDetail>('GET', `/transactions/${encodeURIComponent(tx.id)}`);
      const req = transaction.request;
      const answer = transaction.responseBody;
      const s = settings();
      // Only this till's own sales: another till on the same switch keeps its own.
      if (!req || req.originator?.terminalId !== s.terminalId || req.client?.id !== s.clientId) continue;
      const now = nowIso();
      if (held) {
        // Open when the till lost its later writes: the switch's answer completes it, sold once.
        if (!answer || !Array.isArray(answer.tokens)) continue;
        // Late: the customer left long ago, so no drawer opens for it; its slip prints for when they come back.
        apply(saleId, { type: 'answer', outcome: 'successful', late: true }, { ...answerFields(answer, held.customerName), recoveredAt: now });
      } else {
        const completed = status === 'SUCCESSFUL' && answer !== null && Array.isArray(answer.tokens);
        if (status === 'SUCCESSFUL' && !completed) continue;
        const tender = req.tenders?.[0];
        store.insertSale({
          id: saleId, version: 1, late: false, meterId: req.meter.meterId ?? '', amountCents: req.purchaseAmount.amount, currency: req.purchaseAmount.currency,
          tenderType: tender?.tenderType ?? 'CASH', ...cardOf(tender), cashReceivedCents: null, operatorId: req.originator.operatorId ?? 'unknown', shiftId: null, lookupRef: null,
          requestJson: JSON.stringify(req), failureMessage: null, failureType: null, attempts: 1, lastError: null, nextAttemptAt: null,
          ...(completed
            ? // The customer left with the slip: a recovered sale owes none.
              { state: 'succeeded', ...answerFields(answer, null), slipPrinted: true, slipKind: 'sale' }
            : // Open at the switch when the till lost it: pending, so the till retries it (the same id: never sold twice) and prints its slip when it completes.
              { state: 'pending', responseJson: null, utilityName: null, customerName: null, provider: null, tokenText: null, slipPrinted: false, slipKind: null }),
          printError: null, cancelledBy: null, cancelledAt: null, approvedBy: null, approvedOver: null,
          recoveredAt: now, createdAt: req.time ?? transaction.startedAt ?? now, updatedAt: now,
        });
      }
      recovered.push(saleId);
    }
  }
  return recovered;
}
