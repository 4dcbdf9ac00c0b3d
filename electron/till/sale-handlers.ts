/**
 * The cashier's sale methods: look a meter up, sell (stored before it is sent), follow the sale's
 * progress (long poll), leave it pending, retry it now, and the manager's cancel of a pending sale.
 */
import { newId, TRACK2_DATA_PATTERN, utilityTypeOf, type MeterLookupResponse, type PurchaseRequest } from '../../switch-core/protocol';
import type { LookupView } from '../api/contract';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import type { AdviceDelivery } from './advice-delivery';
import { ppuErrorWords } from './ppu-error-words';
import { checkAmount, checkMeter } from './sale-machine';
import type { SaleChanges } from './sale-changes';
import type { SaleRunner } from './sale-runner';
import { needSale, type ApplySale } from './sale-transitions';
import type { SaleViews } from './sale-views';
import type { SwitchLink } from './switch-link';

type SaleMethod = 'lookupMeter' | 'purchase' | 'getSale' | 'lastSale' | 'leavePending' | 'cancelPending' | 'retryNow';

export interface SaleParts {
  link: SwitchLink;
  views: SaleViews;
  apply: ApplySale;
  runner: SaleRunner;
  changes: SaleChanges;
  advices: AdviceDelivery;
}

export function saleHandlers(ctx: TillContext, { link, views, apply, runner, changes, advices }: SaleParts): Handlers<SaleMethod> {
  const { store, nowIso } = ctx;
  /** What the cashier saw at lookup, so the sale carries it (bounded: oldest dropped). */
  const lookups = new Map<string, LookupView>();

  return {
    async lookupMeter(args) {
      const m = checkMeter(args);
      if (!m.ok) throw new ApiFail('INVALID_INPUT', m.message, { field: args.meterId ? 'meterId' : 'track2' });
      const id = newId();
      // Track 2 goes with the lookup only in the model's shape (34 characters, sentinels off); a
      // shorter swipe has given us the meter number, which is all the lookup needs.
      const track2 = args.track2?.trim().replace(/^;/, '').replace(/\?$/, '');
      const meter = { meterId: m.meterId, ...(track2 && TRACK2_DATA_PATTERN.test(track2) ? { track2Data: track2 } : {}) };
      const res = await link.ppu().meterLookup({ ...link.baseTx(id), meter });
      if (res.outcome === 'failed') throw new ApiFail('DECLINED', ppuErrorWords(res.error, res.status), { ppuErrorType: res.error?.errorType });
      if (res.outcome === 'unknown') throw new ApiFail('SWITCH_UNREACHABLE', 'The switch did not answer the lookup. Try again; if it keeps failing, check the network.');
      const b: MeterLookupResponse = res.body;
      const view: LookupView = {
        lookupRef: id,
        meterId: b.meter.meterId || m.meterId,
        customerName: [b.customer?.firstName, b.customer?.lastName].filter(Boolean).join(' ') || null,
        address: b.customer?.address ?? null,
        utilityName: b.utility?.name ?? null,
        // A lookup answer has no utilityType in the models: the meter's serviceType ("ELEC") says it.
        utilityType: utilityTypeOf(b.meter.serviceType) ?? null,
        minCents: b.minAmount?.amount ?? null,
        maxCents: b.maxAmount?.amount ?? null,
        arrearsCents: b.arrearsAmount?.amount ?? null,
        freeUnitsDue: b.bsstDue ?? false,
        message: b.utility?.message ?? null,
        currency: b.minAmount?.currency ?? '710',
      };
      lookups.set(id, view);
      if (lookups.size > 200) lookups.delete(lookups.keys().next().value!);
      return view;
    },

    purchase(args, op) {
      const m = checkMeter({ meterId: args.meterId });
      if (!m.ok) throw new ApiFail('INVALID_INPUT', m.message, { field: 'meterId' });
      // A second Sell for the same lookup (double press, resubmitted request) answers the first sale: never two.
      const already = args.lookupRef ? store.saleByLookupRef(args.lookupRef) : null;
      if (already) return views.saleView(already);
      const lk = args.lookupRef ? lookups.get(args.lookupRef) : undefined;
      if (lk && lk.meterId !== m.meterId) throw new ApiFail('INVALID_INPUT', 'The meter number changed after the lookup. Look the meter up again.', { field: 'meterId' });
      const amt = checkAmount(args.amountCents, lk?.minCents ?? null, lk?.maxCents ?? null);
      if (!amt.ok) throw new ApiFail('INVALID_INPUT', amt.message, { field: 'amountCents' });
      const id = newId();
      const amount = { amount: args.amountCents, currency: '710' };
      const req: PurchaseRequest = {
        ...link.baseTx(id),
        meter: { meterId: m.meterId },
        purchaseAmount: amount,
        ...(lk?.utilityType ? { utilityType: lk.utilityType } : {}),
        tenders: [{ tenderType: args.tender.type, amount, ...(args.tender.maskedCard ? { cardNumber: args.tender.maskedCard } : {}) }],
      };
      req.originator.operatorId = op.id;
      const now = nowIso();
      // Persist BEFORE sending: from here on a crash leads to a retry of this same id, never a second sale.
      store.insertSale({
        id, version: 1, state: 'purchasing', late: false, meterId: m.meterId, amountCents: args.amountCents, currency: '710', tenderType: args.tender.type,
        maskedCard: args.tender.maskedCard ?? null, operatorId: op.id, shiftId: store.currentShift(op.id)?.id ?? null, lookupRef: args.lookupRef ?? null,
        requestJson: JSON.stringify(req), responseJson: null, customerName: lk?.customerName ?? null, utilityName: lk?.utilityName ?? null, provider: null,
        failureMessage: null, failureType: null, attempts: 0, lastError: null, nextAttemptAt: null, slipPrinted: false, slipKind: null, printError: null,
        tokenText: null, cancelledBy: null, cancelledAt: null, createdAt: now, updatedAt: now,
      });
      void runner.attempt(id);
      return views.saleView(needSale(ctx, id));
    },

    async getSale({ saleId, sinceVersion, waitMs }) {
      let row = needSale(ctx, saleId);
      if (sinceVersion !== undefined && waitMs && row.version <= sinceVersion) {
        await changes.wait(saleId, waitMs);
        row = needSale(ctx, saleId);
      }
      return views.saleView(row);
    },
    lastSale(_args, op) {
      const row = store.lastSale(op.id);
      return row ? views.saleView(row) : null;
    },
    leavePending: ({ saleId }) => views.saleView(apply(saleId, { type: 'leave-pending' }).row),
    cancelPending({ saleId }, op) {
      const res = apply(saleId, { type: 'cancel' }, { cancelledBy: op.id, cancelledAt: nowIso() }).row;
      void advices.deliverHead();
      return views.saleView(res);
    },
    async retryNow({ saleId }) {
      apply(saleId, { type: 'retry-now' });
      await runner.attempt(saleId);
      return views.saleView(needSale(ctx, saleId));
    },
  };
}
