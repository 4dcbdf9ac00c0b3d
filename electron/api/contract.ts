/**
 * The TillApi contract: the ONE typed surface between the till's screens (renderer/) and its back end
 * (electron/till). Plain types + zod schemas for every method's arguments; no Node imports, so the
 * renderer imports it directly.
 *
 * Transport (same contract over both):
 *  - Electron: preload exposes `window.till.invoke(method, args)` over IPC channel `till:invoke`;
 *    main validates `args` with `METHODS[method].args` before calling the back end.
 *  - Browser host: `POST /api/<method>` with the JSON args as body and header `x-till-token: <token>`;
 *    the response body is always a `Result` JSON. The token is per launch: the page URL carries it
 *    as `?token=…` (see `tokenFromLocation` in http-client.ts), or the page may find it in `window.__TILL_TOKEN__`.
 *  - Every result is `{ok:true, value} | {ok:false, error}`; nothing throws across the boundary.
 *  - Sale progress: `getSale({saleId, sinceVersion, waitMs})` is a long poll that answers as soon as
 *    the sale's `version` is greater than `sinceVersion` (or after waitMs with the current view).
 *
 * Longer than 400 lines on purpose: it is one list. METHODS (each method's argument schema and role)
 * and TillValues (each method's answer) are checked against each other at compile time, and the
 * view types above them are what those answers are made of; split by method group, a method's
 * argument, role and answer would sit in three files and the check would span them all. What is not
 * the list lives beside it: transport constants in transport.ts, the client in http-client.ts.
 */
import { z } from 'zod';
import { CARD_APPROVAL_CODE, MASKED_CARD } from './masked-card';
import type { ProviderBehaviour } from '../../switch-core/providers/types';
import type { CertifyReport, ReconcileReport, StoreEodReport, StoreReprintEntry, StoreSale } from './store-contract';

export type * from './store-contract';

// ───────────────────────────── results and errors ─────────────────────────────

export const API_ERROR_CODES = [
  'INVALID_INPUT', // an argument is wrong; `field` names it
  'NOT_SIGNED_IN',
  'FORBIDDEN', // role does not allow it (e.g. cashier reprint)
  'WRONG_PIN',
  'PIN_LOCKED', // too many wrong PINs: wait, or a manager unlocks
  'PIN_CHANGE_REQUIRED', // signed in with a default or manager-set PIN: choose a new one first
  'NO_SHIFT', // a sale needs an open shift
  'DISK_FULL', // the till cannot be sure to record the answer: nothing was sent
  'STORE_DAMAGED', // the till's database failed its check: no sales until a manager restores it
  'NEEDS_APPROVAL', // the meter has a pending sale: a manager must approve a second one (`pendingSaleId`)
  'NOT_FOUND',
  'CONFLICT', // the thing is not in a state that allows this (e.g. cancel a completed sale)
  'DECLINED', // the switch answered with a final failure (nothing charged)
  'SWITCH_UNREACHABLE',
  'PRINTER_PROBLEM',
  'NOT_SUPPORTED',
  'UNAUTHORIZED', // HTTP transport: token missing or wrong
  'BACKEND_UNREACHABLE', // HTTP transport: nothing answered (the till's back end stopped or is starting)
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiError {
  code: ApiErrorCode;
  /** In the cashier's words, including what to do next. */
  message: string;
  /** Which argument / settings field is wrong (dot path), when there is one. */
  field?: string;
  /** Per-field messages when several fields are wrong (settings). */
  fields?: Record<string, string>;
  /** The PPU errorType behind a DECLINED, e.g. "UNKNOWN_METER_ID". */
  ppuErrorType?: string;
  /** NEEDS_APPROVAL: the reference of the meter's pending sale the manager approves over. */
  pendingSaleId?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ApiErrorCode, message: string, extra: Omit<ApiError, 'code' | 'message'> = {}): Result<never> => ({
  ok: false,
  error: { code, message, ...extra },
});

// ───────────────────────────── shared value types ─────────────────────────────

export type Role = 'cashier' | 'manager';
export interface Operator {
  id: string;
  name: string;
  role: Role;
}
/** A drawer session ("shift"): one operator's drawer from opening (with its float) to a blind close. */
export interface Shift {
  id: string;
  operatorId: string;
  openedAt: string;
  closedAt: string | null;
  /** The cash the drawer started with, typed at opening. */
  floatCents: number;
}
export interface SessionView {
  operator: Operator | null;
  shift: Shift | null;
  /** Signed in with a default or manager-set PIN: only changePin and signOut work until it is changed. */
  mustChangePin: boolean;
  /** This operator sees the field-tech screens (Virtual printer, Virtual meter, Provider faults): a manager, or a cashier when Settings say so. */
  fieldTools: boolean;
  /** The till's time zone (IANA name): every time a person reads is shown in it. */
  timeZone: string;
}
/** An operator as the manager's list shows it. */
export interface OperatorView extends Operator {
  mustChangePin: boolean;
  /** Until when wrong PINs keep this operator out (null when not locked). */
  lockedUntil: string | null;
}

export type TenderKind = 'CASH' | 'DEBIT_CARD' | 'CREDIT_CARD';
export interface TenderInput {
  type: TenderKind;
  /** Masked PAN as printed on a card terminal slip (MASKED_CARD), e.g. "123456******7890". */
  maskedCard?: string;
  /** Cash: what the customer handed over (at least the amount); the change is this less the amount. */
  cashReceivedCents?: number;
  /** The card terminal's approval (authorisation) code for this amount, as its slip prints it (CARD_APPROVAL_CODE in masked-card.ts). */
  approvalCode?: string;
}

/** A sale still open on a meter (purchasing, retrying or pending): selling again needs a manager. */
export interface OpenSaleFlag {
  saleId: string;
  state: SaleState;
  amountCents: number;
  createdAt: string;
}

export interface LookupView {
  /** The lookup's id; pass it to purchase so the sale carries what the cashier saw. */
  lookupRef: string;
  meterId: string;
  customerName: string | null;
  address: string | null;
  utilityName: string | null;
  utilityType: 'ELECTRICITY' | 'WATER' | 'GAS' | null;
  minCents: number | null;
  maxCents: number | null;
  arrearsCents: number | null;
  freeUnitsDue: boolean;
  /** Message from the utility to show the cashier, if any. */
  message: string | null;
  currency: '710' | string;
  /** The meter's sale still waiting for its answer, if any: flagged before an amount is typed. */
  openSale: OpenSaleFlag | null;
}

/**
 * States of a sale (the pure machine in electron/till/sale-machine.ts):
 * purchasing → succeeded | failed | retrying; retrying → succeeded | failed | pending (cashier left it);
 * pending → succeeded (late answer, "succeeded-late") | cancelled (reversal queued).
 */
export const SALE_STATES = ['purchasing', 'retrying', 'succeeded', 'failed', 'pending', 'cancelled'] as const;
export type SaleState = (typeof SALE_STATES)[number];
/** The one definition of a sale's final states: no answer changes them, nothing retries them. */
export const FINAL_SALE_STATES = ['succeeded', 'failed', 'cancelled'] as const satisfies readonly SaleState[];
/** States in which the till still owes the customer an answer (it retries the same purchase id). */
export const OPEN_SALE_STATES = ['purchasing', 'retrying', 'pending'] as const satisfies readonly SaleState[];
export const isFinalSaleState = (s: string): boolean => (FINAL_SALE_STATES as readonly string[]).includes(s);
export const isOpenSaleState = (s: string): boolean => (OPEN_SALE_STATES as readonly string[]).includes(s);

export type SaleStage = 'purchasing' | 'retrying' | 'waiting-retry' | 'printing' | 'done';
export interface SaleProgress {
  stage: SaleStage;
  /** Attempt number of the current/last send of this purchase id (1 = first send). */
  attempt: number;
  /** Sends the till makes while the cashier waits (1 + Settings' foregroundRetries); then the sale is left pending and retried in the background. */
  attemptsWhileWaiting: number;
  /** When the next retry goes out, for 'waiting-retry'. */
  nextAttemptAt: string | null;
  /** Human words for the wait: "Retrying (attempt 3)…", "Printing slip…". */
  message: string;
}

export interface TokenView {
  /** STD | BSST | REFUND | KC | PWRLMT; null when the provider's answer left it out. */
  type: string | null;
  /** The token digits, no spaces. */
  token: string;
  /** The token in groups of four for display: "1234 5678 9012 3456 7890". */
  grouped: string;
  /** Units as the provider gave them (the model's BigDecimal), e.g. 73.8. */
  units: number | null;
  /** The unit the slip prints beside them (kWh, kL, kg: common/tax-invoice.ts commodityOf); '' when the utility type is not one the till knows. */
  unit: string;
  amountCents: number | null;
  receiptNum: string | null;
}
export interface ChargeView {
  kind: 'debt' | 'service';
  description: string;
  /** Null when the provider's answer left it out. */
  amountCents: number | null;
  balanceCents: number | null;
}

/** What an amount would pay for on a meter, asked before the sale (a PPU trial purchase). */
export interface SaleSplitView {
  /** False when no provider for this meter offers trial purchases: the split shows on the slip only. */
  supported: boolean;
  meterId: string;
  amountCents: number;
  /** Debt (arrears, appliance instalments) and service/access charges the amount pays first. */
  charges: ChargeView[];
  /** What buys units, or null when the amount only repays debt (the sale issues no token, a receipt). */
  credit: { amountCents: number; units: number | null } | null;
  /** The amount that repays what is due now and buys no units ("repay appliance only"), when there is any. */
  repayOnlyCents: number | null;
}

export interface SlipStatus {
  printed: boolean;
  /** Kind of the last slip printed for this sale. */
  kind: 'sale' | 'pending' | 'cancelled' | null;
  printError: string | null;
  reprintCount: number;
}

export interface SaleView {
  /** Same as the PPU purchase id (UUIDv4). */
  saleId: string;
  /** Increases on every change the cashier can see (the sale's row, a send starting or ending); use with getSale's sinceVersion. */
  version: number;
  state: SaleState;
  /** True when a pending sale got its token after the cashier left it. */
  late: boolean;
  /** True when the till had lost this completed sale and took it back from the switch's record. */
  recovered: boolean;
  meterId: string;
  amountCents: number;
  currency: string;
  tender: TenderInput;
  operatorId: string;
  customerName: string | null;
  utilityName: string | null;
  tokens: TokenView[];
  charges: ChargeView[];
  /** Failed: why, in plain words (nothing was charged). */
  failure: { message: string; ppuErrorType: string | null } | null;
  attempts: number;
  lastError: string | null;
  progress: SaleProgress;
  slip: SlipStatus;
  /** Confirmation/reversal delivery for this sale. */
  advice: { kind: 'confirmation' | 'reversal'; delivered: boolean; attempts: number } | null;
  /** Who cancelled a pending sale, and when. */
  cancelled: { by: string; at: string } | null;
  /** A cash sale cancelled or failed: where its cash goes back to the customer from, as recorded — a drawer at this till, or the safe (no drawer session open); null for a card or any other outcome. */
  refundFrom: 'drawer' | 'safe' | null;
  createdAt: string;
  updatedAt: string;
  /** False while the switch's answer is shown but not yet written (disk full); it is written when space returns. */
  saved: boolean;
}

export interface SaleSummary {
  saleId: string;
  state: SaleState;
  late: boolean;
  meterId: string;
  amountCents: number;
  tender: TenderKind;
  operatorId: string;
  utilityName: string | null;
  provider: string | null;
  /** The token the customer loads for credit, in groups of four, when succeeded. */
  token: string | null;
  createdAt: string;
  updatedAt: string;
  reprintCount: number;
}

export interface PrintResult {
  printed: boolean;
  /** Why it did not print, and what to do ("Printer out of paper — load paper and reprint"). */
  message: string | null;
  jobId: string | null;
}

export type QueueKind = 'purchase' | 'confirmation' | 'reversal';
export interface QueueItem {
  id: string;
  kind: QueueKind;
  saleId: string;
  meterId: string;
  amountCents: number;
  createdAt: string;
  ageMs: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  status: 'queued' | 'delivered' | 'failed';
}

export interface ReprintLogEntry {
  at: string;
  operatorId: string;
  /** 'local' or 'switch' here; 'store' when another till of the store printed a COPY (`reprintedAt` names it). */
  source: 'local' | 'switch' | 'store';
  printed: boolean;
  reprintedAt?: string;
}

export interface TransactionDetail {
  sale: SaleView;
  advices: QueueItem[];
  reprints: ReprintLogEntry[];
  /** Till ↔ switch message traces kept locally for this sale. */
  traces: TillTrace[];
}
export interface TillTrace {
  at: string;
  operation: string;
  url: string;
  status: number | null;
  /** 'unreadable': a success whose body the till could not read (kept as it came; the sale stays pending). */
  outcome: 'successful' | 'failed' | 'unknown' | 'unreadable';
  ms: number;
  requestBody: unknown;
  responseBody: unknown;
}

export interface EodRow {
  key: string;
  label: string;
  count: number;
  amountCents: number;
}
/** What the manager counted at cash-up: the float the drawer started with, cash taken to the safe, and per tender what is there. */
export interface CashCount {
  openingFloatCents: number;
  dropsCents: number;
  /** Cash in the drawer; card totals from the card terminal's own end-of-day slip. Missing = not counted yet. */
  counted: Partial<Record<TenderKind, number>>;
}
export interface CashUpRow {
  tender: TenderKind;
  label: string;
  /** Cash: float + cash sales + cash kept for pending sales − drops. Cards: card sales, pending included. */
  expectedCents: number;
  countedCents: number | null;
  /** Counted − expected: negative is short, positive is over. */
  differenceCents: number | null;
  /**
   * End of day, counts from the sessions: the expected money no count covers (sessions not counted,
   * sales in no session), so counted − difference + this = expected. Absent on a session's own rows.
   */
  uncountedCents?: number;
}
/**
 * The refund of a cancelled pending cash sale whose own drawer session was closed by then (or that had
 * none): paid out of the drawer session open at the till then, or from the safe when none was.
 */
export interface RefundPayoutView {
  saleId: string;
  amountCents: number;
  at: string;
  /** Who cancelled the sale and paid the refund. */
  by: string;
  /** The session whose drawer paid it; null: paid from the safe. */
  paidFrom: { shiftId: string; operatorName: string } | null;
  /** The (closed) session that took the sale's cash; null for a sale that had none (recovered). */
  soldIn: { shiftId: string; operatorName: string } | null;
}
export interface DrawerOpenView {
  at: string;
  operator: string;
  reason: string;
  /** False when the printer did not take the drawer kick. */
  opened: boolean;
}

export interface EodReport {
  from: string;
  to: string;
  generatedAt: string;
  terminalId: string;
  succeeded: { count: number; amountCents: number };
  failedCount: number;
  byUtility: EodRow[];
  byProvider: EodRow[];
  byTender: EodRow[];
  byCashier: EodRow[];
  pending: SaleSummary[];
  /** Cash kept in the drawer for pending cash sales (part of the cash expected). */
  heldForPendingCents: number;
  reversed: SaleSummary[];
  openingFloatCents: number;
  dropsCents: number;
  /** Refunds the sessions' drawers paid out for sales of closed sessions (already taken off their expected cash). */
  refundsPaidCents: number;
  /**
   * Per tender, expected over the drawer sessions of the period and the sales in none; counted and the
   * difference are the sessions' own counts (summed over those counted) unless the manager typed a count.
   */
  cashUp: CashUpRow[];
  /** The drawer sessions of the period (opened in it, or with sales in it), each with its own count or "not counted". */
  sessions: ShiftSummary[];
  /** Refunds paid from the safe in the period: in no drawer's figures. */
  safeRefunds: RefundPayoutView[];
  /** Drawer opened by a manager without a sale ("no sale"), with who and why. */
  drawerOpens: DrawerOpenView[];
  /** One row per sale in the period (every state), as CSV text (RFC 4180), ready to save. */
  csv: string;
  /** "end-of-day-2026-11-30.csv", or "end-of-day-2026-11-01-to-2026-11-30.csv" for a range. */
  csvFileName: string;
  /** The report laid out as a receipt, every line within 32 columns (fits 58 and 80 mm paper). */
  lines: string[];
}

/** What is counted at a session's close: the cash in the drawer, and the card terminal's totals when there are any. */
export type ShiftCount = { CASH: number } & Partial<Record<'DEBIT_CARD' | 'CREDIT_CARD', number>>;
export interface CashDropView {
  at: string;
  amountCents: number;
  /** Who took it to the safe. */
  by: string;
}
/** Report widths: 32 columns fit 58 mm paper; 42 and 48 are 80 mm paper in its two fonts. */
export const REPORT_WIDTHS = [32, 42, 48] as const;
export type ReportWidth = (typeof REPORT_WIDTHS)[number];
/**
 * One drawer session's report. While the session is open it is an X-read: what was sold, the float and
 * drops, and nothing of what the drawer should hold (the close is a blind count). Once closed, it has
 * the counted figures, what was expected and the variance.
 */
export interface ShiftReport {
  shift: Shift & { operatorName: string; closedBy: string | null };
  kind: 'X-read' | 'session close';
  generatedAt: string;
  floatCents: number;
  drops: CashDropView[];
  dropsCents: number;
  /** Refunds this drawer paid for sales of sessions closed before (less cash expected). */
  refunds: RefundPayoutView[];
  refundsCents: number;
  sold: { count: number; amountCents: number };
  byTender: EodRow[];
  /** Pending sales of this session: their cash is held in the drawer. */
  pending: SaleSummary[];
  /** Null until the session is closed with its count. */
  counted: ShiftCount | null;
  cashUp: CashUpRow[] | null;
  /** Cash counted − expected (negative: short); null until counted. */
  varianceCents: number | null;
  columns: ReportWidth;
  lines: string[];
}
/** A session as the Z-read lists it. */
export interface ShiftSummary {
  shift: Shift & { operatorName: string; closedBy: string | null };
  dropsCents: number;
  /** Refunds its drawer paid out for sales of closed sessions. */
  refundsCents: number;
  soldCents: number;
  /** Null while the session is open (not counted yet). */
  countedCashCents: number | null;
  expectedCashCents: number | null;
  varianceCents: number | null;
}
/** The Z-read: the till's day (every session since the last Z-read) and, once closed, its number. */
export interface DayReport {
  /** Null on the preview, before the day is closed. */
  zNumber: number | null;
  from: string;
  to: string;
  closedBy: string | null;
  sessions: ShiftSummary[];
  /** Sessions still open: the day closes only when they are closed (a manager can close them). */
  openSessions: ShiftSummary[];
  floatCents: number;
  dropsCents: number;
  /** Refunds of the day's sessions' closed sales: paid from a drawer (in its figures) or from the safe (in none). */
  refunds: RefundPayoutView[];
  safeRefundsCents: number;
  sold: { count: number; amountCents: number };
  byTender: EodRow[];
  pending: SaleSummary[];
  countedCashCents: number;
  expectedCashCents: number;
  varianceCents: number;
  columns: ReportWidth;
  lines: string[];
}

export const PAPER_WIDTHS = [58, 80] as const;
/** The kinds of printer address (docs/printing.md); 'none' when the address is empty. */
export type PrinterKind = 'virtual' | 'tcp' | 'serial' | 'device' | 'cups' | 'windows' | 'none';
/** How the cash drawer hangs off the printer's drawer port. */
export interface DrawerSettings {
  /** Open the drawer when a cash sale succeeds. */
  kickOnCash: boolean;
  /** Drawer connector pin: 2 (drawer 1, the usual) or 5 (drawer 2). */
  pin: 2 | 5;
  /** Solenoid pulse in ms (most drawers: 100–200). */
  pulseMs: number;
}
export interface TillSettings {
  /** '' = embedded switch; one URL, or several comma-separated that the till fails over between (first preferred). */
  switchUrl: string;
  switchUsername: string;
  /** Never returned; true when a password is stored. */
  switchPasswordSet: boolean;
  /** False when the till has no OS keyring: the password is stored unencrypted (Settings warns). */
  switchPasswordEncrypted: boolean;
  institutionId: string;
  institutionName: string;
  clientId: string;
  clientName: string;
  terminalId: string; // exactly 8 chars, made unique at the till's first start
  /** What the header and slips call this till beside its terminal id ("Till 2"). */
  terminalName: string; // ≤ 20
  merchantId: string; // exactly 15 chars
  merchantType: string; // 4 digits
  merchantName: string; // ≤ 23
  merchantCity: string; // ≤ 13
  merchantRegion: string; // ≤ 2
  merchantCountry: string; // ≤ 2
  /** address: a printer address (tcp://HOST:9100, device:/dev/usb/lp0, cups:QUEUE, …; '' = no printer). */
  printer: { address: string; paperWidth: 58 | 80; drawer: DrawerSettings };
  timeouts: { requestMs: number; retryBaseMs: number; retryMaxMs: number; foregroundRetries: number };
  /** PIN rules, sign-in sessions, and whether a cashier sees the field-tech screens (Virtual printer, Virtual meter, Provider faults; off by default). */
  security: { pinMinLength: number; sessionIdleMinutes: number; cashierFieldTools: boolean };
  /** The till's time zone (IANA name, e.g. Africa/Johannesburg); '' = the system's. */
  timeZone: string;
  /** The zone in force: the setting, else the system's (read only). */
  timeZoneInForce: string;
}

/**
 * The switch in use. The switch URL setting may list several switches; the till uses one at a time,
 * moves to the next when it gets no answer, and stays where it got one.
 */
export interface SwitchStatus {
  reachable: boolean;
  /** Root URL of the switch in use ('' when none is set). */
  url: string;
  embedded: boolean;
  checkedAt: string | null;
  message: string;
  /** host:port of the switch in use ('' when none is set). */
  inUse: string;
  /** Its place in the list (1-based) and how many are listed (0 when none is set). */
  position: number;
  count: number;
  /** host:port of the switch the till moved away from, while it is not on the first listed; else null. */
  failedOverFrom: string | null;
}

export interface StatusView {
  mode: 'electron' | 'browser' | 'cli';
  /** What the counter header shows: the store's name (merchant name) and this till's terminal id. */
  till: { storeName: string; terminalId: string; terminalName: string };
  switch: SwitchStatus;
  /** name: the model the printer said it is; paperLow: near-end warning; drawerOpen: the drawer sensor, when reported. */
  printer: { state: 'ready' | 'paper-out' | 'problem' | 'offline' | 'none'; kind: PrinterKind; message: string; name?: string; paperLow?: boolean; drawerOpen?: boolean };
  /** Open sales and queued advices; null while the database is damaged (unknown, never "none"). */
  pendingCount: number | null;
  adviceCount: number | null;
  /**
   * The till's own storage: `full` when free space is under the margin or a write failed (answers
   * then kept in memory, `unsavedCount`), `damaged` when the database failed its check.
   */
  storage: { state: 'ok' | 'full' | 'damaged'; message: string; unsavedCount: number };
  /** The latest background error (retry worker, printing, advices), in words, with its time. */
  lastBackgroundError: { at: string; where: string; message: string } | null;
  operator: Operator | null;
  shift: Shift | null;
}

/** A backup of the till's database (automatic at shift close and daily; the last 14 kept). */
export interface BackupInfo {
  name: string;
  at: string;
  reason: string;
  bytes: number;
}

export interface SerialPortView {
  path: string;
  manufacturer: string | null;
}
export interface VirtualPrinterStatus {
  paperOut: boolean;
  coverOpen: boolean;
  offline: boolean;
  /** Paper near-end: prints, with a warning. */
  paperLow: boolean;
  /** The drawer sensor: a drawer kick opens it, this closes it. */
  drawerOpen: boolean;
}
export interface VirtualPrintJob {
  id: string;
  /** When the printer received the job (ISO time). */
  at: string;
  bytes: number;
  /** The slip as plain text, as printed. */
  text: string;
  /** Why the printer refused the job (past its limits, see docs/printing.md); null when it printed. */
  refused: string | null;
  /** Decoded ESC/POS commands, one per line. */
  commands: string[];
  /** Relative URLs in browser mode (append ?token=); null over IPC — use virtualPrinterFile. */
  pngUrl: string | null;
  binUrl: string | null;
}

/** What the field tech's virtual meter shows after a token is typed in (STS meter display words). */
export interface VirtualMeterView {
  pan: string;
  show: 'Accept' | '1stKCT' | '2ndKCT' | 'Used' | 'Old' | 'Key expired' | 'DDTK' | 'Overflow' | 'Reject' | 'Format' | 'Function' | 'Lockout';
  /** What the display means, in the field tech's words. */
  message: string;
  /** The credit register, units with one decimal ("12.5"); before/after only on Accept. */
  credit: string;
  creditBefore: string | null;
  creditAfter: string | null;
  /** Lockout: when the keypad opens again (ISO time). */
  lockedUntil: string | null;
}

// Console views (proxied to the switch admin API; shapes as the switch serves them).
export type SupportStatus = 'SUPPORTED' | 'NOT_SUPPORTED' | 'UNCONFIRMED';
export interface MeterDetail {
  meterId: string;
  utility: { id: string; name: string; utilityType: string } | null;
  rebroadcastFlag: boolean;
  preferredProviderId: string | null;
  providers: { providerId: string; providerName: string; status: SupportStatus; lastResponseAt: string | null }[];
}
export interface RoutingUtility {
  id: string;
  name: string;
  utilityType: string;
  ranked: { id: string; name: string }[];
  unranked: { id: string; name: string }[];
  excluded: { id: string; name: string }[];
  unconfirmed: { id: string; name: string }[];
  meterCount: number;
}
export interface ProviderHealth {
  id: string;
  name: string;
  capabilities: Record<string, boolean>;
  health: 'UP' | 'DEGRADED' | 'DOWN';
  circuit: string;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errorRate: number;
  weight: number;
  requests: number;
  behaviour: ProviderBehaviourView | null;
}
/** The faults a field tech can inject, exactly as the simulated providers define them. */
export type ProviderBehaviourView = ProviderBehaviour;
export interface ProviderHistoryPoint {
  at: string;
  providerId: string;
  latencyMs: number;
  errorRate: number;
  up: boolean;
}
/** Switch records are passed through as the switch serves them; the keys listed are the ones screens use. */
export type SwitchRecord = Record<string, unknown> & { id?: string };

// ───────────────────────────── argument schemas ─────────────────────────────

const Empty = z.object({}).strict();
const Id = z.string().min(1, 'is required').max(100);
/** Any PIN the till may hold; the shortest allowed for a new PIN is a setting (security.pinMinLength). */
const Pin = z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits');
const IsoOrDate = z.string().regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be a date (YYYY-MM-DD) or an ISO time');
export const Cents = z.number().int('must be whole cents').min(0, 'cannot be negative').max(100_000_000, 'is too large');
export const MaskedCard = z.string().regex(MASKED_CARD, 'must be masked as on the card terminal slip: the first 6 digits, * for the hidden ones, the last 4 (e.g. 123456******7890)');
/** A count the manager types at end of day, per tender; a tender left out takes the drawer sessions' own counts. */
export const CashCountArgs = z
  .object({
    counted: z.object({ CASH: Cents.optional(), DEBIT_CARD: Cents.optional(), CREDIT_CARD: Cents.optional() }).strict(),
  })
  .strict();
export const ShiftCountArgs = z.object({ CASH: Cents, DEBIT_CARD: Cents.optional(), CREDIT_CARD: Cents.optional() }).strict();
const ReportColumns = z.union([z.literal(32), z.literal(42), z.literal(48)]);
export const TenderArgs = z.object({
  type: z.enum(['CASH', 'DEBIT_CARD', 'CREDIT_CARD']),
  maskedCard: MaskedCard.optional(),
  approvalCode: z.string().trim().regex(CARD_APPROVAL_CODE, "must be the card terminal's approval code: 1 to 12 letters or digits").optional(),
  cashReceivedCents: Cents.optional(),
});

/**
 * A manager's approval to sell to a meter that has a pending sale: the manager signs it with their
 * PIN, naming the pending sale's reference they were shown (it must still be the meter's open sale).
 */
export const SaleApproval = z.object({ managerId: Id, pin: Pin, pendingSaleId: Id }).strict();
export type SaleApproval = z.infer<typeof SaleApproval>;

export const SettingsPatch = z
  .object({
    switchUrl: z.string(),
    switchUsername: z.string(),
    switchPassword: z.string(),
    institutionId: z.string(),
    institutionName: z.string(),
    clientId: z.string(),
    clientName: z.string(),
    terminalId: z.string(),
    terminalName: z.string(),
    merchantId: z.string(),
    merchantType: z.string(),
    merchantName: z.string(),
    merchantCity: z.string(),
    merchantRegion: z.string(),
    merchantCountry: z.string(),
    printer: z
      .object({
        address: z.string().max(300),
        paperWidth: z.union([z.literal(58), z.literal(80)]),
        drawer: z.object({ kickOnCash: z.boolean(), pin: z.union([z.literal(2), z.literal(5)]), pulseMs: z.number().int() }).partial().strict(),
      })
      .partial()
      .strict(),
    timeouts: z
      .object({ requestMs: z.number().int(), retryBaseMs: z.number().int(), retryMaxMs: z.number().int(), foregroundRetries: z.number().int() })
      .partial(),
    security: z.object({ pinMinLength: z.number().int(), sessionIdleMinutes: z.number().int(), cashierFieldTools: z.boolean() }).partial(),
    timeZone: z.string().max(64),
  })
  .partial()
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const TransactionFilter = z
  .object({
    from: IsoOrDate.optional(),
    to: IsoOrDate.optional(),
    state: z.enum(SALE_STATES).optional(),
    meterId: z.string().max(20).optional(),
    operatorId: z.string().max(40).optional(),
    tender: z.enum(['CASH', 'DEBIT_CARD', 'CREDIT_CARD']).optional(),
    /** Any reference: sale id, meter, token digits, receipt number. */
    q: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type TransactionFilter = z.infer<typeof TransactionFilter>;

export const BehaviourPatch = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    timeoutRate: z.number().min(0).max(1),
    serverErrorRate: z.number().min(0).max(1),
    ignoreLookups: z.boolean(),
    down: z.boolean(),
    refusedMeters: z.array(z.string().max(20)).max(1000),
  })
  .partial()
  .strict();

/**
 * Every method: its argument schema and the least role that may call it
 * ('public' = no sign-in needed; 'cashier' = any signed-in operator; 'fieldTech' = managers, and
 * cashiers when Settings turn the field-tech screens on for them; 'manager' = managers only).
 */
export const METHODS = {
  // session
  signIn: { args: z.object({ operatorId: Id, pin: Pin }).strict(), role: 'public' },
  signOut: { args: Empty, role: 'public' },
  session: { args: Empty, role: 'public' },
  changePin: { args: z.object({ currentPin: Pin, newPin: Pin }).strict(), role: 'cashier' },
  unlockOperator: { args: z.object({ operatorId: Id }).strict(), role: 'manager' },
  // drawer sessions: a cashier opens hers with a float, prints X-reads, records drops, closes with a blind count;
  // a manager closes anyone's, and closes the till's day with the Z-read
  openShift: { args: z.object({ floatCents: Cents }).strict(), role: 'cashier' },
  /** Without shiftId: the caller's own open session. Another operator's session: managers only. */
  closeShift: { args: z.object({ shiftId: Id.optional(), counted: ShiftCountArgs }).strict(), role: 'cashier' },
  addCashDrop: { args: z.object({ shiftId: Id.optional(), amountCents: Cents.refine((c) => c > 0, 'must be more than R0.00') }).strict(), role: 'cashier' },
  shiftReport: { args: z.object({ shiftId: Id.optional(), columns: ReportColumns.optional() }).strict(), role: 'cashier' },
  printShiftReport: { args: z.object({ shiftId: Id.optional() }).strict(), role: 'cashier' },
  /** The Z-read of the day so far (a preview: nothing is closed). */
  zRead: { args: z.object({ columns: ReportColumns.optional() }).strict(), role: 'manager' },
  /** Closes the till's day: refused while a session is open; prints the Z-read. */
  closeDay: { args: Empty, role: 'manager' },
  listOperators: { args: Empty, role: 'manager' },
  saveOperator: {
    /** currentPin: a manager changing their own PIN gives the one they have now. */
    args: z.object({ id: Id, name: z.string().min(1).max(40), role: z.enum(['cashier', 'manager']), pin: Pin.optional(), currentPin: Pin.optional() }).strict(),
    role: 'manager',
  },
  // sale
  lookupMeter: {
    args: z
      .object({ meterId: z.string().trim().max(40).optional(), track2: z.string().trim().max(80).optional() })
      .strict()
      .refine((a) => Boolean(a.meterId) || Boolean(a.track2), { message: 'type or scan a meter number', path: ['meterId'] }),
    role: 'cashier',
  },
  purchase: {
    args: z
      .object({ lookupRef: z.string().max(100).optional(), meterId: z.string().trim().min(1, 'is required').max(20), amountCents: Cents, tender: TenderArgs, approval: SaleApproval.optional() })
      .strict(),
    role: 'cashier',
  },
  saleSplit: {
    args: z.object({ meterId: z.string().trim().min(1, 'is required').max(20), amountCents: Cents }).strict(),
    role: 'cashier',
  },
  getSale: {
    args: z.object({ saleId: Id, sinceVersion: z.number().int().min(0).optional(), waitMs: z.number().int().min(0).max(30_000).optional() }).strict(),
    role: 'cashier',
  },
  lastSale: { args: Empty, role: 'cashier' },
  leavePending: { args: z.object({ saleId: Id }).strict(), role: 'cashier' },
  cancelPending: { args: z.object({ saleId: Id }).strict(), role: 'manager' },
  retryNow: { args: z.object({ saleId: Id }).strict(), role: 'cashier' },
  // reprints
  searchSlips: {
    args: z
      .object({ meterId: z.string().max(20).optional(), reference: z.string().max(100).optional(), token: z.string().max(40).optional(), from: IsoOrDate.optional(), to: IsoOrDate.optional(), limit: z.number().int().min(1).max(500).optional() })
      .strict(),
    role: 'manager',
  },
  reprintLocal: { args: z.object({ saleId: Id }).strict(), role: 'manager' },
  reprintFromSwitch: { args: z.object({ saleId: Id }).strict(), role: 'manager' },
  // queue
  listQueue: { args: z.object({ includeDelivered: z.boolean().optional() }).strict(), role: 'cashier' },
  retryQueueItem: { args: z.object({ id: Id }).strict(), role: 'manager' },
  // transactions and reports
  listTransactions: { args: TransactionFilter, role: 'manager' },
  getTransaction: { args: z.object({ saleId: Id }).strict(), role: 'manager' },
  eodReport: { args: z.object({ from: IsoOrDate.optional(), to: IsoOrDate.optional(), count: CashCountArgs.optional() }).strict(), role: 'manager' },
  printEodReport: { args: z.object({ from: IsoOrDate.optional(), to: IsoOrDate.optional(), count: CashCountArgs.optional() }).strict(), role: 'manager' },
  // the store: every till's sales through the switch's store API (docs/till.md, "A store of tills")
  storeFindSales: {
    args: z
      .object({ meterId: z.string().trim().max(20).optional(), reference: z.string().trim().max(100).optional(), token: z.string().trim().max(40).optional(), date: IsoOrDate.optional() })
      .strict()
      .refine((a) => Boolean(a.meterId || a.reference || a.token), { message: 'give a meter number, a reference or a token', path: ['meterId'] }),
    role: 'manager',
  },
  storeReprint: { args: z.object({ purchaseId: Id.optional(), meterId: z.string().trim().min(1, 'is required').max(20) }).strict(), role: 'manager' },
  storeReprints: { args: Empty, role: 'manager' },
  storeEod: { args: z.object({ date: IsoOrDate.optional() }).strict(), role: 'manager' },
  printStoreEod: { args: z.object({ date: IsoOrDate.optional() }).strict(), role: 'manager' },
  reconcile: { args: z.object({ date: IsoOrDate.optional() }).strict(), role: 'manager' },
  /** The field tech's certification run: the public test server's scenarios against the switch in use. */
  certify: { args: z.object({ print: z.boolean().optional() }).strict(), role: 'manager' },
  // settings
  getSettings: { args: Empty, role: 'manager' },
  setSettings: { args: SettingsPatch, role: 'manager' },
  testConnection: { args: Empty, role: 'manager' },
  printTestPage: { args: Empty, role: 'manager' },
  /** "No sale": a manager opens the cash drawer, saying why; recorded and shown in end of day. */
  openDrawer: { args: z.object({ reason: z.string().trim().min(3, 'say why the drawer is opened').max(200) }).strict(), role: 'manager' },
  // database backups (a damaged database is restored from the newest good one)
  listBackups: { args: Empty, role: 'manager' },
  restoreBackup: { args: z.object({ name: z.string().regex(/^till-[0-9TZ]+-[a-z-]+\.db$/, 'must be a backup name from the list') }).strict(), role: 'manager' },
  // status & printer
  status: { args: Empty, role: 'public' },
  listSerialPorts: { args: Empty, role: 'manager' },
  /** A cashier sees only her own sale slips, never reports (and only when Settings show her the field-tech screens). */
  virtualPrinterJobs: { args: z.object({ limit: z.number().int().min(1).max(200).optional() }).strict(), role: 'fieldTech' },
  /** Field-tech rehearsal: make the virtual printer run out of paper, open its cover or go offline. */
  setVirtualPrinterStatus: {
    args: z.object({ paperOut: z.boolean().optional(), coverOpen: z.boolean().optional(), offline: z.boolean().optional(), paperLow: z.boolean().optional(), drawerOpen: z.boolean().optional() }).strict(),
    role: 'manager',
  },
  virtualPrinterFile: { args: z.object({ id: Id, kind: z.enum(['png', 'bin']) }).strict(), role: 'fieldTech' },
  /** Field-tech tool: type a token into a virtual STS meter (11-digit meter number or 18-digit PAN). */
  virtualMeterEnter: { args: z.object({ meter: z.string().trim().regex(/^(\d{11}|\d{18})$/, 'type the 11-digit meter number or the 18-digit PAN'), token: z.string().max(40) }).strict(), role: 'fieldTech' },
  // console views (switch admin API)
  meterSearch: { args: z.object({ prefix: z.string().max(20), limit: z.number().int().min(1).max(50).optional() }).strict(), role: 'manager' },
  meterDetail: { args: z.object({ meterId: z.string().min(1).max(20) }).strict(), role: 'manager' },
  confirmSupport: { args: z.object({ meterId: z.string().min(1).max(20) }).strict(), role: 'manager' },
  routing: { args: Empty, role: 'manager' },
  providers: { args: Empty, role: 'fieldTech' },
  alerts: { args: Empty, role: 'manager' },
  switchTransactions: {
    args: z
      .object({ from: z.string().optional(), to: z.string().optional(), meter: z.string().optional(), provider: z.string().optional(), status: z.string().optional(), type: z.string().optional(), q: z.string().optional(), limit: z.number().int().min(1).max(1000).optional() })
      .strict(),
    role: 'manager',
  },
  switchTransaction: { args: z.object({ id: Id }).strict(), role: 'manager' },
  switchAdvices: { args: Empty, role: 'manager' },
  // field-tech tools
  setProviderBehaviour: { args: z.object({ providerId: Id, patch: BehaviourPatch }).strict(), role: 'fieldTech' },
} as const;

export type MethodName = keyof typeof METHODS;
export type ArgsOf<M extends MethodName> = z.input<(typeof METHODS)[M]['args']>;
/** 'fieldTech': managers, and cashiers when Settings' security.cashierFieldTools is on (the field-tech screens). */
export type RoleNeeded = 'public' | 'cashier' | 'fieldTech' | 'manager';

/** What each method answers (the `value` of an ok Result). */
export interface TillValues {
  signIn: SessionView;
  signOut: SessionView;
  session: SessionView;
  changePin: SessionView;
  unlockOperator: OperatorView;
  openShift: Shift;
  /** The count is saved first; only then does the answer show what was expected (a blind count). */
  closeShift: ShiftReport;
  addCashDrop: ShiftReport;
  shiftReport: ShiftReport;
  printShiftReport: PrintResult;
  zRead: DayReport;
  closeDay: DayReport & { print: PrintResult };
  listOperators: OperatorView[];
  saveOperator: Operator;
  lookupMeter: LookupView;
  /**
   * Answers once the sale is stored and first sent (state purchasing); poll getSale for the rest.
   * Refused with NEEDS_APPROVAL (and `pendingSaleId`) when the meter has a pending sale and no
   * manager's `approval` names it.
   */
  purchase: SaleView;
  /** A trial purchase: nothing is sold or charged. */
  saleSplit: SaleSplitView;
  getSale: SaleView;
  lastSale: SaleView | null;
  leavePending: SaleView;
  cancelPending: SaleView;
  retryNow: SaleView;
  searchSlips: SaleSummary[];
  reprintLocal: PrintResult & { reprintCount: number };
  reprintFromSwitch: PrintResult & { tokens: TokenView[] };
  listQueue: QueueItem[];
  retryQueueItem: QueueItem;
  listTransactions: SaleSummary[];
  getTransaction: TransactionDetail;
  eodReport: EodReport;
  printEodReport: PrintResult;
  openDrawer: { opened: boolean; message: string | null };
  storeFindSales: StoreSale[];
  /** The COPY printed: the original till, time and reference, and the tokens the switch gave again. */
  storeReprint: PrintResult & { purchaseId: string; soldAt: string | null; originalAt: string; tokens: string[] };
  storeReprints: StoreReprintEntry[];
  storeEod: StoreEodReport;
  printStoreEod: PrintResult;
  reconcile: ReconcileReport;
  certify: CertifyReport;
  getSettings: TillSettings;
  setSettings: TillSettings;
  testConnection: { reachable: boolean; ms: number; message: string };
  printTestPage: PrintResult;
  /** `damaged`: why the database was refused at start (null when sound); `newestGood`: the backup to restore. */
  listBackups: { damaged: string | null; backups: BackupInfo[]; newestGood: string | null };
  /** The backup is in place and the damaged file kept as `keptAs`; the till must be started again. */
  restoreBackup: { restoredFrom: string; keptAs: string; message: string };
  status: StatusView;
  listSerialPorts: SerialPortView[];
  virtualPrinterJobs: { enabled: boolean; status: VirtualPrinterStatus | null; jobs: VirtualPrintJob[] };
  setVirtualPrinterStatus: VirtualPrinterStatus;
  virtualPrinterFile: { mime: string; base64: string };
  virtualMeterEnter: VirtualMeterView;
  meterSearch: { meters: { meterId: string; utilityName: string | null }[] };
  meterDetail: MeterDetail;
  confirmSupport: { meter: MeterDetail; message: string };
  routing: { utilities: RoutingUtility[] };
  providers: { providers: ProviderHealth[]; history: ProviderHistoryPoint[] };
  alerts: { alerts: SwitchRecord[] };
  switchTransactions: { transactions: SwitchRecord[] };
  switchTransaction: { transaction: SwitchRecord; traces: SwitchRecord[] };
  switchAdvices: { advices: SwitchRecord[] };
  setProviderBehaviour: { providerId: string; behaviour: ProviderBehaviourView };
}

// A compile-time check that METHODS and TillValues list the same methods.
type _SameKeys = [Exclude<MethodName, keyof TillValues>, Exclude<keyof TillValues, MethodName>] extends [never, never] ? true : never;
const _sameKeys: _SameKeys = true;
void _sameKeys;

export type TillApi = { [M in MethodName]: (args: ArgsOf<M>) => Promise<Result<TillValues[M]>> };

/** The generic transport: both hosts and the preload speak this one function. */
export type Invoke = <M extends MethodName>(method: M, args: ArgsOf<M>) => Promise<Result<TillValues[M]>>;

/**
 * The back end's entry for hosts with several callers: the same call made on behalf of one sign-in
 * session (the browser host's cookie, an Electron window). null = no session: public methods only.
 */
export type SessionInvoke = <M extends MethodName>(session: string | null, method: M, args: unknown) => Promise<Result<TillValues[M]>>;

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];
export const isMethodName = (name: string): name is MethodName => Object.prototype.hasOwnProperty.call(METHODS, name);

/** Builds a TillApi from any invoke function (IPC, HTTP, or in-process for tests and the CLI). */
export function apiFromInvoke(invoke: Invoke): TillApi {
  const api = {} as Record<MethodName, (args: unknown) => Promise<unknown>>;
  for (const name of METHOD_NAMES) api[name] = (args: unknown) => invoke(name, (args ?? {}) as ArgsOf<typeof name>);
  return api as unknown as TillApi;
}

/** Fields the screens name in words when an argument is refused ("The new PIN must be 4 to 8 digits."). */
const FIELD_WORDS: Readonly<Record<string, string>> = {
  pin: 'The PIN',
  currentPin: 'Your current PIN',
  newPin: 'The new PIN',
  'approval.pin': "The manager's PIN",
  floatCents: 'The float',
  amountCents: 'The amount',
  'counted.CASH': 'The cash counted',
};

/** Validates a method's arguments; a failure is the INVALID_INPUT result the cashier sees. */
export function validateArgs<M extends MethodName>(method: M, args: unknown): Result<z.output<(typeof METHODS)[M]['args']>> {
  const schema = METHODS[method].args as z.ZodType;
  const parsed = schema.safeParse(args ?? {});
  if (parsed.success) return ok(parsed.data as z.output<(typeof METHODS)[M]['args']>);
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.') || '(arguments)';
    fields[path] ??= issue.message;
  }
  const [field, msg] = Object.entries(fields)[0] ?? ['(arguments)', 'invalid'];
  const words = FIELD_WORDS[field];
  return fail('INVALID_INPUT', words ? `${words} ${msg}.` : `${field}: ${msg}`, { field, fields });
}

// ───────────────────────────── transport constants ─────────────────────────────

export { API_PREFIX, IPC_CHANNEL, PAGE_SESSION_ID, RENDERER_DIST, TOKEN_HEADER, TOKEN_QUERY } from './transport';

/** What preload puts on `window.till` (contextBridge). */
export interface TillBridge {
  mode: 'electron';
  invoke: Invoke;
}
