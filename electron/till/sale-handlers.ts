/**
 * The cashier's sale methods: look a meter up, sell (stored before it is sent), follow the sale's
 * progress (long poll), leave it pending, retry it now, and the manager's cancel of a pending sale.
 */
import { localTime } from '../../common/local-time';
import { rands } from '../../common/money';
import { newId, shortReference, TRACK2_DATA_PATTERN, utilityTypeOf, type MeterLookupAnswer, type PurchaseRequest } from '../../switch-core/protocol';
import type { LookupView, OpenSaleFlag, SaleApproval, SaleState } from '../api/contract';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import type { AdviceDelivery } from './advice-delivery';
import { ppuErrorWords } from './ppu-error-words';
import { DISK_MARGIN_BYTES, isStorageFull, megabytes } from './disk-space';
import { verifyOperatorPin } from './operators';
import { checkAmount, checkMeter } from './sale-machine';
import { NO_SESSION_WORDS } from './shift-handlers';
import type { SaleChanges } from './sale-changes';
import type { SaleRunner } from './sale-runner';
import { needSale, type ApplySale } from './sale-transitions';
import type { SaleViews } from './sale-views';
import type { SaleRow } from './store/repository';
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

  const diskFull = (detail: string) =>
    new ApiFail('DISK_FULL', `The till's disk is full (${detail}): the sale was NOT sent and nothing was charged. Ask the manager to free space on the till, then sell again.`);
  /** The disk-space rule, part 1: the margin is free before anything is sent. */
  function requireDiskSpace(): void {
    const free = ctx.deps.freeBytes?.();
    if (free !== undefined && free < DISK_MARGIN_BYTES) throw diskFull(`${megabytes(free)} free, ${megabytes(DISK_MARGIN_BYTES)} needed`);
  }
  /** Part 2: the write before the send succeeded. */
  function writeBeforeSend(write: () => void): void {
    try {
      write();
    } catch (err) {
      if (isStorageFull(err)) throw diskFull('the sale could not be written');
      throw err;
    }
  }

  /**
   * A meter with a sale still waiting for its answer must not be sold again without a manager: the
   * customer may be charged twice. The approval must name that very sale (the reference the screen
   * showed) and carry a manager's PIN. Answers the approval to record, or null when none was needed.
   */
  function approvalOver(open: SaleRow | null, approval: SaleApproval | undefined): SaleApproval | null {
    if (!open) return null;
    if (!approval || approval.pendingSaleId !== open.id) {
      throw new ApiFail(
        'NEEDS_APPROVAL',
        `Meter ${open.meterId} already has a pending sale: reference ${shortReference(open.id)}, ${rands(open.amountCents)}, started ${localTime(open.createdAt, ctx.zone())}. ` +
          'The till is still finishing it, so selling again may charge the customer twice. A manager must approve a second sale.',
        { pendingSaleId: open.id },
      );
    }
    const manager = verifyOperatorPin(store, approval.managerId, approval.pin, ctx.clock()).row;
    if (!manager || manager.role !== 'manager') throw new ApiFail('WRONG_PIN', 'The manager id or PIN is wrong: the second sale is not approved.', { field: 'approval.pin', pendingSaleId: open.id });
    return approval;
  }

  /** The meter's open sale as the lookup flags it, before the cashier types an amount. */
  const openSaleFlag = (open: SaleRow | null): OpenSaleFlag | null =>
    open && { saleId: open.id, state: open.state as SaleState, amountCents: open.amountCents, createdAt: open.createdAt };

  return {
    async lookupMeter(args) {
      const m = checkMeter(args);
      if (!m.ok) throw new ApiFail('INVALID_INPUT', m.message, { field: args.meterId ? 'meterId' : 'track2' });
      const id = newId();
      // Track 2 goes with the lookup only in the model's shape (34 characters, sentinels off); a
      // shorter swipe has given us the meter number, which is all the lookup needs.
      const track2 = args.track2?.trim().replace(/^;/, '').replace(/\?$/, '');
      const meter = { meterId: m.meterId, ...(track2 && TRACK2_DATA_PATTERN.test(track2) ? { track2Data: track2 } : {}) };
      const req = { ...link.baseTx(id), meter };
      const res = await link.exchange((c) => c.meterLookup(req));
      if (res.outcome === 'failed') throw new ApiFail('DECLINED', ppuErrorWords(res.error, res.status), { ppuErrorType: res.error?.errorType });
      if (res.outcome === 'unknown') throw new ApiFail('SWITCH_UNREACHABLE', 'The switch did not answer the lookup. Try again; if it keeps failing, check the network.');
      const b: MeterLookupAnswer = res.body;
      const view: LookupView = {
        lookupRef: id,
        meterId: b.meter?.meterId || m.meterId,
        customerName: [b.customer?.firstName, b.customer?.lastName].filter(Boolean).join(' ') || null,
        address: b.customer?.address ?? null,
        utilityName: b.utility?.name ?? null,
        // A lookup answer has no utilityType in the models: the meter's serviceType ("ELEC") says it.
        utilityType: utilityTypeOf(b.meter?.serviceType ?? undefined) ?? null,
        minCents: b.minAmount?.amount ?? null,
        maxCents: b.maxAmount?.amount ?? null,
        arrearsCents: b.arrearsAmount?.amount ?? null,
        freeUnitsDue: b.bsstDue ?? false,
        message: b.utility?.message ?? null,
        currency: b.minAmount?.currency ?? '710',
        openSale: openSaleFlag(store.openSaleForMeter(b.meter?.meterId || m.meterId)),
      };
      lookups.set(id, view);
      if (lookups.size > 200) lookups.delete(lookups.keys().next().value!);
      return view;
    },

    purchase(args, op) {
      const m = checkMeter({ meterId: args.meterId });
      if (!m.ok) throw new ApiFail('INVALID_INPUT', m.message, { field: 'meterId' });
      const shift = store.currentShift(op.id);
      if (!shift) throw new ApiFail('NO_SHIFT', NO_SESSION_WORDS);
      // A second Sell for the same lookup (double press, resubmitted request) answers the first sale: never two.
      const already = args.lookupRef ? store.saleByLookupRef(args.lookupRef) : null;
      if (already) return views.saleView(already);
      const approval = approvalOver(store.openSaleForMeter(m.meterId), args.approval);
      const lk = args.lookupRef ? lookups.get(args.lookupRef) : undefined;
      if (lk && lk.meterId !== m.meterId) throw new ApiFail('INVALID_INPUT', 'The meter number changed after the lookup. Look the meter up again.', { field: 'meterId' });
      const amt = checkAmount(args.amountCents, lk?.minCents ?? null, lk?.maxCents ?? null);
      if (!amt.ok) throw new ApiFail('INVALID_INPUT', amt.message, { field: 'amountCents' });
      const received = args.tender.cashReceivedCents;
      if (received !== undefined && args.tender.type !== 'CASH') throw new ApiFail('INVALID_INPUT', 'Cash received goes with a cash sale only: clear it, or choose Cash.', { field: 'tender' });
      if (received !== undefined && received < args.amountCents) throw new ApiFail('INVALID_INPUT', `Cash received must be at least ${rands(args.amountCents)}, or leave it empty.`, { field: 'tender' });
      requireDiskSpace();
      const id = newId();
      const amount = { amount: args.amountCents, currency: '710' };
      const req: PurchaseRequest = {
        ...link.baseTx(id),
        meter: { meterId: m.meterId },
        purchaseAmount: amount,
        ...(lk?.utilityType ? { utilityType: lk.utilityType } : {}),
        tenders: [{ tenderType: args.tender.type, amount, ...(args.tender.maskedCard ? { cardNumber: args.tender.maskedCard } : {}), ...(args.tender.approvalCode ? { reference: args.tender.approvalCode } : {}) }],
      };
      req.originator.operatorId = op.id;
      const now = nowIso();
      // Persist BEFORE sending: from here on a crash leads to a retry of this same id, never a second sale.
      // This write is also the proof that the answer can be written: if it fails, nothing is sent. It
      // counts the first send too (attempts 1), so the row and its attempt cost one flush.
      const row: SaleRow = {
        id, version: 1, state: 'purchasing', late: false, meterId: m.meterId, amountCents: args.amountCents, currency: '710', tenderType: args.tender.type,
        maskedCard: args.tender.maskedCard ?? null, cardApproval: args.tender.approvalCode ?? null, cashReceivedCents: received ?? null, operatorId: op.id, shiftId: shift.id, lookupRef: args.lookupRef ?? null,
        requestJson: JSON.stringify(req), responseJson: null, customerName: lk?.customerName ?? null, utilityName: lk?.utilityName ?? null, provider: null,
        failureMessage: null, failureType: null, attempts: 1, lastError: null, nextAttemptAt: null, slipPrinted: false, slipKind: null, printError: null,
        tokenText: null, cancelledBy: null, cancelledAt: null, approvedBy: approval?.managerId ?? null, approvedOver: approval?.pendingSaleId ?? null, recoveredAt: null, createdAt: now, updatedAt: now,
      };
      writeBeforeSend(() => store.insertSale(row));
      void runner.sendNew(row);
      return views.saleView(row);
    },

    async getSale({ saleId, sinceVersion, waitMs }) {
      const row = needSale(ctx, saleId);
      if (sinceVersion !== undefined && waitMs && views.versionOf(row) <= sinceVersion) {
        await changes.wait(saleId, waitMs);
        return views.saleView(needSale(ctx, saleId));
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
