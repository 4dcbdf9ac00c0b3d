/**
 * The queue screen: open purchases and the advice outbox with age, attempts and last error, and a
 * manager's "retry now" on one item.
 */
import type { QueueItem } from '../api/contract';
import type { Handlers, TillContext } from './backend-context';
import type { AdviceDelivery } from './advice-delivery';
import type { SaleRunner } from './sale-runner';
import { needSale, type ApplySale } from './sale-transitions';
import type { SaleViews } from './sale-views';

export function queueHandlers(ctx: TillContext, views: SaleViews, apply: ApplySale, runner: SaleRunner, advices: AdviceDelivery): Handlers<'listQueue' | 'retryQueueItem'> {
  const { store } = ctx;
  return {
    listQueue: ({ includeDelivered }): QueueItem[] => [...store.openSales().map(views.purchaseItem), ...store.listAdvices(includeDelivered ?? false).map(views.adviceItem)],
    async retryQueueItem({ id }) {
      const advice = store.getAdvice(id);
      if (advice) {
        if (advice.status === 'queued' && store.headAdvice()?.id === id) await advices.deliverHead(true);
        return views.adviceItem(store.getAdvice(id)!);
      }
      const row = needSale(ctx, id);
      if (row.state === 'retrying' || row.state === 'pending') apply(id, { type: 'retry-now' });
      await runner.attempt(id);
      return views.purchaseItem(needSale(ctx, id));
    },
  };
}
