/**
 * Sends a sale: one send of its purchase id at a time — first as a purchase, later as a retry of
 * the same request (also at the next listed switch when the first gave no answer) — with the attempt
 * counted on disk before the bytes leave, and the switch's answer (token, failure or no answer)
 * applied to the sale. Answers to sales that were open when the till started are late (sale-machine).
 */
import type { PpuResult, PurchaseRequest, PurchaseAnswer } from '../../switch-core/protocol';
import { isOpenSaleState } from '../api/contract';
import type { TillContext } from './backend-context';
import type { BackgroundErrors } from './background-errors';
import { isStorageFull } from './disk-space';
import { ppuErrorWords } from './ppu-error-words';
import type { SaleChanges } from './sale-changes';
import type { SaleEvent } from './sale-machine';
import type { ApplySale } from './sale-transitions';
import type { SaleRow } from './store/repository';
import type { SwitchLink } from './switch-link';
import type { UnsavedAnswers } from './unsaved-answers';

export interface SaleRunner {
  /** Sends the sale once (or joins the send in flight). */
  attempt(saleId: string): Promise<void>;
  /**
   * The first send of a sale just stored with that send counted in its row (`purchase` writes the
   * row and its first attempt in one flush, not two): it goes out as a purchase, with no write before.
   */
  sendNew(stored: SaleRow): Promise<void>;
  busy(saleId: string): boolean;
  /** Resolves when every send in flight now has settled. */
  settled(): Promise<void>;
  inflightCount(): number;
}

/** What a successful answer writes on its sale: the answer itself and what the screens and searches read from it. */
export function answerFields(b: PurchaseAnswer, customerName: string | null): Pick<SaleRow, 'responseJson' | 'utilityName' | 'customerName' | 'provider' | 'tokenText'> {
  return {
    responseJson: JSON.stringify(b),
    utilityName: b.utility?.name ?? null,
    customerName: [b.customer?.firstName, b.customer?.lastName].filter(Boolean).join(' ') || customerName,
    provider: b.receiver?.name ?? b.settlementEntity?.name ?? b.utility?.clientId ?? null,
    tokenText: b.tokens.map((t) => t.token.replace(/\s+/g, '')).join(' '),
  };
}

export function createSaleRunner(ctx: TillContext, link: SwitchLink, apply: ApplySale, changes: SaleChanges, unsaved: UnsavedAnswers, errors: BackgroundErrors): SaleRunner {
  const inflight = new Map<string, Promise<void>>();
  // Sales still waiting for their answer when this till started (a restart, a crash): the cashier who
  // waited on them has moved on, so their answers come late — the drawer opens for none of them.
  const resumed = new Set(ctx.store.openSales().filter((r) => r.state !== 'pending').map((r) => r.id));

  async function send(saleId: string, stored?: SaleRow): Promise<void> {
    let row = stored ?? ctx.store.getSale(saleId);
    // A sale whose answer waits in memory for disk space is not sent again.
    if (!row || !isOpenSaleState(row.state) || unsaved.has(saleId)) return;
    const first = stored !== undefined || row.attempts === 0;
    if (!stored) row = apply(saleId, { type: 'send' }).row; // attempt counted on disk before the bytes leave
    const req = JSON.parse(row.requestJson) as PurchaseRequest;
    let res: PpuResult<PurchaseAnswer>;
    try {
      // A switch after one that may have received the purchase gets its /retry: never a second sale.
      res = await link.exchange((c) => (first ? c.purchase(req) : c.retryPurchase(req)), (c) => c.retryPurchase(req));
    } catch (err) {
      res = { outcome: 'unknown', status: null, reason: err instanceof Error ? err.message : String(err), error: null, ms: 0 };
    }
    if (ctx.closed()) return;
    /** The answer is written; when the disk is full it is kept in memory (the cashier still sees it). */
    const record = (event: SaleEvent, extra: Partial<SaleRow> = {}) => {
      try {
        apply(saleId, event, extra);
      } catch (err) {
        if (!isStorageFull(err) || event.type !== 'answer' || event.outcome === 'unknown') throw err;
        unsaved.keep(saleId, event, extra);
        errors.report('recording a sale answer', new Error(`the answer to sale ${saleId} could not be written (${(err as Error).message}); it is kept in memory until space returns`));
      }
    };
    if (res.outcome === 'successful') {
      const b = res.body;
      record({ type: 'answer', outcome: 'successful', late: resumed.has(saleId) }, answerFields(b, row.customerName));
    } else if (res.outcome === 'failed') {
      // A retry the switch has no record of means the first send never arrived: nothing was charged.
      record({ type: 'answer', outcome: 'failed', error: res.error?.errorType ?? `HTTP ${res.status}` }, { failureMessage: ppuErrorWords(res.error, res.status) + ' Nothing was charged.', failureType: res.error?.errorType ?? null });
    } else {
      record({ type: 'answer', outcome: 'unknown', error: res.error?.errorType ?? res.reason, late: resumed.has(saleId) });
    }
  }

  function attempt(saleId: string, stored?: SaleRow): Promise<void> {
    const running = inflight.get(saleId);
    if (running) return running;
    const p = errors
      .guard(`sending sale ${saleId}`, () => send(saleId, stored))
      .finally(() => {
        inflight.delete(saleId);
        changes.notify(saleId);
      });
    inflight.set(saleId, p);
    return p;
  }

  return {
    attempt: (saleId) => attempt(saleId),
    sendNew: (stored) => attempt(stored.id, stored),
    busy: (id) => inflight.has(id),
    settled: async () => {
      await Promise.all(inflight.values());
    },
    inflightCount: () => inflight.size,
  };
}
