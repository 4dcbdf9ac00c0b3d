/**
 * The simulated utility back office every simulated provider sells against: utilities with
 * tariffs, customers, meters and their accounts, which provider serves which utility (the
 * support map), and the record of every purchase (so retries and reprints answer the same
 * tokens). In memory, no I/O; the payment rules themselves live in purchase-plan.ts.
 *
 * Over 400 lines: one class over one in-memory state (accounts, key data, purchase records) that
 * every simulated operation reads and writes in one step — lookup, purchase, trial, retry, reprint,
 * key change; the rules it applies are already apart (purchase-plan.ts, instalment-plan.ts, sts-vending.ts).
 */
import type { ErrorType, SlipLine, UtilityType } from '../protocol';
import {
  formatUnits,
  isFreeBasicDue,
  keyChangePair,
  planPurchase,
  serviceChargeOwed,
  type KeyData,
  type MeterAccount,
  type PlannedToken,
  type PurchasePlan,
  type UtilityRecord,
} from './purchase-plan';
import { createHash } from 'node:crypto';
import { KEY_EXPIRY, KEY_TYPE, decoderKeyOf, stsDataOf, vendTokens, type MeterStsData } from './sts-vending';
import { digitsFor } from './token-digits';
import type { BaseDate, KeyType } from '../sts';

export interface CustomerRecord {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly address: string;
  readonly accountNumber: string;
  readonly contactNumber: string;
}

/** A fixed answer instead of the payment rules (the certification profile's TST meters). */
export interface FixedScenario {
  readonly amountCents: number;
  readonly description: string;
  readonly plan: PurchasePlan;
  readonly slipLines?: readonly SlipLine[];
  /** The first purchase attempt takes effect but answers 504; a retry is approved. */
  readonly firstAttemptOutcomeUnknown?: boolean;
  /** Fixed token numbers and receipt numbers in plan order (the public test server's), instead of generated ones. */
  readonly issued?: {
    readonly tokens: readonly { readonly token: string; readonly receiptNum: string }[];
    readonly debtReceipts: readonly string[];
    readonly serviceReceipts: readonly string[];
    /** The two KC token numbers a key change request answers. */
    readonly keyChange?: readonly [string, string];
  };
}

export interface MeterRecord {
  readonly meterId: string;
  readonly utilityId: string;
  readonly customerId: string;
  account: MeterAccount;
  readonly scenario?: FixedScenario;
}

export interface BackOfficeData {
  readonly utilities: readonly UtilityRecord[];
  readonly customers: readonly CustomerRecord[];
  readonly meters: readonly MeterRecord[];
  /** Which provider ids sell each utility's tokens (utility id → provider ids). */
  readonly servedBy: Readonly<Record<string, readonly string[]>>;
}

export type BoResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errorType: ErrorType; readonly message: string };

export interface IssuedToken extends PlannedToken {
  readonly token: string;
  readonly receiptNum: string;
  readonly units: string;
}

export interface PurchaseRecord {
  readonly purchaseId: string;
  readonly providerId: string;
  readonly meterId: string;
  readonly utilityId: string;
  readonly amountCents: number;
  readonly timeMs: number;
  readonly plan: PurchasePlan;
  readonly tokens: readonly IssuedToken[];
  readonly receiptNums: { readonly debt: readonly string[]; readonly service: readonly string[] };
  readonly vatInvoiceNumber: string;
  readonly slipLines?: readonly SlipLine[];
  readonly firstAttemptOutcomeUnknown: boolean;
  reversed: boolean;
  confirmed: boolean;
}

export interface MeterView {
  readonly meterId: string;
  readonly utilityId: string;
  readonly utilityName: string;
  readonly utilityType: UtilityType;
  readonly customer: CustomerRecord;
  readonly keys: KeyData;
  readonly pendingKeyChange?: KeyData;
  /** PAN, key type, token tech and algorithm codes (STS). */
  readonly sts: MeterStsData;
  readonly arrearsCents: number;
  readonly serviceChargeOwedCents: number;
  readonly blocked: boolean;
  readonly bsstDue: boolean;
  readonly minAmountCents: number;
  readonly maxAmountCents: number;
  /** Providers whose back-office link serves this meter's utility. */
  readonly servedBy: readonly string[];
  readonly scenario?: string;
}

export interface LookupAnswer {
  readonly meter: MeterView;
  readonly utility: UtilityRecord;
}

/** What a field tech's virtual meter starts from: the key the meter holds today (before any pending change). */
export interface MeterKeySetup {
  readonly meterId: string;
  readonly pan: string;
  readonly decoderKey: string;
  readonly keyType: KeyType;
  readonly keyRevision: number;
  readonly keyExpiry: number;
  readonly tariffIndex: number;
  readonly baseDate: BaseDate;
}

export interface KeyChangeAnswer {
  readonly meter: MeterView;
  readonly tokens: readonly IssuedToken[];
}

export class UtilityBackOffice {
  private readonly utilitiesById = new Map<string, UtilityRecord>();
  private readonly customersById = new Map<string, CustomerRecord>();
  private readonly metersById = new Map<string, MeterRecord>();
  private readonly servedBy: Readonly<Record<string, readonly string[]>>;
  private readonly purchases = new Map<string, PurchaseRecord>();
  private readonly faultReports = new Map<string, string>();
  /** The last TID issued per meter, so two tokens for a meter never share one. */
  private readonly lastTids = new Map<string, number>();
  private readonly clock: () => number;

  constructor(data: BackOfficeData, opts: { clock?: () => number } = {}) {
    this.clock = opts.clock ?? Date.now;
    for (const u of data.utilities) this.utilitiesById.set(u.id, u);
    for (const c of data.customers) this.customersById.set(c.id, c);
    for (const m of data.meters) {
      if (!this.utilitiesById.has(m.utilityId)) throw new Error(`meter ${m.meterId}: unknown utility ${m.utilityId}`);
      if (!this.customersById.has(m.customerId)) throw new Error(`meter ${m.meterId}: unknown customer ${m.customerId}`);
      this.metersById.set(m.meterId, { ...m });
    }
    this.servedBy = data.servedBy;
  }

  utilities(): readonly UtilityRecord[] {
    return [...this.utilitiesById.values()];
  }

  getUtility(utilityId: string): UtilityRecord | undefined {
    return this.utilitiesById.get(utilityId);
  }

  /** Provider ids that serve a utility. */
  providersServing(utilityId: string): readonly string[] {
    return this.servedBy[utilityId] ?? [];
  }

  /** Utilities a provider serves. */
  utilitiesServedBy(providerId: string): readonly UtilityRecord[] {
    return this.utilities().filter((u) => this.providersServing(u.id).includes(providerId));
  }

  meterCount(): number {
    return this.metersById.size;
  }

  listMeters(query: { utilityId?: string; limit?: number; offset?: number } = {}): MeterView[] {
    const out: MeterView[] = [];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    let skip = query.offset ?? 0;
    for (const m of this.metersById.values()) {
      if (out.length >= limit) break;
      if (query.utilityId !== undefined && m.utilityId !== query.utilityId) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push(this.view(m));
    }
    return out;
  }

  getMeter(meterId: string): MeterView | undefined {
    const m = this.metersById.get(meterId);
    return m ? this.view(m) : undefined;
  }

  /** Does this provider's link to the back office serve this meter? */
  serves(providerId: string, meterId: string): boolean {
    const m = this.metersById.get(meterId);
    return m !== undefined && this.providersServing(m.utilityId).includes(providerId);
  }

  /** Test and admin hooks: change a meter's account (block it, add arrears, schedule a key change). */
  updateAccount(meterId: string, patch: Partial<MeterAccount>): MeterView {
    const m = this.metersById.get(meterId);
    if (!m) throw new Error(`unknown meter ${meterId}`);
    m.account = { ...m.account, ...patch };
    return this.view(m);
  }

  lookup(providerId: string, meterId: string): BoResult<LookupAnswer> {
    const found = this.servedMeter(providerId, meterId);
    if (!found.ok) return found;
    const m = found.value;
    if (m.account.blocked) return blocked();
    return { ok: true, value: { meter: this.view(m), utility: this.utility(m) } };
  }

  /**
   * Sells a token. Idempotent on the purchase id: the same id answers the same record (a retry),
   * so the customer never pays twice nor receives different tokens.
   */
  purchase(providerId: string, purchaseId: string, meterId: string, amountCents: number): BoResult<{ record: PurchaseRecord; isNew: boolean }> {
    const existing = this.purchases.get(purchaseId);
    if (existing && existing.providerId === providerId) return { ok: true, value: { record: existing, isNew: false } };
    if (existing) return { ok: false, errorType: 'DUPLICATE_RECORD', message: 'This purchase id was used at another provider.' };
    const planned = this.plan(providerId, meterId, amountCents);
    if (!planned.ok) return planned;
    const { meter, plan, next } = planned.value;
    const record = this.record(providerId, purchaseId, meter, amountCents, plan);
    if (next) meter.account = next;
    this.purchases.set(purchaseId, record);
    return { ok: true, value: { record, isNew: true } };
  }

  /** A trial purchase: what the amount would buy, with nothing issued and nothing changed. */
  trial(providerId: string, meterId: string, amountCents: number): BoResult<{ meter: MeterView; utility: UtilityRecord; plan: PurchasePlan }> {
    const planned = this.plan(providerId, meterId, amountCents);
    if (!planned.ok) return planned;
    return { ok: true, value: { meter: this.view(planned.value.meter), utility: this.utility(planned.value.meter), plan: planned.value.plan } };
  }

  findPurchase(purchaseId: string): PurchaseRecord | undefined {
    return this.purchases.get(purchaseId);
  }

  /** A reprint: the original purchase's record, if this provider sold it for this meter. */
  reprint(providerId: string, originalRef: string, meterId: string): BoResult<PurchaseRecord> {
    const record = this.purchases.get(originalRef);
    if (!record || record.providerId !== providerId || record.meterId !== meterId) {
      return { ok: false, errorType: 'UNABLE_TO_LOCATE_RECORD', message: 'No purchase with that reference for this meter.' };
    }
    return { ok: true, value: record };
  }

  markConfirmed(purchaseId: string): void {
    const r = this.purchases.get(purchaseId);
    if (r) r.confirmed = true;
  }

  markReversed(purchaseId: string): void {
    const r = this.purchases.get(purchaseId);
    if (r) r.reversed = true;
  }

  /** Key change tokens for a meter: the pending new keys if any, else a re-issue of its current keys. */
  keyChange(providerId: string, requestId: string, meterId: string): BoResult<KeyChangeAnswer> {
    const found = this.servedMeter(providerId, meterId);
    if (!found.ok) return found;
    const m = found.value;
    if (m.account.blocked) return blocked();
    const fixed = m.scenario?.issued?.keyChange?.map((token) => ({ token, receiptNum: '' }));
    const tokens = this.issueAll(requestId, m, keyChangePair(), this.clock(), fixed);
    if (m.account.pendingKeyChange) m.account = { ...m.account, keys: m.account.pendingKeyChange, pendingKeyChange: undefined };
    return { ok: true, value: { meter: this.view(m), tokens } };
  }

  /** The field tech's virtual meter for a PAN: its keys as the meter holds them now; undefined for an unknown PAN. */
  meterKeySetup(pan: string): MeterKeySetup | undefined {
    for (const m of this.metersById.values()) {
      const sts = stsDataOf(m.meterId);
      if (sts.pan !== pan) continue;
      const keys = m.account.keys;
      return {
        meterId: m.meterId,
        pan,
        decoderKey: decoderKeyOf(vendingKeyOf(keys.supplyGroupCode), m.meterId, keys),
        keyType: KEY_TYPE,
        keyRevision: Number(keys.keyRevisionNum),
        keyExpiry: KEY_EXPIRY,
        tariffIndex: Number(keys.tariffIndex),
        baseDate: 2014,
      };
    }
    return undefined;
  }

  faultReport(providerId: string, requestId: string, meterId: string, faultType: string): BoResult<{ reference: string; description: string }> {
    const found = this.servedMeter(providerId, meterId);
    if (!found.ok) return found;
    const reference = this.faultReports.get(requestId) ?? `FR${digitsFor(`fault:${requestId}`, 8)}`;
    this.faultReports.set(requestId, reference);
    return { ok: true, value: { reference, description: `Fault "${faultType}" logged with ${this.utility(found.value).name}` } };
  }

  private plan(
    providerId: string,
    meterId: string,
    amountCents: number,
  ): BoResult<{ meter: MeterRecord; plan: PurchasePlan; next: MeterAccount | null; scenario?: FixedScenario }> {
    const found = this.servedMeter(providerId, meterId);
    if (!found.ok) return found;
    const meter = found.value;
    if (meter.scenario) {
      if (amountCents !== meter.scenario.amountCents) {
        return { ok: false, errorType: 'INVALID_AMOUNT', message: `Scenario ${meter.meterId} expects an amount of ${meter.scenario.amountCents} cents.` };
      }
      return { ok: true, value: { meter, plan: meter.scenario.plan, next: null, scenario: meter.scenario } };
    }
    const result = planPurchase(this.utility(meter), meter.account, amountCents, this.clock());
    if (!result.ok) return result;
    return { ok: true, value: { meter, plan: result.plan, next: result.next } };
  }

  private record(providerId: string, purchaseId: string, meter: MeterRecord, amountCents: number, plan: PurchasePlan): PurchaseRecord {
    const timeMs = this.clock();
    return {
      purchaseId,
      providerId,
      meterId: meter.meterId,
      utilityId: meter.utilityId,
      amountCents,
      timeMs,
      plan,
      tokens: this.issueAll(purchaseId, meter, plan.tokens, timeMs, meter.scenario?.issued?.tokens),
      receiptNums: {
        debt: plan.debtRecoveryCharges.map((_d, i) => meter.scenario?.issued?.debtReceipts[i] ?? receipt(purchaseId, `debt${i}`)),
        service: plan.serviceCharges.map((_s, i) => meter.scenario?.issued?.serviceReceipts[i] ?? receipt(purchaseId, `svc${i}`)),
      },
      vatInvoiceNumber: `INV${digitsFor(`inv:${purchaseId}`, 10)}`,
      ...(meter.scenario?.slipLines ? { slipLines: meter.scenario.slipLines } : {}),
      firstAttemptOutcomeUnknown: meter.scenario?.firstAttemptOutcomeUnknown === true,
      reversed: false,
      confirmed: false,
    };
  }

  /** Real STS tokens for planned tokens; a KC pair moves the meter from its keys to its pending ones. */
  private issueAll(
    txId: string,
    m: MeterRecord,
    planned: readonly PlannedToken[],
    timeMs: number,
    fixed?: readonly { readonly token: string; readonly receiptNum: string }[],
  ): IssuedToken[] {
    // The certification scenarios answer the public test server's fixed digits, not vended STS tokens.
    if (fixed) return planned.map((t, i) => ({ ...t, token: fixed[i]?.token ?? '', receiptNum: fixed[i]?.receiptNum ?? '', units: formatUnits(t.unitsHundredths) }));
    const { keys, pendingKeyChange } = m.account;
    const newKeys = pendingKeyChange ?? keys;
    const vended = vendTokens(planned, {
      txId,
      meterId: m.meterId,
      utilityType: this.utility(m).utilityType,
      timeMs,
      lastTid: this.lastTids.get(m.meterId) ?? -1,
      oldKey: decoderKeyOf(vendingKeyOf(keys.supplyGroupCode), m.meterId, keys),
      newKey: { decoderKey: decoderKeyOf(vendingKeyOf(newKeys.supplyGroupCode), m.meterId, newKeys), keys: newKeys },
    });
    this.lastTids.set(m.meterId, vended.lastTid);
    return planned.map((t, i) => {
      const v = vended.tokens[i];
      if (!v) throw new Error(`no token vended for ${t.tokenType} #${i}`);
      return { ...t, token: v.token, receiptNum: receipt(txId, `t${i}`), units: formatUnits(t.tokenType === 'KC' ? t.unitsHundredths : v.creditedHundredths) };
    });
  }

  private servedMeter(providerId: string, meterId: string): BoResult<MeterRecord> {
    const m = this.metersById.get(meterId);
    if (!m || !this.providersServing(m.utilityId).includes(providerId)) {
      return { ok: false, errorType: 'UNKNOWN_METER_ID', message: `Meter ${meterId} is not known to this provider.` };
    }
    return { ok: true, value: m };
  }

  private utility(m: MeterRecord): UtilityRecord {
    const u = this.utilitiesById.get(m.utilityId);
    if (!u) throw new Error(`meter ${m.meterId}: unknown utility ${m.utilityId}`);
    return u;
  }

  private view(m: MeterRecord): MeterView {
    const u = this.utility(m);
    const customer = this.customersById.get(m.customerId);
    if (!customer) throw new Error(`meter ${m.meterId}: unknown customer ${m.customerId}`);
    const now = this.clock();
    return {
      meterId: m.meterId,
      utilityId: u.id,
      utilityName: u.name,
      utilityType: u.utilityType,
      customer,
      keys: m.account.keys,
      sts: stsDataOf(m.meterId),
      ...(m.account.pendingKeyChange ? { pendingKeyChange: m.account.pendingKeyChange } : {}),
      arrearsCents: m.account.arrearsCents,
      serviceChargeOwedCents: m.scenario ? 0 : serviceChargeOwed(u, m.account, now),
      blocked: m.account.blocked,
      bsstDue: isFreeBasicDue(u, m.account, now),
      minAmountCents: m.scenario ? m.scenario.amountCents : u.minAmountCents,
      maxAmountCents: m.scenario ? m.scenario.amountCents : u.maxAmountCents,
      servedBy: this.providersServing(u.id),
      ...(m.scenario ? { scenario: m.scenario.description } : {}),
    };
  }
}

function blocked(): { ok: false; errorType: ErrorType; message: string } {
  return { ok: false, errorType: 'METER_ID_BLOCKED', message: 'This meter is blocked by the utility; the customer must contact the utility.' };
}

function receipt(txId: string, part: string): string {
  return digitsFor(`receipt:${txId}:${part}`, 12);
}

/**
 * A supply group's vending key: the back office's secret, derived here from the group code so every
 * run of the simulation (and the field tech's virtual meter) agrees. Never put in an answer or a log.
 */
function vendingKeyOf(supplyGroupCode: string): string {
  return createHash('sha256').update(`simulated vending key ${supplyGroupCode}`).digest('hex').slice(0, 16);
}
