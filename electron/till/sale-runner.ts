/**
 * Sends a sale: one send of its purchase id at a time — first as a purchase, later as a retry of
 * the same request — with the attempt counted on disk before the bytes leave, and the switch's
 * answer (token, failure or no answer) applied to the sale.
 */
import type { PpuResult, PurchaseRequest, PurchaseResponse } from '../../switch-core/protocol';
import { isOpenSaleState } from '../api/contract';
import type { TillContext } from './backend-context';
import { ppuErrorWords } from './ppu-error-words';
import type { SaleChanges } from './sale-changes';
import type { ApplySale } from './sale-transitions';
import type { SwitchLink } from './switch-link';

export interface SaleRunner {
  /** Sends the sale once (or joins the send in flight). */
  attempt(saleId: string): Promise<void>;
  busy(saleId: string): boolean;
  /** Resolves when every send in flight now has settled. */
  settled(): Promise<void>;
  inflightCount(): number;
}

export function createSaleRunner(ctx: TillContext, link: SwitchLink, apply: ApplySale, changes: SaleChanges): SaleRunner {
  const inflight = new Map<string, Promise<void>>();

  async function send(saleId: string): Promise<void> {
    let row = ctx.store.getSale(saleId);
    if (!row || !isOpenSaleState(row.state)) return;
    const first = row.attempts === 0;
    row = apply(saleId, { type: 'send' }).row; // attempt counted on disk before the bytes leave
    const req = JSON.parse(row.requestJson) as PurchaseRequest;
    let res: PpuResult<PurchaseResponse>;
    try {
      res = first ? await link.ppu().purchase(req) : await link.ppu().retryPurchase(req);
    } catch (err) {
      res = { outcome: 'unknown', status: null, reason: err instanceof Error ? err.message : String(err), error: null, ms: 0 };
    }
    if (ctx.closed()) return;
    if (res.outcome === 'successful') {
      const b = res.body;
      apply(saleId, { type: 'answer', outcome: 'successful' }, {
        responseJson: JSON.stringify(b),
        utilityName: b.utility.name,
        customerName: [b.customer?.firstName, b.customer?.lastName].filter(Boolean).join(' ') || row.customerName,
        provider: b.receiver?.name ?? b.settlementEntity?.name ?? b.utility.clientId ?? null,
        tokenText: b.tokens.map((t) => t.token.replace(/\s+/g, '')).join(' '),
      });
    } else if (res.outcome === 'failed') {
      // A retry the switch has no record of means the first send never arrived: nothing was charged.
      apply(saleId, { type: 'answer', outcome: 'failed', error: res.error?.errorType ?? `HTTP ${res.status}` }, { failureMessage: ppuErrorWords(res.error, res.status) + ' Nothing was charged.', failureType: res.error?.errorType ?? null });
    } else {
      apply(saleId, { type: 'answer', outcome: 'unknown', error: res.error?.errorType ?? res.reason });
    }
  }

  function attempt(saleId: string): Promise<void> {
    const running = inflight.get(saleId);
    if (running) return running;
    const p = send(saleId)
      .catch(() => undefined)
      .finally(() => {
        inflight.delete(saleId);
        changes.notify(saleId);
      });
    inflight.set(saleId, p);
    return p;
  }

  return {
    attempt,
    busy: (id) => inflight.has(id),
    settled: async () => {
      await Promise.all(inflight.values());
    },
    inflightCount: () => inflight.size,
  };
}
