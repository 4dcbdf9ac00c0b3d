/**
 * The cash drawer on the printer's drawer port: it opens when a cash sale succeeds at the counter —
 * once per sale, recorded before the kick is sent — and only then (a card sale, a failed sale or one
 * that succeeds later in the background never opens it); a manager opens it for change ("no sale")
 * saying why, and every such opening is kept for the end-of-day report.
 */
import type { DrawerPulse } from '../../printer';
import { newId } from '../../switch-core/protocol';
import type { Handlers, TillContext } from './backend-context';
import type { SaleRow } from './store/repository';

export interface CashDrawer {
  /** Called once a sale reaches succeeded. */
  saleSucceeded(row: SaleRow): void;
  handlers: Handlers<'openDrawer'>;
}

/** The drawer settings as the kick's pulse (off time twice the on time, as drawer makers advise). */
export function pulseOf(d: { pin: 2 | 5; pulseMs: number }): DrawerPulse {
  return { pin: d.pin, onMs: d.pulseMs, offMs: d.pulseMs * 2 };
}

export function createCashDrawer(ctx: TillContext): CashDrawer {
  const { store, printer, nowIso } = ctx;

  async function kick(id: string): Promise<{ opened: boolean; message: string | null }> {
    const r = await printer.kickDrawer(pulseOf(ctx.settings().printer.drawer));
    store.markDrawerOpen(id, r.opened, r.message);
    return r;
  }

  return {
    saleSucceeded(row) {
      const d = ctx.settings().printer.drawer;
      if (row.tenderType !== 'CASH' || row.late || !d.kickOnCash) return;
      const id = newId();
      if (!store.addDrawerOpen({ id, at: nowIso(), operatorId: row.operatorId, saleId: row.id, reason: null })) return;
      void kick(id);
    },
    handlers: {
      async openDrawer({ reason }, op) {
        const id = newId();
        store.addDrawerOpen({ id, at: nowIso(), operatorId: op.id, saleId: null, reason });
        return kick(id);
      },
    },
  };
}
