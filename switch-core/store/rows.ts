/**
 * The switch's tables as both store engines read them back: the row shapes (the same columns in
 * SQLite and PostgreSQL) and their mapping to the engine's plain data. SQL and how each engine gets
 * a transaction's references stay with the engines (statements.ts, sqlite/, postgres/).
 */
import type {
  AdviceRecord,
  AdviceStatus,
  HealthAlert,
  HealthSample,
  MeterState,
  ProviderRecord,
  StoredTransaction,
  SwitchAlert,
  TraceRecord,
  TransactionSummary,
  TxStatus,
  TxType,
  UtilityPrefs,
} from '../engine/model';
import type { UtilityType } from '../protocol';
import { OPERATIONS, type PpuOperation } from '../protocol';
import type { NewTransaction, TransactionOutcome, UtilityRoutingRow } from './switch-store';

export interface TxRow {
  id: string;
  type: TxType;
  meter_id: string | null;
  provider_id: string | null;
  status: TxStatus;
  error_type: string | null;
  amount: number | null;
  started_at: string;
  ms: number;
  purchase_id: string | null;
  request: string;
  response_status: number | null;
  response_body: string | null;
  final: number;
  /** The one provider call of a lookup written finished (upstreamColumns), or null. */
  upstream: string | null;
  upstream_response: string | null;
}

export interface TraceRow {
  direction: TraceRecord['direction'];
  provider_id: string | null;
  operation: string;
  url: string;
  request_body: string | null;
  status: number | null;
  response_body: string | null;
  started_at: string;
  ms: number;
}

export interface AdviceRow {
  id: string;
  purchase_id: string;
  kind: AdviceRecord['kind'];
  operation: AdviceRecord['operation'];
  provider_id: string;
  body: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  next_attempt_at: string;
  status: AdviceStatus;
}

export interface AlertRow {
  at: string;
  kind: SwitchAlert['kind'];
  provider_id: string | null;
  from_health: HealthAlert['from'] | null;
  to_health: HealthAlert['to'] | null;
  advice_id: string | null;
  subject: string | null;
  message: string;
}

export interface HealthRow {
  at: string;
  provider_id: string;
  latency_ms: number;
  error_rate: number;
  up: number;
}

/** Meters whose rows are held in memory (the ones being sold to); the table itself may hold millions. */
const METER_CACHE_SIZE = 10_000;

/** Caches a meter's row, the oldest leaving first (a Map iterates in insertion order: a plain FIFO bound is enough). */
export function cacheMeter(cache: Map<string, MeterState | null>, meterId: string, state: MeterState | null): void {
  if (!cache.has(meterId) && cache.size >= METER_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(meterId, state);
}

export const parse = (text: string | null): unknown => (text === null || text === '' ? null : (JSON.parse(text) as unknown));

/** A new transaction's request column: its JSON as the caller made it, or made here. */
export const requestJsonOf = (tx: NewTransaction): string => tx.requestJson ?? JSON.stringify(tx.request);
export const jsonOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/** A transaction's outcome as its row's columns, in the order of the finishing statement (statements.ts). */
export const outcomeValues = (o: TransactionOutcome) =>
  [o.providerId, o.status, o.errorType, o.ms, o.responseStatus, o.responseJson ?? jsonOrNull(o.responseBody), o.final ? 1 : 0] as const;

/** An advice attempt's result, as the columns of the statement that records it (statements.ts). */
export type AdviceUpdate = Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>;
export const adviceUpdateValues = (a: AdviceUpdate) => [a.attempts, a.lastError, a.nextAttemptAt, a.status, a.id] as const;

/** A transaction as listed; its references are the stored ones plus its own id and meter number. */
export function toSummary(r: TxRow, refs: readonly string[]): TransactionSummary {
  return {
    id: r.id,
    type: r.type,
    meterId: r.meter_id,
    providerId: r.provider_id,
    status: r.status,
    errorType: r.error_type,
    amount: r.amount,
    startedAt: r.started_at,
    ms: r.ms,
    references: [...new Set([r.id, ...(r.meter_id === null ? [] : [r.meter_id]), ...refs])],
    purchaseId: r.purchase_id,
  };
}

export function toStored(r: TxRow, refs: readonly string[]): StoredTransaction {
  return { ...toSummary(r, refs), request: parse(r.request), responseStatus: r.response_status, responseBody: parse(r.response_body), final: r.final === 1 };
}

/**
 * The operation a transaction row stands for, where its type names exactly one. The till->switch
 * exchange of these is the row itself (request, answer, status, time) and is not written a second
 * time as a trace; a confirmation's type is shared by two operations, so it keeps its trace.
 */
export const OPERATION_OF_ROW: Readonly<Partial<Record<TxType, PpuOperation>>> = {
  LOOKUP: 'meterLookup',
  PURCHASE: 'purchase',
  RETRY: 'purchaseRetry',
  TRIAL: 'trialPurchase',
  REVERSAL: 'reversal',
  REPRINT: 'tokenReprint',
  FAULT_REPORT: 'faultReport',
  KEY_CHANGE: 'keyChangeToken',
};

/** A trace's request_body column: none where the request is its transaction row's own (TraceRecord.requestAsRow). */
export const traceRequestColumn = (t: TraceRecord): string | null => (t.requestAsRow ? null : (t.requestJson ?? jsonOrNull(t.requestBody)));

/** What a finished row's one provider call is stored as (migration 8): no trace row, no random index insert. */
type UpstreamMeta = Pick<TraceRecord, 'providerId' | 'operation' | 'url' | 'status' | 'startedAt' | 'ms'>;

/**
 * A finished row's provider call as its two columns: the call's particulars, and its answer as it
 * came unless that is the row's own response, byte for byte (a lookup's answer passed on as it came).
 */
export function upstreamColumns(t: TraceRecord | undefined, rowResponse: string | null): [upstream: string | null, upstreamResponse: string | null] {
  if (!t) return [null, null];
  const meta: UpstreamMeta = { providerId: t.providerId, operation: t.operation, url: t.url, status: t.status, startedAt: t.startedAt, ms: t.ms };
  const response = t.responseJson ?? jsonOrNull(t.responseBody);
  return [JSON.stringify(meta), response === rowResponse ? null : response];
}

/** An outcome's columns (outcomeValues) followed by its provider call's (upstreamColumns), in the order the statements take them. */
export function outcomeWithCallValues(o: TransactionOutcome, upstream: TraceRecord | undefined) {
  const done = outcomeValues(o);
  const responseBody = done[5];
  return [...done, ...upstreamColumns(upstream, responseBody)] as const;
}

/** The provider call a finished row holds (upstreamColumns), as the trace it was; it sent the row's request. */
function upstreamTrace(txId: string, tx: TxRow): TraceRecord | null {
  if (tx.upstream === null) return null;
  const meta = JSON.parse(tx.upstream) as UpstreamMeta;
  return { txId, direction: 'switch->provider', ...meta, requestBody: parse(tx.request), responseBody: parse(tx.upstream_response ?? tx.response_body) };
}

/**
 * A transaction's message traces in order, its till->switch exchange read from its row (see
 * OPERATION_OF_ROW); rows stored before that change carry it as a trace and are shown as stored.
 * A provider call stored without its request (traceRequestColumn) sent the row's request; a
 * lookup's one provider call may be in its row (upstreamColumns), before any trace stored apart.
 */
export function tracesOfRows(txId: string, rows: readonly TraceRow[], tx: TxRow | undefined): TraceRecord[] {
  const stored: TraceRecord[] = rows.map((t) => ({
    txId,
    direction: t.direction,
    providerId: t.provider_id,
    operation: t.operation,
    url: t.url,
    requestBody: t.request_body === null && t.direction === 'switch->provider' && tx ? parse(tx.request) : parse(t.request_body),
    status: t.status,
    responseBody: parse(t.response_body),
    startedAt: t.started_at,
    ms: t.ms,
  }));
  const inRow = tx ? upstreamTrace(txId, tx) : null;
  if (inRow) stored.unshift(inRow);
  const operation = tx ? OPERATION_OF_ROW[tx.type] : undefined;
  if (!tx || !operation || stored.some((t) => t.direction === 'till->switch')) return stored;
  const outer: TraceRecord = {
    txId,
    direction: 'till->switch',
    providerId: null,
    operation,
    url: OPERATIONS[operation].route,
    requestBody: parse(tx.request),
    status: tx.response_status,
    responseBody: parse(tx.response_body),
    startedAt: tx.started_at,
    ms: tx.ms,
  };
  return [outer, ...stored];
}

export function toAdvice(r: AdviceRow): AdviceRecord {
  return {
    id: r.id,
    purchaseId: r.purchase_id,
    kind: r.kind,
    operation: r.operation,
    providerId: r.provider_id,
    body: parse(r.body),
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    status: r.status,
  };
}

export function toAlert(r: AlertRow): SwitchAlert {
  switch (r.kind) {
    case 'HEALTH':
      return { kind: r.kind, at: r.at, providerId: r.provider_id!, from: r.from_health!, to: r.to_health!, message: r.message };
    case 'ADVICE_NEEDS_RECONCILIATION':
      return { kind: r.kind, at: r.at, providerId: r.provider_id!, adviceId: r.advice_id!, message: r.message };
    default:
      return { kind: r.kind, at: r.at, subject: r.subject!, message: r.message };
  }
}

export function toHealthSample(r: HealthRow): HealthSample {
  return { at: r.at, providerId: r.provider_id, latencyMs: r.latency_ms, errorRate: r.error_rate, up: r.up === 1 };
}

export interface ProviderRow {
  id: string;
  name: string;
  weight: number;
  enabled: number;
}
export const toProvider = (r: ProviderRow): ProviderRecord => ({ id: r.id, name: r.name, weight: r.weight, enabled: r.enabled === 1 });

export interface UtilityRow {
  id: string;
  name: string;
  utility_type: UtilityType;
}
export interface PreferenceRow {
  utility_id: string;
  provider_id: string;
  kind: 'RANKED' | 'EXCLUDED';
}

/** Utilities with their preferences (rows in rank order). */
export function toUtilities(utilities: readonly UtilityRow[], prefs: readonly PreferenceRow[]): UtilityPrefs[] {
  return utilities.map((r) => ({
    id: r.id,
    name: r.name,
    utilityType: r.utility_type,
    ranked: prefs.filter((p) => p.utility_id === r.id && p.kind === 'RANKED').map((p) => p.provider_id),
    excluded: prefs.filter((p) => p.utility_id === r.id && p.kind === 'EXCLUDED').map((p) => p.provider_id),
  }));
}

/** The routing view of each utility: its preferences, its meter count, the providers that confirmed support. */
export function toRoutingRows(
  utilities: readonly UtilityPrefs[],
  counts: readonly { utility_id: string; n: number }[],
  supported: readonly { utility_id: string; provider_id: string }[],
): UtilityRoutingRow[] {
  const count = new Map(counts.map((r) => [r.utility_id, r.n]));
  return utilities.map((u) => ({
    ...u,
    ranked: [...u.ranked],
    excluded: [...u.excluded],
    meterCount: count.get(u.id) ?? 0,
    supportedBy: supported.filter((s) => s.utility_id === u.id).map((s) => s.provider_id),
  }));
}
