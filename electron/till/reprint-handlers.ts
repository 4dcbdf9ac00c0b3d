/**
 * Reprints (manager only, each logged): finding a slip, reprinting it from the till's own record
 * (marked COPY), or asking the switch for the token again where the provider supports it.
 */
import { newId } from '../../switch-core/protocol';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import { dayRange } from './end-of-day';
import { ppuErrorWords } from './ppu-error-words';
import { pendingInfoOf, saleSlipContext, slipKey, type SaleSlips } from './sale-slips';
import { needSale } from './sale-transitions';
import { responseOf, tokensOf, type SaleViews } from './sale-views';
import type { SwitchLink } from './switch-link';

export function reprintHandlers(ctx: TillContext, link: SwitchLink, views: SaleViews, slips: SaleSlips): Handlers<'searchSlips' | 'reprintLocal' | 'reprintFromSwitch'> {
  const { store, printer, clock } = ctx;
  return {
    searchSlips(a) {
      const rows = store.findSales({ meterId: a.meterId, q: a.reference ?? a.token, from: a.from ? dayRange(clock(), ctx.zone(), a.from).from : undefined, to: a.to ? dayRange(clock(), ctx.zone(), a.to, a.to).to : undefined, limit: a.limit ?? 100 });
      return rows.map(views.summary);
    },
    async reprintLocal({ saleId }, op) {
      const row = needSale(ctx, saleId);
      const resp = responseOf(row);
      const at = new Date(clock());
      // The customer never got the first slip: send that one (not a COPY that would print beside it later).
      const firstKey = slipKey(saleId, resp ? 'sale' : 'pending');
      const first = row.slipPrinted ? null : await printer.resend(firstKey);
      if (first?.printed) slips.markPrinted([firstKey]);
      const res = first ?? (resp
        ? await printer.printSale(resp, saleSlipContext(ctx, row), { reprint: { at, operator: op.name } })
        : row.state === 'pending' || row.state === 'retrying'
          ? await printer.printPending(pendingInfoOf(row), saleSlipContext(ctx, row), undefined, { at, operator: op.name })
          : null);
      if (!res) throw new ApiFail('CONFLICT', `A ${row.state} sale has no slip to reprint.`);
      const reprintCount = store.addReprint({ saleId, operatorId: op.id, at: at.toISOString(), source: 'local', printed: res.printed });
      return { ...res, reprintCount };
    },
    async reprintFromSwitch({ saleId }, op) {
      const row = needSale(ctx, saleId);
      if (row.state !== 'succeeded') throw new ApiFail('CONFLICT', 'Only a completed sale can be reprinted from the switch.');
      const req = { ...link.baseTx(newId()), meter: { meterId: row.meterId }, originalRef: row.id };
      const res = await link.exchange((c) => c.reprint(req));
      if (res.outcome === 'failed') {
        const t = res.error?.errorType;
        if (t === 'FUNCTION_NOT_SUPPORTED' || t === 'TRANSACTION_NOT_SUPPORTED' || res.status === 501) throw new ApiFail('NOT_SUPPORTED', 'This provider does not support reprints from the switch. Use the local reprint.');
        throw new ApiFail('DECLINED', ppuErrorWords(res.error, res.status));
      }
      if (res.outcome === 'unknown') throw new ApiFail('SWITCH_UNREACHABLE', 'The switch did not answer. Use the local reprint or try again.');
      const at = new Date(clock());
      // A copy of the original invoice: its reference and date of issue stay the sale's, whatever time the reprint answer carries.
      const original = responseOf(row);
      const printed = await printer.printSale({ ...res.body, id: row.id, time: original?.time ?? row.createdAt }, saleSlipContext(ctx, row), { reprint: { at, operator: op.name } });
      store.addReprint({ saleId, operatorId: op.id, at: at.toISOString(), source: 'switch', printed: printed.printed });
      return { ...printed, tokens: tokensOf(res.body) };
    },
  };
}
