/**
 * A sale's slips: the slip a sale is owed (sale or pending) printed as a durable job keyed per sale
 * and kind, so after a crash the stored job is found and never printed twice; a slip that printed
 * late (printer back) marks its sale printed.
 */
import type { SlipContext, SlipPayment } from '../../printer';
import type { TillContext } from './backend-context';
import type { SaleChanges } from './sale-changes';
import type { SaleRow } from './store/repository';
import { responseOf } from './sale-views';

export type SlipKind = 'sale' | 'pending';

export interface SaleSlips {
  /** Prints the slip a sale is owed now (the sale as just read or written); records printed / the print error on the sale. */
  printFor(row: SaleRow, kind: SlipKind): Promise<void>;
  /** Jobs printed later (printer back): their sales say so now. */
  markPrinted(keys: string[]): void;
  isPrinting(saleId: string): boolean;
  printingCount(): number;
}

export const slipKey = (saleId: string, kind: SlipKind) => `sale:${saleId}:${kind}`;
/** The slip a sale owed one (TillStore.slipsOwed) is owed: its pending slip while it is pending, else its sale slip. */
export const owedSlipKind = (row: SaleRow): SlipKind => (row.state === 'pending' ? 'pending' : 'sale');
/** The sale and kind a slip key names; null for any other job (a report, a test page). */
export function slipOfKey(key: string | null): { saleId: string; kind: SlipKind } | null {
  const m = key ? /^sale:(.+):(sale|pending)$/.exec(key) : null;
  return m ? { saleId: m[1] as string, kind: m[2] as SlipKind } : null;
}

/** The till as slips name it: its terminal id, and its name when it has one ("T4K9P2QX Till 2"). */
export const tillLabel = (s: { terminalId: string; terminalName: string }): string => (s.terminalName ? `${s.terminalId} ${s.terminalName}` : s.terminalId);

/** A pending slip carries no token: its footer says what the slip is for instead. */
const PENDING_FOOTER = ['Keep this slip: bring it back for your token, or for a refund.'];

/** The merchant lines every slip and report carries, in the till's time zone. */
export function slipContext(ctx: TillContext, operatorName?: string): SlipContext {
  const s = ctx.settings();
  return {
    merchantName: s.merchantName,
    address: [s.merchantCity].filter(Boolean),
    terminalId: tillLabel(s),
    operator: operatorName,
    footer: ['Keep this slip until the token is loaded.'],
    timeZone: ctx.zone(),
  };
}

/** How the customer paid for a sale, as its slip shows it (cash received and change when the cashier typed it; a card's approval code). */
export function paymentOf(row: SaleRow): SlipPayment {
  return {
    tender: row.tenderType as SlipPayment['tender'],
    paidCents: row.amountCents,
    ...(row.cashReceivedCents !== null ? { receivedCents: row.cashReceivedCents } : {}),
    ...(row.maskedCard ? { maskedCard: row.maskedCard } : {}),
    ...(row.cardApproval ? { approvalCode: row.cardApproval } : {}),
  };
}

/** A sale's slip context: the till's, its cashier, how it was paid. */
export function saleSlipContext(ctx: TillContext, row: SaleRow): SlipContext {
  return { ...slipContext(ctx, ctx.store.getOperator(row.operatorId)?.name), payment: paymentOf(row) };
}

/** The pending slip's facts for a sale: dated when the sale was made (a reprint keeps that date). */
export function pendingInfoOf(row: SaleRow) {
  return { purchaseId: row.id, meterId: row.meterId, amountCents: row.amountCents, utilityName: row.utilityName ?? undefined, at: new Date(row.createdAt) };
}

export function createSaleSlips(ctx: TillContext, changes: SaleChanges): SaleSlips {
  const { store, printer, nowIso } = ctx;
  const printing = new Set<string>();

  function markPrinted(keys: string[]): void {
    for (const key of keys) {
      const slip = slipOfKey(key);
      const row = slip ? store.getSale(slip.saleId) : undefined;
      // Only the slip the sale is owed: a pending slip printing late does not stand for the sale's own.
      if (!slip || !row || row.slipPrinted || (row.slipKind !== null && row.slipKind !== slip.kind)) continue;
      store.noteSlip(row.id, { slipPrinted: true, slipKind: slip.kind, printError: null, updatedAt: nowIso() });
      changes.notify(row.id);
    }
  }

  async function printFor(row: SaleRow, kind: SlipKind): Promise<void> {
    const saleId = row.id;
    if (printing.has(saleId) || ctx.closed()) return;
    printing.add(saleId);
    try {
      const resp = responseOf(row);
      const key = slipKey(saleId, kind);
      const res =
        kind === 'sale' && resp
          ? await printer.printSale(resp, saleSlipContext(ctx, row), { key })
          : await printer.printPending(pendingInfoOf(row), { ...saleSlipContext(ctx, row), footer: PENDING_FOOTER }, key);
      if (ctx.closed()) return;
      store.noteSlip(saleId, { slipPrinted: res.printed, slipKind: kind, printError: res.message, updatedAt: nowIso() });
      changes.notify(saleId);
    } finally {
      printing.delete(saleId);
    }
  }

  return { printFor, markPrinted, isPrinting: (id) => printing.has(id), printingCount: () => printing.size };
}
