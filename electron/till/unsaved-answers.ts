/**
 * Answers the switch gave that the till could not write (disk full): kept in memory so the cashier
 * still sees the token, shown on the sale as not saved, and written the moment space returns (each
 * worker tick tries again, oldest first). A crash before that loses only the memory copy: the sale
 * is still open on disk, so the till retries the same purchase id and the switch answers the same token.
 */
import type { TillContext } from './backend-context';
import { isStorageFull } from './disk-space';
import type { SaleEvent } from './sale-machine';
import { planSale, type ApplySale } from './sale-transitions';
import type { SaleRow } from './store/repository';

export interface UnsavedAnswers {
  /** Keeps an answer whose write failed. */
  keep(saleId: string, event: SaleEvent, extra: Partial<SaleRow>): void;
  /** The row as the screens should see it: the kept answer laid over the stored row. */
  overlay(row: SaleRow): { row: SaleRow; saved: boolean };
  /** Writes what it can; stops at the first write that still fails. */
  flush(): void;
  has(saleId: string): boolean;
  count(): number;
}

export function createUnsavedAnswers(ctx: TillContext, apply: ApplySale): UnsavedAnswers {
  const kept = new Map<string, { event: SaleEvent; extra: Partial<SaleRow> }>();
  return {
    keep(saleId, event, extra) {
      kept.set(saleId, { event, extra });
    },
    overlay(row) {
      const k = kept.get(row.id);
      if (!k) return { row, saved: true };
      const plan = planSale(ctx, row, k.event, k.extra);
      return { row: plan ? { ...row, ...plan.patch, version: row.version + 1 } : row, saved: false };
    },
    flush() {
      for (const [saleId, k] of [...kept]) {
        try {
          apply(saleId, k.event, k.extra);
        } catch (err) {
          if (isStorageFull(err)) return; // still no space: keep it, try at the next tick
          kept.delete(saleId); // the sale refuses it now: reported, not retried for ever
          throw err;
        }
        kept.delete(saleId);
      }
    },
    has: (saleId) => kept.has(saleId),
    count: () => kept.size,
  };
}
