/**
 * The till back end: implements every TillApi method over the store, a PPU v3 client toward any
 * conformant switch, the printer edge and the switch admin API. Decisions come from the pure sale
 * machine; this module does the I/O in the order that keeps money safe: persist, then send; persist
 * the answer and the advice together; print last. A background worker retries open sales and
 * delivers the advice outbox (head of queue first, repeated until final).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PPU_BASE_PATH, PpuClient, newId, type ConfirmationAdvice, type MeterLookupResponse, type PpuResult, type PpuTrace, type PurchaseRequest, type PurchaseResponse, type ReversalAdvice } from '../../switch-core/protocol';
import {
  METHODS,
  fail,
  ok,
  validateArgs,
  type ApiErrorCode,
  type ArgsOf,
  type EodReport,
  type EodRow,
  type Invoke,
  type LookupView,
  type MethodName,
  type Operator,
  type QueueItem,
  type Result,
  type SaleState,
  type SaleSummary,
  type SaleView,
  type SessionView,
  type TenderKind,
  type VirtualPrinterStatus,
  type TillSettings,
  type TillValues,
  type TokenView,
} from '../api/contract';
import { checkAmount, checkMeter, groupToken, nextAdvice, nextSale, type Effect, type MachineSale, type Outcome, type SaleEvent } from './sale-machine';
import type { SlipPrinter } from './printing';
import { DEFAULT_SETTINGS, settingsView, validateSettings, type StoredSettings } from './settings';
import type { SaleRow, TillStore } from './store/repository';

/** Where secrets live: Electron safeStorage in the shell, a 0600 file in browser mode, memory in tests. */
export interface SecretStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

export interface VirtualJobsSource {
  jobs(): { n: number; receivedAt: string; bytes: number; text: string; commands: { name?: string; text?: string }[] | unknown[]; files: { bin: string; png: string } }[];
  /** Applies a simulated printer state and answers the whole state. */
  setStatus?(s: Partial<VirtualPrinterStatus>): VirtualPrinterStatus;
  status?(): VirtualPrinterStatus;
}

export interface TillDeps {
  store: TillStore;
  printer: SlipPrinter;
  secrets: SecretStore;
  clock?: () => number;
  mode: 'electron' | 'browser' | 'cli';
  /** Embedded switch, when the till started one (its URL wins when settings leave switchUrl empty). */
  embeddedSwitch?: { url: string; username: string; password: string } | null;
  virtualPrinter?: VirtualJobsSource | null;
  listSerialPorts?: () => Promise<{ path: string; manufacturer?: string | null }[]>;
  /** Called when printer settings change so the host can rebuild its transport. */
  onSettingsChanged?: (s: StoredSettings) => void;
  /** Worker tick; 0 disables the background worker (tests drive `tick()`). */
  workerIntervalMs?: number;
  /** Browser host: URLs to virtual printer files. */
  fileUrls?: boolean;
}

const PPU_ERROR_WORDS: Record<string, string> = {
  UNKNOWN_METER_ID: 'The meter number is not known to any utility. Check the number with the customer.',
  METER_ID_BLOCKED: 'This meter is blocked by the utility. The customer must contact the utility.',
  INVALID_AMOUNT: 'The utility does not accept this amount. Try a different amount.',
  AMOUNT_TOO_LOW: 'The amount is below the minimum for this meter. Ask for a larger amount.',
  AMOUNT_TOO_HIGH: 'The amount is above the maximum for this meter. Sell a smaller amount.',
  ROUTING_ERROR: 'No provider can sell for this meter right now. Try again later.',
  UPSTREAM_UNAVAILABLE: 'The utility’s system is unavailable. Try again in a few minutes.',
  TRANSACTION_DECLINED: 'The sale was declined by the utility.',
  DO_NOT_HONOR: 'The sale was declined by the utility.',
  LIMIT_EXCEEDED: 'This meter has reached its purchase limit.',
  METER_KEY_INVALID: 'The meter’s keys are out of date. The customer must contact the utility.',
  INVALID_MERCHANT: 'This till is not set up for sales. Ask the manager to check the merchant settings.',
  FORMAT_ERROR: 'The switch did not accept the request. Ask the manager to check the till settings.',
  DUPLICATE_RECORD: 'This sale was already sent. Check the pending queue before selling again.',
  UNABLE_TO_LOCATE_RECORD: 'The switch never received this sale.',
};

function words(error: { errorType?: string; errorMessage?: string } | null, status: number | null): string {
  if (status === 401 || status === 403) return 'The switch refused the till’s credentials. Ask the manager to check the switch settings.';
  if (!error) return status ? `The switch answered HTTP ${status}.` : 'The switch could not be reached.';
  return PPU_ERROR_WORDS[error.errorType ?? ''] ?? error.errorMessage ?? error.errorType ?? 'The sale was declined.';
}

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(pin, salt, 32).toString('hex')}`;
}
export function checkPin(pin: string, stored: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const want = Buffer.from(hashHex, 'hex');
  const got = scryptSync(pin, Buffer.from(saltHex, 'hex'), want.length);
  return timingSafeEqual(want, got);
}

export const DEFAULT_OPERATORS = [
  { id: 'cashier', name: 'Cashier One', role: 'cashier' as const, pin: '1111' },
  { id: 'manager', name: 'Manager', role: 'manager' as const, pin: '9999' },
];

class ApiFail extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { field?: string; fields?: Record<string, string>; ppuErrorType?: string } = {},
  ) {
    super(message);
  }
}

type Handlers = { [M in MethodName]: (args: ArgsOf<M>) => Promise<TillValues[M]> | TillValues[M] };

export interface TillBackend {
  invoke: Invoke;
  /** In-process calls (CLI, tests) as a given operator without a sign-in session. */
  tick(): Promise<void>;
  /** Resolves when no send is in flight (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
  store: TillStore;
}

export function createTillBackend(deps: TillDeps): TillBackend {
  const { store, printer, secrets } = deps;
  const clock = deps.clock ?? Date.now;
  const nowIso = () => new Date(clock()).toISOString();
  let settings: StoredSettings = { ...DEFAULT_SETTINGS, ...(store.getSetting<StoredSettings>('settings') ?? {}) };
  let operator: Operator | null = null;
  const lookups = new Map<string, LookupView>();
  const inflight = new Map<string, Promise<void>>();
  const waiters = new Map<string, Set<() => void>>();
  let adviceInflight: Promise<void> | null = null;
  let lastSwitchContact: { at: number; reachable: boolean; message: string } | null = null;
  let closed = false;

  // Seed the default operators once so a fresh till can be used at once (PINs printed at start).
  if (store.listOperators().length === 0) {
    for (const o of DEFAULT_OPERATORS) store.upsertOperator({ id: o.id, name: o.name, role: o.role, pinHash: hashPin(o.pin) });
  }

  // ── switch connection ──
  function switchTarget(): { root: string; username: string; password: string; embedded: boolean } {
    if (settings.switchUrl) return { root: settings.switchUrl.replace(/\/+$/, '').replace(new RegExp(PPU_BASE_PATH + '$'), ''), username: settings.switchUsername, password: secrets.get('switchPassword') ?? '', embedded: false };
    if (deps.embeddedSwitch) return { root: deps.embeddedSwitch.url.replace(/\/+$/, ''), username: deps.embeddedSwitch.username, password: deps.embeddedSwitch.password, embedded: true };
    return { root: '', username: '', password: '', embedded: false };
  }
  let client: PpuClient | null = null;
  function ppu(): PpuClient {
    if (client) return client;
    const t = switchTarget();
    if (!t.root) throw new ApiFail('SWITCH_UNREACHABLE', 'No switch is configured. Ask the manager to set the switch URL in Settings.');
    client = new PpuClient({ baseUrl: t.root, username: t.username, password: t.password, timeoutMs: settings.timeouts.requestMs, onTrace: recordTrace });
    return client;
  }
  function resetClient(): void {
    const old = client;
    client = null;
    void old?.close().catch(() => undefined);
  }
  function recordTrace(t: PpuTrace): void {
    const body = (t.requestBody ?? {}) as { id?: string; requestId?: string };
    const saleId = t.operation === 'meterLookup' ? null : (body.requestId ?? body.id ?? null);
    lastSwitchContact = { at: clock(), reachable: t.status !== null, message: t.status !== null ? `HTTP ${t.status}` : (t.reason ?? 'no answer') };
    if (closed) return;
    try {
      store.addTrace({ saleId, at: t.startedAt, operation: t.operation, url: t.url, status: t.status, outcome: t.outcome, ms: t.ms, requestJson: JSON.stringify(t.requestBody), responseJson: JSON.stringify(t.responseBody ?? null) });
    } catch {
      /* a trace is diagnostics; never let it fail a sale */
    }
  }
  async function admin<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
    const t = switchTarget();
    if (!t.root) throw new ApiFail('SWITCH_UNREACHABLE', 'No switch is configured. Set the switch URL in Settings.');
    let res: Response;
    try {
      res = await fetch(`${t.root}/admin/v1${path}`, {
        method,
        headers: { authorization: 'Basic ' + Buffer.from(`${t.username}:${t.password}`).toString('base64'), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      throw new ApiFail('SWITCH_UNREACHABLE', 'The switch cannot be reached. Check the network and the switch URL, then try again.');
    }
    const data = (await res.json().catch(() => null)) as unknown;
    if (res.status === 404) throw new ApiFail('NOT_FOUND', (data as { message?: string } | null)?.message ?? 'Not found on the switch.');
    if (res.status === 401 || res.status === 403) throw new ApiFail('FORBIDDEN', 'The switch refused the till’s credentials for its console. Check the switch user in Settings.');
    if (res.status >= 400) throw new ApiFail('INVALID_INPUT', (data as { message?: string; errorMessage?: string } | null)?.message ?? `The switch answered HTTP ${res.status}.`);
    return data as T;
  }

  // ── views ──
  function slipCtx(operatorName?: string) {
    return {
      merchantName: settings.merchantName,
      address: [settings.merchantCity].filter(Boolean),
      terminalId: settings.terminalId,
      operator: operatorName,
      footer: ['Keep this slip until the token is loaded.'],
    };
  }
  function responseOf(row: SaleRow): PurchaseResponse | null {
    return row.responseJson ? (JSON.parse(row.responseJson) as PurchaseResponse) : null;
  }
  function tokensOf(resp: PurchaseResponse | null): TokenView[] {
    return (resp?.tokens ?? []).map((t) => ({
      type: t.tokenType,
      token: t.token.replace(/\s+/g, ''),
      grouped: groupToken(t.token),
      units: t.units ?? null,
      amountCents: t.amount?.amount ?? null,
      receiptNum: t.receiptNum ?? null,
    }));
  }
  function saleView(row: SaleRow): SaleView {
    const resp = responseOf(row);
    const advices = store.advicesForSale(row.id);
    const adv = advices[advices.length - 1];
    const now = clock();
    const busy = inflight.has(row.id);
    const stage =
      row.state === 'purchasing'
        ? 'purchasing'
        : row.state === 'retrying' || row.state === 'pending'
          ? busy
            ? 'retrying'
            : 'waiting-retry'
          : row.state === 'succeeded' && !row.slipPrinted && !row.printError
            ? 'printing'
            : 'done';
    return {
      saleId: row.id,
      version: row.version,
      state: row.state as SaleState,
      late: row.late,
      meterId: row.meterId,
      amountCents: row.amountCents,
      currency: row.currency,
      tender: { type: row.tenderType as TenderKind, ...(row.maskedCard ? { maskedCard: row.maskedCard } : {}) },
      operatorId: row.operatorId,
      customerName: row.customerName,
      utilityName: row.utilityName,
      tokens: tokensOf(resp),
      charges: [
        ...(resp?.debtRecoveryCharges ?? []).map((d) => ({ kind: 'debt' as const, description: d.description ?? 'Debt recovery', amountCents: d.amount.amount, balanceCents: d.balance?.amount ?? null })),
        ...(resp?.serviceCharges ?? []).map((s) => ({ kind: 'service' as const, description: s.description ?? 'Service charge', amountCents: s.amount.amount, balanceCents: null })),
      ],
      failure: row.state === 'failed' ? { message: row.failureMessage ?? 'The sale failed. Nothing was charged.', ppuErrorType: row.failureType } : null,
      attempts: row.attempts,
      lastError: row.lastError,
      progress: {
        stage,
        attempt: row.attempts,
        nextAttemptAt: row.nextAttemptAt !== null && row.nextAttemptAt > now ? new Date(row.nextAttemptAt).toISOString() : null,
        message:
          stage === 'purchasing' ? 'Buying the token…' : stage === 'retrying' ? `Retrying (attempt ${row.attempts})…` : stage === 'waiting-retry' ? `No answer yet — retrying automatically (attempt ${row.attempts + 1} next)…` : stage === 'printing' ? 'Printing slip…' : row.state === 'succeeded' ? (row.slipPrinted ? 'Slip printed' : row.printError ? 'Slip not printed' : 'Printing slip…') : '',
      },
      slip: { printed: row.slipPrinted, kind: (row.slipKind as 'sale' | 'pending' | null) ?? null, printError: row.printError, reprintCount: store.reprintCount(row.id) },
      advice: adv ? { kind: adv.kind, delivered: adv.status === 'delivered', attempts: adv.attempts } : null,
      cancelled: row.cancelledBy ? { by: row.cancelledBy, at: row.cancelledAt ?? row.updatedAt } : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
  function summary(row: SaleRow): SaleSummary {
    return {
      saleId: row.id,
      state: row.state as SaleState,
      late: row.late,
      meterId: row.meterId,
      amountCents: row.amountCents,
      tender: row.tenderType as TenderKind,
      operatorId: row.operatorId,
      utilityName: row.utilityName,
      provider: row.provider,
      token: row.tokenText ? (row.tokenText.split(' ')[0] ?? null) : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      reprintCount: store.reprintCount(row.id),
    };
  }
  function queueItem(a: ReturnType<TillStore['listAdvices']>[number]): QueueItem {
    const sale = store.getSale(a.saleId);
    return {
      id: a.id,
      kind: a.kind,
      saleId: a.saleId,
      meterId: sale?.meterId ?? '',
      amountCents: sale?.amountCents ?? 0,
      createdAt: a.createdAt,
      ageMs: clock() - Date.parse(a.createdAt),
      attempts: a.attempts,
      lastError: a.lastError,
      nextAttemptAt: a.nextAttemptAt ? new Date(a.nextAttemptAt).toISOString() : null,
      status: a.status,
    };
  }
  function notify(saleId: string): void {
    const set = waiters.get(saleId);
    if (!set) return;
    waiters.delete(saleId);
    for (const w of set) w();
  }
  function needSale(saleId: string): SaleRow {
    const row = store.getSale(saleId);
    if (!row) throw new ApiFail('NOT_FOUND', 'No sale with this reference on this till. Check the reference.');
    return row;
  }
  function machine(row: SaleRow): MachineSale {
    return { state: row.state as SaleState, attempts: row.attempts, late: row.late, nextAttemptAt: row.nextAttemptAt, lastError: row.lastError };
  }
  const policy = () => ({ baseMs: settings.timeouts.retryBaseMs, maxMs: settings.timeouts.retryMaxMs });

  /** Applies an event: persists the new state (and any advice) in one transaction, then runs print effects. */
  function apply(saleId: string, event: SaleEvent, extra: Partial<SaleRow> = {}): { row: SaleRow; effects: Effect[] } {
    const row = needSale(saleId);
    const t = nextSale(machine(row), event, clock(), policy());
    if (!t.ok) throw new ApiFail('CONFLICT', `This sale cannot be changed: ${t.reason}.`);
    if (t.sale === machine(row) || (t.effects.length === 0 && t.sale.state === row.state && event.type === 'answer' && ['succeeded', 'failed', 'cancelled'].includes(row.state))) {
      return { row, effects: [] };
    }
    const patch: Partial<SaleRow> = { ...extra, state: t.sale.state, attempts: t.sale.attempts, late: t.sale.late, nextAttemptAt: t.sale.nextAttemptAt, lastError: t.sale.lastError, updatedAt: nowIso() };
    let advice: { id: string; kind: 'confirmation' | 'reversal'; bodyJson: string; createdAt: string } | undefined;
    for (const e of t.effects) {
      if (e.type === 'queue-confirmation') {
        const body: ConfirmationAdvice = { id: newId(), requestId: saleId, time: nowIso(), thirdPartyIdentifiers: [], tenders: (JSON.parse(row.requestJson) as PurchaseRequest).tenders };
        advice = { id: body.id, kind: 'confirmation', bodyJson: JSON.stringify(body), createdAt: body.time };
      } else if (e.type === 'queue-reversal') {
        const body: ReversalAdvice = { id: newId(), requestId: saleId, time: nowIso(), thirdPartyIdentifiers: [], reversalReason: e.reason };
        advice = { id: body.id, kind: 'reversal', bodyJson: JSON.stringify(body), createdAt: body.time };
      }
    }
    const next = store.transitionSale(saleId, patch, advice)!;
    notify(saleId);
    for (const e of t.effects) if (e.type === 'print') void printFor(saleId, e.slip);
    return { row: next, effects: t.effects };
  }

  const printing = new Set<string>();
  const slipKey = (saleId: string, kind: 'sale' | 'pending') => `sale:${saleId}:${kind}`;
  /** A slip that failed earlier and printed later (printer back): the sale says so now. */
  function markSlipsPrinted(keys: string[]): void {
    for (const key of keys) {
      const m = /^sale:(.+):(sale|pending)$/.exec(key);
      const row = m ? store.getSale(m[1] as string) : undefined;
      // Only the slip the sale is owed: a pending slip printing late does not stand for the sale's own.
      if (!m || !row || row.slipPrinted || (row.slipKind !== null && row.slipKind !== m[2])) continue;
      store.transitionSale(row.id, { slipPrinted: true, slipKind: m[2] as 'sale' | 'pending', printError: null, updatedAt: nowIso() });
      notify(row.id);
    }
  }
  async function printFor(saleId: string, kind: 'sale' | 'pending'): Promise<void> {
    if (printing.has(saleId) || closed) return;
    printing.add(saleId);
    try {
      const row = needSale(saleId);
      const op = store.getOperator(row.operatorId);
      const resp = responseOf(row);
      // Keyed per sale and slip kind: after a crash the stored job is found, never printed twice.
      const key = slipKey(saleId, kind);
      const res =
        kind === 'sale' && resp
          ? await printer.printSale(resp, slipCtx(op?.name), { key })
          : await printer.printPending({ purchaseId: row.id, meterId: row.meterId, amountCents: row.amountCents, utilityName: row.utilityName ?? undefined, at: new Date(clock()) }, slipCtx(op?.name), key);
      if (closed) return;
      store.transitionSale(saleId, { slipPrinted: res.printed, slipKind: kind, printError: res.message, updatedAt: nowIso() });
      notify(saleId);
    } finally {
      printing.delete(saleId);
    }
  }

  /** One send of a sale's purchase id: first as a purchase, later as a retry of the same request. */
  function attempt(saleId: string): Promise<void> {
    const running = inflight.get(saleId);
    if (running) return running;
    const p = (async () => {
      let row = needSale(saleId);
      if (!['purchasing', 'retrying', 'pending'].includes(row.state)) return;
      const first = row.attempts === 0;
      row = apply(saleId, { type: 'send' }).row; // attempt counted on disk before the bytes leave
      const req = JSON.parse(row.requestJson) as PurchaseRequest;
      let res: PpuResult<PurchaseResponse>;
      try {
        res = first ? await ppu().purchase(req) : await ppu().retryPurchase(req);
      } catch (err) {
        res = { outcome: 'unknown', status: null, reason: err instanceof Error ? err.message : String(err), error: null, ms: 0 };
      }
      if (closed) return;
      if (res.outcome === 'successful') {
        const b = res.body;
        const provider = b.receiver?.name ?? b.settlementEntity?.name ?? b.utility.clientId ?? null;
        apply(saleId, { type: 'answer', outcome: 'successful' }, {
          responseJson: JSON.stringify(b),
          utilityName: b.utility.name,
          customerName: [b.customer?.firstName, b.customer?.lastName].filter(Boolean).join(' ') || row.customerName,
          provider,
          tokenText: b.tokens.map((t) => t.token.replace(/\s+/g, '')).join(' '),
        });
      } else if (res.outcome === 'failed') {
        // A retry the switch has no record of means the first send never arrived: nothing was charged.
        apply(saleId, { type: 'answer', outcome: 'failed', error: res.error?.errorType ?? `HTTP ${res.status}` }, { failureMessage: words(res.error, res.status) + ' Nothing was charged.', failureType: res.error?.errorType ?? null });
      } else {
        apply(saleId, { type: 'answer', outcome: 'unknown', error: res.error?.errorType ?? res.reason });
      }
    })()
      .catch(() => undefined)
      .finally(() => {
        inflight.delete(saleId);
        notify(saleId);
      });
    inflight.set(saleId, p);
    return p;
  }

  /** Delivers the head of the advice queue (and only the head: order is kept, nothing overtakes it). */
  function deliverHead(force = false): Promise<void> {
    if (adviceInflight) return adviceInflight;
    const head = store.headAdvice();
    if (!head || (!force && head.nextAttemptAt !== null && head.nextAttemptAt > clock())) return Promise.resolve();
    adviceInflight = (async () => {
      let res: PpuResult<unknown>;
      try {
        const body = JSON.parse(head.bodyJson) as ConfirmationAdvice & ReversalAdvice;
        res = head.kind === 'confirmation' ? await ppu().confirm(body) : await ppu().reverse(body);
      } catch (err) {
        res = { outcome: 'unknown', status: null, reason: err instanceof Error ? err.message : String(err), error: null, ms: 0 };
      }
      if (closed) return;
      const why = res.outcome === 'successful' ? null : res.outcome === 'failed' ? `HTTP ${res.status} ${res.error?.errorType ?? ''}`.trim() : (res.error?.errorType ?? res.reason);
      const next = nextAdvice({ status: head.status, attempts: head.attempts, nextAttemptAt: head.nextAttemptAt, lastError: head.lastError }, res.outcome as Outcome, why, clock(), policy());
      store.updateAdvice(head.id, { ...next, deliveredAt: next.status === 'delivered' ? nowIso() : null });
      notify(head.saleId);
    })()
      .catch(() => undefined)
      .finally(() => {
        adviceInflight = null;
      });
    return adviceInflight;
  }

  async function tick(): Promise<void> {
    if (closed) return;
    const now = clock();
    const jobs: Promise<void>[] = [];
    for (const row of store.dueSales(now)) if (!inflight.has(row.id)) jobs.push(attempt(row.id));
    // Slips owed after a crash between the answer and the print.
    for (const row of store.findSales({ state: 'succeeded', limit: 50 })) if (!row.slipPrinted && !row.printError && !row.slipKind && !printing.has(row.id)) jobs.push(printFor(row.id, 'sale'));
    // Slips that could not print before go out when the printer is back, in order.
    if (!closed) markSlipsPrinted(await printer.drain());
    // Advices: keep delivering the head while it is final-ly answered, bounded per tick.
    for (let i = 0; i < 20; i++) {
      const head = store.headAdvice();
      if (!head || (head.nextAttemptAt !== null && head.nextAttemptAt > clock())) break;
      await deliverHead();
      const after = store.getAdvice(head.id);
      if (after?.status === 'queued') break;
    }
    await Promise.all(jobs);
  }

  let timer: NodeJS.Timeout | null = null;
  let ticking = false;
  const interval = deps.workerIntervalMs ?? 250;
  if (interval > 0) {
    timer = setInterval(() => {
      if (ticking) return;
      ticking = true;
      void tick().finally(() => {
        ticking = false;
      });
    }, interval);
    timer.unref?.();
  }

  // ── session helpers ──
  function sessionView(): SessionView {
    const shift = operator ? store.currentShift(operator.id) : null;
    return { operator, shift };
  }
  function need(role: 'cashier' | 'manager'): Operator {
    if (!operator) throw new ApiFail('NOT_SIGNED_IN', 'Sign in with your operator id and PIN first.');
    if (role === 'manager' && operator.role !== 'manager') throw new ApiFail('FORBIDDEN', 'Only a manager can do this. Ask a manager to sign in.');
    return operator;
  }
  function dayRange(from?: string, to?: string): { from: string; to: string } {
    const start = from ? new Date(from.length === 10 ? from + 'T00:00:00.000Z' : from) : new Date(new Date(clock()).toISOString().slice(0, 10) + 'T00:00:00.000Z');
    const end = to ? new Date(to.length === 10 ? new Date(Date.parse(to + 'T00:00:00.000Z') + 86_400_000).toISOString() : to) : new Date(start.getTime() + 86_400_000);
    return { from: start.toISOString(), to: end.toISOString() };
  }

  function eod(fromArg?: string, toArg?: string): EodReport {
    const { from, to } = dayRange(fromArg, toArg);
    const rows = store.findSales({ from, to, limit: 5000 });
    const ok_ = rows.filter((r) => r.state === 'succeeded');
    const group = (key: (r: SaleRow) => string, label: (k: string) => string = (k) => k): EodRow[] => {
      const m = new Map<string, EodRow>();
      for (const r of ok_) {
        const k = key(r);
        const e = m.get(k) ?? { key: k, label: label(k), count: 0, amountCents: 0 };
        e.count++;
        e.amountCents += r.amountCents;
        m.set(k, e);
      }
      return [...m.values()].sort((a, b) => a.key.localeCompare(b.key));
    };
    const names = new Map(store.listOperators().map((o) => [o.id, o.name]));
    const report: Omit<EodReport, 'csv' | 'lines'> = {
      from,
      to,
      generatedAt: nowIso(),
      terminalId: settings.terminalId,
      succeeded: { count: ok_.length, amountCents: ok_.reduce((s, r) => s + r.amountCents, 0) },
      failedCount: rows.filter((r) => r.state === 'failed').length,
      byUtility: group((r) => r.utilityName ?? 'Unknown'),
      byProvider: group((r) => r.provider ?? 'Unknown'),
      byTender: group((r) => r.tenderType),
      byCashier: group((r) => r.operatorId, (k) => names.get(k) ?? k),
      pending: rows.filter((r) => ['pending', 'retrying', 'purchasing'].includes(r.state)).map(summary),
      reversed: rows.filter((r) => r.state === 'cancelled').map(summary),
    };
    const money = (c: number) => (c / 100).toFixed(2);
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const csv: string[] = ['section,key,label,count,amount'];
    csv.push(`total,succeeded,Succeeded,${report.succeeded.count},${money(report.succeeded.amountCents)}`, `total,failed,Failed,${report.failedCount},0.00`);
    for (const [sec, list] of [['utility', report.byUtility], ['provider', report.byProvider], ['tender', report.byTender], ['cashier', report.byCashier]] as const) {
      for (const r of list) csv.push([sec, q(r.key), q(r.label), r.count, money(r.amountCents)].join(','));
    }
    for (const p of report.pending) csv.push(['pending', p.saleId, q(p.meterId), 1, money(p.amountCents)].join(','));
    for (const p of report.reversed) csv.push(['reversed', p.saleId, q(p.meterId), 1, money(p.amountCents)].join(','));
    const lines = [
      'END OF DAY REPORT',
      `Terminal ${settings.terminalId}`,
      `${from.slice(0, 16)} to ${to.slice(0, 16)}`,
      `Sales: ${report.succeeded.count}  R${money(report.succeeded.amountCents)}`,
      `Failed: ${report.failedCount}`,
      ...(
        [
          ['By utility', report.byUtility],
          ['By provider', report.byProvider],
          ['By tender', report.byTender],
          ['By cashier', report.byCashier],
        ] as const
      ).flatMap(([title, list]) => [title, ...list.map((r) => `  ${r.label}: ${r.count}  R${money(r.amountCents)}`)]),
      `Pending: ${report.pending.length}`,
      ...report.pending.map((p) => `  ${p.meterId} R${money(p.amountCents)} ${p.saleId.slice(0, 8)}`),
      `Reversed: ${report.reversed.length}`,
      ...report.reversed.map((p) => `  ${p.meterId} R${money(p.amountCents)} ${p.saleId.slice(0, 8)}`),
    ];
    return { ...report, csv: csv.join('\r\n') + '\r\n', lines };
  }

  const handlers: Handlers = {
    signIn({ operatorId, pin }) {
      const row = store.getOperator(operatorId);
      if (!row || !checkPin(pin, row.pinHash)) throw new ApiFail('WRONG_PIN', 'Operator id or PIN is wrong. Try again.', { field: 'pin' });
      operator = { id: row.id, name: row.name, role: row.role };
      if (!store.currentShift(row.id)) store.openShift({ id: newId(), operatorId: row.id, openedAt: nowIso(), closedAt: null });
      return sessionView();
    },
    signOut() {
      operator = null;
      return sessionView();
    },
    session: () => sessionView(),
    openShift() {
      const op = need('cashier');
      const cur = store.currentShift(op.id);
      if (cur) return cur;
      const s = { id: newId(), operatorId: op.id, openedAt: nowIso(), closedAt: null };
      store.openShift(s);
      return s;
    },
    closeShift() {
      const op = need('cashier');
      const cur = store.currentShift(op.id);
      if (!cur) throw new ApiFail('NO_SHIFT', 'No shift is open.');
      const at = nowIso();
      store.closeShift(cur.id, at);
      return { shift: { ...cur, closedAt: at }, report: eod(cur.openedAt, at) };
    },
    listOperators: () => store.listOperators().map(({ id, name, role }) => ({ id, name, role })),
    saveOperator({ id, name, role, pin }) {
      const existing = store.getOperator(id);
      if (!existing && !pin) throw new ApiFail('INVALID_INPUT', 'A new operator needs a PIN.', { field: 'pin' });
      store.upsertOperator({ id, name, role, pinHash: pin ? hashPin(pin) : existing!.pinHash });
      return { id, name, role };
    },

    async lookupMeter(args) {
      need('cashier');
      const m = checkMeter(args);
      if (!m.ok) throw new ApiFail('INVALID_INPUT', m.message, { field: args.meterId ? 'meterId' : 'track2' });
      const id = newId();
      const res = await ppu().meterLookup({ ...baseTx(id), meter: { meterId: m.meterId, ...(args.track2 ? { track2Data: args.track2 } : {}) } });
      if (res.outcome === 'failed') throw new ApiFail('DECLINED', words(res.error, res.status), { ppuErrorType: res.error?.errorType });
      if (res.outcome === 'unknown') throw new ApiFail('SWITCH_UNREACHABLE', 'The switch did not answer the lookup. Try again; if it keeps failing, check the network.');
      const b: MeterLookupResponse = res.body;
      const view: LookupView = {
        lookupRef: id,
        meterId: b.meter.meterId || m.meterId,
        customerName: [b.customer?.firstName, b.customer?.lastName].filter(Boolean).join(' ') || null,
        address: b.customer?.address ?? null,
        accountNumber: b.customer?.accountNumber ?? null,
        utilityName: b.utility?.name ?? null,
        utilityType: b.utilityType ?? null,
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

    purchase(args) {
      const op = need('cashier');
      const m = checkMeter({ meterId: args.meterId });
      if (!m.ok) throw new ApiFail('INVALID_INPUT', m.message, { field: 'meterId' });
      // A second Sell for the same lookup (double press, resubmitted request) answers the first sale: never two.
      const already = args.lookupRef ? store.saleByLookupRef(args.lookupRef) : null;
      if (already) return saleView(already);
      const lk = args.lookupRef ? lookups.get(args.lookupRef) : undefined;
      if (lk && lk.meterId !== m.meterId) throw new ApiFail('INVALID_INPUT', 'The meter number changed after the lookup. Look the meter up again.', { field: 'meterId' });
      const amt = checkAmount(args.amountCents, lk?.minCents ?? null, lk?.maxCents ?? null);
      if (!amt.ok) throw new ApiFail('INVALID_INPUT', amt.message, { field: 'amountCents' });
      const id = newId();
      const amount = { amount: args.amountCents, currency: '710' };
      const req: PurchaseRequest = {
        ...baseTx(id),
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
      void attempt(id);
      return saleView(needSale(id));
    },

    async getSale({ saleId, sinceVersion, waitMs }) {
      let row = needSale(saleId);
      if (sinceVersion !== undefined && waitMs && row.version <= sinceVersion) {
        await new Promise<void>((resolve) => {
          const set = waiters.get(saleId) ?? new Set();
          const done = () => {
            clearTimeout(t);
            set.delete(done);
            resolve();
          };
          const t = setTimeout(done, waitMs);
          set.add(done);
          waiters.set(saleId, set);
        });
        row = needSale(saleId);
      }
      return saleView(row);
    },
    lastSale() {
      const op = need('cashier');
      const row = store.lastSale(op.id);
      return row ? saleView(row) : null;
    },
    leavePending({ saleId }) {
      need('cashier');
      return saleView(apply(saleId, { type: 'leave-pending' }).row);
    },
    cancelPending({ saleId }) {
      const op = need('manager');
      const res = apply(saleId, { type: 'cancel' }, { cancelledBy: op.id, cancelledAt: nowIso() }).row;
      void deliverHead();
      return saleView(res);
    },
    async retryNow({ saleId }) {
      need('cashier');
      apply(saleId, { type: 'retry-now' });
      await attempt(saleId);
      return saleView(needSale(saleId));
    },

    searchSlips(a) {
      const rows = store.findSales({ meterId: a.meterId, q: a.reference ?? a.token, from: a.from ? dayRange(a.from).from : undefined, to: a.to ? dayRange(undefined, a.to).to : undefined, limit: a.limit ?? 100 });
      return rows.map(summary);
    },
    async reprintLocal({ saleId }) {
      const op = need('manager');
      const row = needSale(saleId);
      const resp = responseOf(row);
      const at = new Date(clock());
      // The customer never got the first slip: send that one (not a REPRINT copy that would print beside it later).
      const firstKey = slipKey(saleId, resp ? 'sale' : 'pending');
      const first = row.slipPrinted ? null : await printer.resend(firstKey);
      if (first?.printed) markSlipsPrinted([firstKey]);
      const res = first ?? (resp
        ? await printer.printSale(resp, slipCtx(store.getOperator(row.operatorId)?.name), { reprint: { at, operator: op.name } })
        : row.state === 'pending' || row.state === 'retrying'
          ? await printer.printPending({ purchaseId: row.id, meterId: row.meterId, amountCents: row.amountCents, utilityName: row.utilityName ?? undefined, at }, slipCtx(op.name))
          : null);
      if (!res) throw new ApiFail('CONFLICT', `A ${row.state} sale has no slip to reprint.`);
      const reprintCount = store.addReprint({ saleId, operatorId: op.id, at: at.toISOString(), source: 'local', printed: res.printed });
      return { ...res, reprintCount };
    },
    async reprintFromSwitch({ saleId }) {
      const op = need('manager');
      const row = needSale(saleId);
      if (row.state !== 'succeeded') throw new ApiFail('CONFLICT', 'Only a completed sale can be reprinted from the switch.');
      const id = newId();
      const res = await ppu().reprint({ ...baseTx(id), meter: { meterId: row.meterId }, originalRef: row.id });
      if (res.outcome === 'failed') {
        const t = res.error?.errorType;
        if (t === 'FUNCTION_NOT_SUPPORTED' || t === 'TRANSACTION_NOT_SUPPORTED' || res.status === 501) throw new ApiFail('NOT_SUPPORTED', 'This provider does not support reprints from the switch. Use the local reprint.');
        throw new ApiFail('DECLINED', words(res.error, res.status));
      }
      if (res.outcome === 'unknown') throw new ApiFail('SWITCH_UNREACHABLE', 'The switch did not answer. Use the local reprint or try again.');
      const at = new Date(clock());
      const printed = await printer.printSale({ ...res.body, id: row.id }, slipCtx(store.getOperator(row.operatorId)?.name), { reprint: { at, operator: op.name } });
      store.addReprint({ saleId, operatorId: op.id, at: at.toISOString(), source: 'switch', printed: printed.printed });
      return { ...printed, tokens: tokensOf(res.body) };
    },

    listQueue({ includeDelivered }) {
      const sales: QueueItem[] = store.openSales().map((r) => ({
        id: r.id, kind: 'purchase', saleId: r.id, meterId: r.meterId, amountCents: r.amountCents, createdAt: r.createdAt, ageMs: clock() - Date.parse(r.createdAt),
        attempts: r.attempts, lastError: r.lastError, nextAttemptAt: r.nextAttemptAt ? new Date(r.nextAttemptAt).toISOString() : null, status: 'queued',
      }));
      return [...sales, ...store.listAdvices(includeDelivered ?? false).map(queueItem)];
    },
    async retryQueueItem({ id }) {
      need('manager');
      const advice = store.getAdvice(id);
      if (advice) {
        if (advice.status === 'queued' && store.headAdvice()?.id === id) await deliverHead(true);
        return queueItem(store.getAdvice(id)!);
      }
      const row = needSale(id);
      if (['retrying', 'pending'].includes(row.state)) apply(id, { type: 'retry-now' });
      await attempt(id);
      return queueItem0(needSale(id));
    },

    listTransactions(f) {
      const r = f.from || f.to ? dayRange(f.from, f.to) : { from: undefined, to: undefined };
      return store.findSales({ ...f, from: r.from, to: r.to }).map(summary);
    },
    getTransaction({ saleId }) {
      const row = needSale(saleId);
      return {
        sale: saleView(row),
        advices: store.advicesForSale(saleId).map(queueItem),
        reprints: store.reprintsFor(saleId).map((r) => ({ at: r.at, operatorId: r.operatorId, source: r.source, printed: r.printed })),
        traces: store.tracesFor(saleId).map((t) => ({ at: t.at, operation: t.operation, url: t.url, status: t.status, outcome: t.outcome as 'successful', ms: t.ms, requestBody: JSON.parse(t.requestJson ?? 'null') as unknown, responseBody: JSON.parse(t.responseJson ?? 'null') as unknown })),
      };
    },
    eodReport: ({ from, to }) => eod(from, to),
    async printEodReport({ from, to }) {
      return printer.printLines(eod(from, to).lines, slipCtx(operator?.name));
    },

    getSettings: () => settingsView(settings, Boolean(secrets.get('switchPassword'))),
    setSettings(patch) {
      const v = validateSettings(settings, patch);
      if (!v.ok) {
        const [field, msg] = Object.entries(v.fields)[0]!;
        throw new ApiFail('INVALID_INPUT', `${field}: ${msg}`, { field, fields: v.fields });
      }
      // All or nothing: the password and the document are stored only after every field passed.
      if (patch.switchPassword !== undefined) secrets.set('switchPassword', patch.switchPassword);
      store.setSetting('settings', v.value);
      settings = v.value;
      resetClient();
      deps.onSettingsChanged?.(settings);
      return settingsView(settings, Boolean(secrets.get('switchPassword')));
    },
    async testConnection() {
      const t = switchTarget();
      if (!t.root) return { reachable: false, ms: 0, message: 'No switch URL is set.' };
      const t0 = performance.now();
      const res = await ppu().meterLookup({ ...baseTx(newId()), meter: { meterId: '0' } });
      const ms = Math.round(performance.now() - t0);
      if (res.status === null) return { reachable: false, ms, message: `The switch cannot be reached (${res.outcome === 'unknown' ? res.reason : ''}). Check the URL and the network.` };
      if (res.status === 401 || res.status === 403) return { reachable: true, ms, message: 'The switch answered but refused the username or password.' };
      return { reachable: true, ms, message: `The switch answered in ${ms} ms.` };
    },
    printTestPage: () => printer.printTestPage({ merchantName: settings.merchantName, terminalId: settings.terminalId }, new Date(clock())),

    async status() {
      const t = switchTarget();
      if (t.root && (!lastSwitchContact || clock() - lastSwitchContact.at > 15_000)) {
        // Cheap reachability probe: any HTTP answer (even 404) means the switch is there.
        try {
          const r = await fetch(t.root + PPU_BASE_PATH, { signal: AbortSignal.timeout(2000) });
          await r.body?.cancel();
          lastSwitchContact = { at: clock(), reachable: true, message: `HTTP ${r.status}` };
        } catch {
          lastSwitchContact = { at: clock(), reachable: false, message: 'The switch cannot be reached' };
        }
      }
      const p = await printer.status().catch(() => ({ state: 'problem' as const, message: 'Printer status unknown' }));
      return {
        mode: deps.mode,
        till: { storeName: settings.merchantName, terminalId: settings.terminalId },
        switch: {
          reachable: lastSwitchContact?.reachable ?? false,
          url: t.root,
          embedded: t.embedded,
          checkedAt: lastSwitchContact ? new Date(lastSwitchContact.at).toISOString() : null,
          message: lastSwitchContact ? lastSwitchContact.message : 'Not contacted yet',
        },
        printer: { state: p.state, kind: settings.printer.kind, message: p.message },
        pendingCount: store.countOpenSales(),
        adviceCount: store.countQueuedAdvices(),
        operator,
        shift: operator ? store.currentShift(operator.id) : null,
      };
    },
    async listSerialPorts() {
      const ports = (await deps.listSerialPorts?.()) ?? [];
      return ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer ?? null }));
    },
    virtualPrinterJobs({ limit }) {
      const vp = deps.virtualPrinter;
      if (!vp) return { enabled: false, status: null, jobs: [] };
      const jobs = vp.jobs().slice(-(limit ?? 50)).reverse();
      return {
        enabled: true,
        status: vp.status?.() ?? null,
        jobs: jobs.map((j) => ({
          id: String(j.n),
          at: j.receivedAt,
          bytes: j.bytes,
          text: j.text,
          commands: (j.commands as unknown[]).map((c) => (typeof c === 'string' ? c : JSON.stringify(c))),
          pngUrl: deps.fileUrls ? `/print-jobs/${j.n}.png` : null,
          binUrl: deps.fileUrls ? `/print-jobs/${j.n}.bin` : null,
        })),
      };
    },
    setVirtualPrinterStatus(s) {
      const set = deps.virtualPrinter?.setStatus;
      if (!set) throw new ApiFail('NOT_FOUND', 'The virtual printer is not in use (a real printer is configured).');
      return set(s);
    },
    virtualPrinterFile({ id, kind }) {
      const job = deps.virtualPrinter?.jobs().find((j) => String(j.n) === id);
      if (!job) throw new ApiFail('NOT_FOUND', 'No such print job.');
      return { mime: kind === 'png' ? 'image/png' : 'application/octet-stream', base64: readFileSync(kind === 'png' ? job.files.png : job.files.bin).toString('base64') };
    },

    meterSearch: ({ prefix, limit }) => admin('GET', `/meters?prefix=${encodeURIComponent(prefix)}&limit=${limit ?? 10}`),
    meterDetail: ({ meterId }) => admin('GET', `/meters/${encodeURIComponent(meterId)}`),
    confirmSupport: ({ meterId }) => admin('POST', `/meters/${encodeURIComponent(meterId)}/confirm-support`, {}),
    routing: () => admin('GET', '/routing'),
    providers: () => admin('GET', '/providers'),
    async alerts() {
      const d = await admin<unknown>('GET', '/alerts');
      return { alerts: Array.isArray(d) ? d : ((d as { alerts?: [] }).alerts ?? []) };
    },
    async switchTransactions(f) {
      const qs = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();
      const d = await admin<unknown>('GET', `/transactions${qs ? '?' + qs : ''}`);
      return { transactions: Array.isArray(d) ? d : ((d as { transactions?: [] }).transactions ?? []) };
    },
    switchTransaction: ({ id }) => admin('GET', `/transactions/${encodeURIComponent(id)}`),
    async switchAdvices() {
      const d = await admin<unknown>('GET', '/advices');
      return { advices: Array.isArray(d) ? d : ((d as { advices?: [] }).advices ?? []) };
    },
    async setProviderBehaviour({ providerId, patch }) {
      const d = await admin<Record<string, unknown>>('PATCH', `/providers/${encodeURIComponent(providerId)}/behaviour`, patch);
      return { providerId, behaviour: ((d.behaviour ?? d) as unknown) as TillValues['setProviderBehaviour']['behaviour'] };
    },
  };

  function queueItem0(r: SaleRow): QueueItem {
    return { id: r.id, kind: 'purchase', saleId: r.id, meterId: r.meterId, amountCents: r.amountCents, createdAt: r.createdAt, ageMs: clock() - Date.parse(r.createdAt), attempts: r.attempts, lastError: r.lastError, nextAttemptAt: r.nextAttemptAt ? new Date(r.nextAttemptAt).toISOString() : null, status: r.state === 'succeeded' ? 'delivered' : r.state === 'failed' ? 'failed' : 'queued' };
  }

  function baseTx(id: string) {
    return {
      id,
      time: nowIso(),
      originator: {
        institution: { id: settings.institutionId, name: settings.institutionName },
        terminalId: settings.terminalId,
        merchant: { merchantId: settings.merchantId, merchantType: settings.merchantType, merchantName: { name: settings.merchantName, city: settings.merchantCity, region: settings.merchantRegion, country: settings.merchantCountry } },
      } as PurchaseRequest['originator'],
      client: { id: settings.clientId, name: settings.clientName },
      thirdPartyIdentifiers: [],
    };
  }

  const invoke: Invoke = async <M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<TillValues[M]>> => {
    if (!Object.prototype.hasOwnProperty.call(METHODS, method)) return fail('NOT_FOUND', `Unknown till method "${String(method)}".`);
    const v = validateArgs(method, args);
    if (!v.ok) return v;
    const role = METHODS[method].role;
    try {
      if (role !== 'public') need(role);
      const fn = handlers[method] as (a: unknown) => Promise<TillValues[M]> | TillValues[M];
      return ok(await fn(v.value));
    } catch (err) {
      if (err instanceof ApiFail) return fail(err.code, err.message, err.extra);
      return fail('INTERNAL', `Something went wrong in the till: ${err instanceof Error ? err.message : String(err)}. Nothing was lost; try again.`);
    }
  };

  return {
    invoke,
    tick,
    store,
    async idle() {
      for (let i = 0; i < 1000 && (inflight.size > 0 || adviceInflight || printing.size > 0); i++) {
        await Promise.all([...inflight.values(), adviceInflight ?? Promise.resolve()]);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      if (timer) clearInterval(timer);
      await Promise.all([...inflight.values(), adviceInflight ?? Promise.resolve()]).catch(() => undefined);
      closed = true;
      for (const set of waiters.values()) for (const w of set) w();
      resetClient();
      await printer.drain().catch(() => []);
      printer.close();
    },
  };
}

export type { TillSettings };
