/**
 * The split before the sale: a PPU trial purchase of the amount typed, shown to the cashier as what
 * it pays first (debt recovered, appliance instalments, access and service charges) and what buys
 * units — or that it only repays debt and issues no token. Also the "repay appliance only" amount:
 * what is due now, when a trial of exactly that buys no units. Nothing is sold, stored or charged.
 */
import { inclusiveCents } from '../../common/tax-invoice';
import { newId, type PurchaseRequest, type PurchaseAnswer } from '../../switch-core/protocol';
import type { Operator, SaleSplitView } from '../api/contract';
import { ApiFail, type Handlers } from './backend-context';
import { ppuErrorWords } from './ppu-error-words';
import { checkMeter } from './sale-machine';
import { chargesOf } from './sale-views';
import type { SwitchLink } from './switch-link';

type Trial = { readonly kind: 'answered'; readonly body: PurchaseAnswer } | { readonly kind: 'unsupported' };

/** Credit tokens only: a key change pair or free units are not what the amount buys. */
function creditOf(resp: PurchaseAnswer): SaleSplitView['credit'] {
  const std = resp.tokens.filter((t) => t.tokenType === 'STD');
  if (std.length === 0) return null;
  return { amountCents: std.reduce((s, t) => s + (inclusiveCents(t.amount) ?? 0), 0), units: std[0]?.units ?? null };
}

export function saleSplitHandlers(link: SwitchLink): Handlers<'saleSplit'> {
  async function trial(meterId: string, amountCents: number, op: Operator): Promise<Trial> {
    const id = newId();
    const amount = { amount: amountCents, currency: '710' };
    const req: PurchaseRequest = { ...link.baseTx(id), meter: { meterId }, purchaseAmount: amount, tenders: [{ tenderType: 'CASH', amount }] };
    req.originator.operatorId = op.id;
    const res = await link.exchange((c) => c.trialPurchase(req));
    if (res.outcome === 'successful') return { kind: 'answered', body: res.body };
    if (res.outcome === 'failed' && res.error?.errorType === 'FUNCTION_NOT_SUPPORTED') return { kind: 'unsupported' };
    if (res.outcome === 'failed') throw new ApiFail('DECLINED', ppuErrorWords(res.error, res.status), { ppuErrorType: res.error?.errorType });
    throw new ApiFail('SWITCH_UNREACHABLE', 'The switch did not answer, so the split cannot be shown now. You can still sell; the slip shows the split.');
  }

  return {
    async saleSplit({ meterId, amountCents }, op) {
      const m = checkMeter({ meterId });
      if (!m.ok) throw new ApiFail('INVALID_INPUT', m.message, { field: 'meterId' });
      const first = await trial(m.meterId, amountCents, op);
      const base = { meterId: m.meterId, amountCents };
      if (first.kind === 'unsupported') return { ...base, supported: false, charges: [], credit: null, repayOnlyCents: null };
      const charges = chargesOf(first.body);
      const credit = creditOf(first.body);
      const dueCents = charges.reduce((s, c) => s + (c.amountCents ?? 0), 0);
      // Only a utility that clears debt first lets an amount equal to the debt buy no units: ask it.
      let repayOnlyCents: number | null = null;
      if (credit && dueCents > 0) {
        const exact = await trial(m.meterId, dueCents, op).catch(() => null);
        if (exact?.kind === 'answered' && creditOf(exact.body) === null) repayOnlyCents = dueCents;
      }
      return { ...base, supported: true, charges, credit, repayOnlyCents };
    },
  };
}
