/**
 * What the screens see of a stored sale: the full SaleView (tokens, charges, progress words, slip
 * and advice status), the one-line summary for lists, and queue items for the pending/advice queue.
 */
import { commodityOf, inclusiveCents } from '../../common/tax-invoice';
import type { PurchaseAnswer } from '../../switch-core/protocol';
import type { ChargeView, QueueItem, SaleState, SaleSummary, SaleView, TenderKind, TokenView } from '../api/contract';
import type { TillContext } from './backend-context';
import { refundSourceOf } from './refund-payouts';
import { groupToken } from './sale-machine';
import type { AdviceRow, SaleRow } from './store/repository';

/** What the payment paid before units: debt recovered (with what is left) and service/access charges. */
export function chargesOf(resp: PurchaseAnswer | null): ChargeView[] {
  return [
    ...(resp?.debtRecoveryCharges ?? []).map((d) => ({ kind: 'debt' as const, description: d.description ?? 'Debt recovery', amountCents: inclusiveCents(d.amount), balanceCents: d.balance?.amount ?? null })),
    ...(resp?.serviceCharges ?? []).map((s) => ({ kind: 'service' as const, description: s.description ?? 'Service charge', amountCents: inclusiveCents(s.amount), balanceCents: null })),
  ];
}

export interface SaleViews {
  saleView(row: SaleRow): SaleView;
  /** The version saleView(row) would carry, without building the view (a long poll's check). */
  versionOf(row: SaleRow): number;
  summary(row: SaleRow): SaleSummary;
  adviceItem(a: AdviceRow): QueueItem;
  purchaseItem(r: SaleRow): QueueItem;
}

export function responseOf(row: SaleRow): PurchaseAnswer | null {
  return row.responseJson ? (JSON.parse(row.responseJson) as PurchaseAnswer) : null;
}

/** The token the customer loads for credit (the standard one; a key-change sale's first tokens are not it), grouped. */
function creditToken(row: SaleRow): string | null {
  const tokens = tokensOf(responseOf(row));
  return (tokens.find((t) => t.type === 'STD') ?? tokens[0])?.grouped ?? null;
}

export function tokensOf(resp: PurchaseAnswer | null): TokenView[] {
  return (resp?.tokens ?? []).map((t) => ({
    type: t.tokenType ?? null,
    token: t.token.replace(/\s+/g, ''),
    grouped: groupToken(t.token),
    units: t.units ?? null,
    unit: commodityOf(resp?.utilityType).unit,
    amountCents: inclusiveCents(t.amount),
    receiptNum: t.receiptNum ?? null,
  }));
}

/**
 * A view's version: the row's, and one step more once no send is in flight. A send ending changes
 * what the cashier sees ("Trying again…" → "Attempt 2 of 4 in 3 s") without writing the row; when
 * only the row's version counted, a long poll that started after that moment slept through the whole
 * countdown (CI and a loaded machine showed "Trying again" for 10 s). Every send starts by writing
 * the row — a new sale's first send with the row itself, in the same turn — so the number only
 * grows: send 2v, answer 2v+2, send ended 2v+3, next send 2v+4.
 */
export const viewVersion = (rowVersion: number, sending: boolean): number => rowVersion * 2 + (sending ? 0 : 1);

/**
 * `busy(saleId)`: a send of this sale is in flight now. `overlay(row)`: the row with any answer
 * not yet written laid over it (disk full), and whether what is shown is saved.
 */
export function createSaleViews({ store, clock, settings }: TillContext, busy: (saleId: string) => boolean, overlay: (row: SaleRow) => { row: SaleRow; saved: boolean }): SaleViews {
  const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

  function versionOf(stored: SaleRow): number {
    return viewVersion(overlay(stored).row.version, busy(stored.id));
  }

  function saleView(stored: SaleRow): SaleView {
    const { row, saved } = overlay(stored);
    const resp = responseOf(row);
    const advices = store.advicesForSale(row.id);
    const adv = advices[advices.length - 1];
    const now = clock();
    const stage =
      row.state === 'purchasing'
        ? 'purchasing'
        : row.state === 'retrying' || row.state === 'pending'
          ? busy(row.id)
            ? 'retrying'
            : 'waiting-retry'
          : row.state === 'succeeded' && !row.slipPrinted && !row.printError
            ? 'printing'
            : 'done';
    return {
      saleId: row.id,
      version: viewVersion(row.version, busy(row.id)),
      state: row.state as SaleState,
      late: row.late,
      recovered: row.recoveredAt !== null,
      meterId: row.meterId,
      amountCents: row.amountCents,
      currency: row.currency,
      tender: { type: row.tenderType as TenderKind, ...(row.maskedCard ? { maskedCard: row.maskedCard } : {}), ...(row.cardApproval ? { approvalCode: row.cardApproval } : {}), ...(row.cashReceivedCents !== null ? { cashReceivedCents: row.cashReceivedCents } : {}) },
      operatorId: row.operatorId,
      customerName: row.customerName,
      utilityName: row.utilityName,
      tokens: tokensOf(resp),
      charges: chargesOf(resp),
      failure: row.state === 'failed' ? { message: row.failureMessage ?? 'The sale failed. Nothing was charged.', ppuErrorType: row.failureType } : null,
      attempts: row.attempts,
      lastError: row.lastError,
      progress: {
        stage,
        attempt: row.attempts,
        attemptsWhileWaiting: 1 + settings().timeouts.foregroundRetries,
        nextAttemptAt: row.nextAttemptAt !== null && row.nextAttemptAt > now ? new Date(row.nextAttemptAt).toISOString() : null,
        message:
          stage === 'purchasing' ? 'Buying the token…' : stage === 'retrying' ? `Retrying (attempt ${row.attempts})…` : stage === 'waiting-retry' ? `No answer yet — retrying automatically (attempt ${row.attempts + 1} next)…` : stage === 'printing' ? 'Printing slip…' : row.state === 'succeeded' ? (row.slipPrinted ? 'Slip printed' : row.printError ? 'Slip not printed' : 'Printing slip…') : '',
      },
      slip: { printed: row.slipPrinted, kind: (row.slipKind as 'sale' | 'pending' | null) ?? null, printError: row.printError, reprintCount: store.reprintCount(row.id) },
      advice: adv ? { kind: adv.kind, delivered: adv.status === 'delivered', attempts: adv.attempts } : null,
      cancelled: row.cancelledBy ? { by: row.cancelledBy, at: row.cancelledAt ?? row.updatedAt } : null,
      refundFrom: refundSourceOf(store, row),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      saved,
    };
  }

  function summary(row: SaleRow): SaleSummary {
    return {
      saleId: row.id,
      state: row.state as SaleState,
      late: row.late,
      meterId: row.meterId,
      amountCents: row.amountCents,
      tender: row.tenderType as TenderKind,
      operatorId: row.operatorId,
      utilityName: row.utilityName,
      provider: row.provider,
      token: creditToken(row),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      reprintCount: store.reprintCount(row.id),
    };
  }

  function adviceItem(a: AdviceRow): QueueItem {
    const sale = store.getSale(a.saleId);
    return {
      id: a.id,
      kind: a.kind,
      saleId: a.saleId,
      meterId: sale?.meterId ?? '',
      amountCents: sale?.amountCents ?? 0,
      createdAt: a.createdAt,
      ageMs: clock() - Date.parse(a.createdAt),
      attempts: a.attempts,
      lastError: a.lastError,
      nextAttemptAt: iso(a.nextAttemptAt),
      status: a.status,
    };
  }

  function purchaseItem(r: SaleRow): QueueItem {
    return {
      id: r.id,
      kind: 'purchase',
      saleId: r.id,
      meterId: r.meterId,
      amountCents: r.amountCents,
      createdAt: r.createdAt,
      ageMs: clock() - Date.parse(r.createdAt),
      attempts: r.attempts,
      lastError: r.lastError,
      nextAttemptAt: iso(r.nextAttemptAt),
      status: r.state === 'succeeded' ? 'delivered' : r.state === 'failed' ? 'failed' : 'queued',
    };
  }

  return { saleView, versionOf, summary, adviceItem, purchaseItem };
}
