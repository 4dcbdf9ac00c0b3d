/**
 * The cash drawer on the printer's drawer port: it opens for every cash sale the cashier takes money
 * for — when it succeeds at the counter or is left pending (the cash stays in the till) — once per
 * sale, recorded before the kick is sent; it opens again, under the approving manager's id, when a
 * cancelled cash sale still waiting for its answer (pending or retrying) is refunded from a drawer
 * (not when the safe pays it: refund-payouts.ts). A card sale, a failed sale, a pending sale that
 * succeeds later, and a sale the till finds still open when it starts (a restart, a crash) and
 * completes or leaves pending in the background never open it: the cashier has moved on. A manager
 * opens it for change ("no sale") saying why; every opening is kept for the end-of-day report.
 */
import type { DrawerPulse } from '../../printer';
import { newId } from '../../switch-core/protocol';
import type { Handlers, TillContext } from './backend-context';
import { isCashRefund } from './refund-payouts';
import type { OnSaleChanged } from './sale-transitions';
import type { DrawerOpenKind, SaleRow } from './store/repository';

export interface CashDrawer {
  /**
   * Called inside the transaction of every change of a sale's state (`before` is the row as it was):
   * records the opening the change owes there; answers the kick, to send once that is committed.
   */
  saleChanged: OnSaleChanged;
  handlers: Handlers<'openDrawer'>;
}

/** The drawer settings as the kick's pulse (off time twice the on time, as drawer makers advise). */
export function pulseOf(d: { pin: 2 | 5; pulseMs: number }): DrawerPulse {
  return { pin: d.pin, onMs: d.pulseMs, offMs: d.pulseMs * 2 };
}

/** Why a change of a cash sale opens the drawer, if it does: money taken (sold or left pending), or money refunded. */
export function drawerKindFor(before: SaleRow, after: SaleRow): Exclude<DrawerOpenKind, 'no-sale'> | null {
  if (after.tenderType !== 'CASH' || after.state === before.state) return null;
  // A late sale completes (or is left pending by itself) with nobody at the counter: the cash was taken at tender.
  if ((after.state === 'succeeded' || after.state === 'pending') && !after.late) return 'sale';
  if (isCashRefund(before, after)) return 'refund';
  return null;
}

export function createCashDrawer(ctx: TillContext): CashDrawer {
  const { store, printer, nowIso } = ctx;

  async function kick(id: string): Promise<{ opened: boolean; message: string | null }> {
    const r = await printer.kickDrawer(pulseOf(ctx.settings().printer.drawer));
    store.markDrawerOpen(id, r.opened, r.message);
    return r;
  }

  return {
    saleChanged(before, after) {
      const kind = drawerKindFor(before, after);
      if (!kind || !ctx.settings().printer.drawer.kickOnCash) return null;
      const id = newId();
      // A refund opens it for the manager who approved the cancel; a sale for its cashier.
      const operatorId = kind === 'refund' ? (after.cancelledBy ?? after.operatorId) : after.operatorId;
      if (!store.addDrawerOpen({ id, at: nowIso(), operatorId, saleId: after.id, kind, reason: kind === 'refund' ? 'refund of a cancelled pending sale' : null })) return null;
      return () => void kick(id);
    },
    handlers: {
      async openDrawer({ reason }, op) {
        const id = newId();
        store.addDrawerOpen({ id, at: nowIso(), operatorId: op.id, saleId: null, kind: 'no-sale', reason });
        return kick(id);
      },
    },
  };
}
