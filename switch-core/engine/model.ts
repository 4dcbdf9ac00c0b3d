/**
 * Plain data the switch's decisions work on and the store persists: the contract table's rows,
 * routing preferences, transactions, traces, advices and provider health. Types only — no I/O.
 */
import type { PpuTrace } from '../protocol';
import type { SupportStatus, UtilitySeed } from '../providers/types';

export type { SupportStatus };

export interface ProviderSupport {
  readonly providerId: string;
  readonly status: SupportStatus;
  readonly lastResponseAt: string | null;
}

/** One meter's row in the contract table; `null` from the store means the meter is unknown. */
export interface MeterState {
  readonly meterId: string;
  readonly utilityId: string | null;
  readonly rebroadcastFlag: boolean;
  readonly preferredProviderId: string | null;
  readonly support: readonly ProviderSupport[];
}

/** A utility's routing preferences: the same shape a profile seeds (ranked in order, excluded never). */
export type UtilityPrefs = UtilitySeed;

export interface ProviderRecord {
  readonly id: string;
  readonly name: string;
  readonly weight: number;
  readonly enabled: boolean;
}

export const TX_TYPES = ['LOOKUP', 'PURCHASE', 'RETRY', 'CONFIRMATION', 'REVERSAL', 'REPRINT', 'TRIAL', 'FAULT_REPORT', 'KEY_CHANGE'] as const;
export type TxType = (typeof TX_TYPES)[number];
export const TX_STATUSES = ['SUCCESSFUL', 'FAILED', 'UNKNOWN'] as const;
export type TxStatus = (typeof TX_STATUSES)[number];

/** A transaction as the admin API lists it. */
export interface TransactionSummary {
  id: string;
  type: TxType;
  meterId: string | null;
  providerId: string | null;
  status: TxStatus;
  errorType: string | null;
  amount: number | null;
  startedAt: string;
  ms: number;
  references: string[];
  /** For retries and advices: the purchase they belong to. */
  purchaseId: string | null;
}

/** What the switch keeps of a transaction to answer a retry or route an advice. */
export interface StoredTransaction extends TransactionSummary {
  request: unknown;
  responseStatus: number | null;
  responseBody: unknown;
  final: boolean;
}

export type TraceDirection = 'till->switch' | 'switch->provider';

/** One message exchange as stored: the client's trace fields plus which transaction and hop it belongs to. */
export interface TraceRecord extends Pick<PpuTrace, 'url' | 'requestBody' | 'status' | 'responseBody' | 'startedAt' | 'ms'> {
  txId: string;
  direction: TraceDirection;
  providerId: string | null;
  /** A PPU operation name, e.g. purchase, purchaseRetry. */
  operation: string;
  /** The bodies' JSON as it crossed the wire, when the edge already holds it (saves serialising again). */
  requestJson?: string;
  responseJson?: string;
  /**
   * A switch->provider request that is the transaction's own request, byte for byte (the switch
   * passed it on as it took it): stored once, in the transaction's row, and read back from there.
   */
  requestAsRow?: true;
}

export type AdviceKind = 'confirmation' | 'reversal';
/** NEEDS_RECONCILIATION: never answered finally within the age limit; parked for a person to settle with the provider. */
export const ADVICE_STATUSES = ['PENDING', 'DELIVERED', 'FAILED', 'NEEDS_RECONCILIATION'] as const;
export type AdviceStatus = (typeof ADVICE_STATUSES)[number];
export type AdviceOperation = 'confirmation' | 'reversal' | 'keyChangeConfirmation';

export interface AdviceRecord {
  id: string;
  purchaseId: string;
  kind: AdviceKind;
  operation: AdviceOperation;
  providerId: string;
  body: unknown;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string;
  status: AdviceStatus;
}

export type ProviderHealth = 'UP' | 'DEGRADED' | 'DOWN';
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface HealthAlert {
  at: string;
  providerId: string;
  from: ProviderHealth;
  to: ProviderHealth;
  message: string;
}

/** An advice parked as needing reconciliation. */
export interface AdviceAlert {
  at: string;
  providerId: string;
  adviceId: string;
  message: string;
}

/** A client address or API user name locked after wrong credentials (server/auth-limits.ts). */
export interface AuthAlert {
  at: string;
  kind: 'AUTH_LOCKED_ADDRESS' | 'AUTH_LOCKED_USER';
  /** The address or the user name that was locked. */
  subject: string;
  message: string;
}

/** What the alerts list shows: provider health changes, parked advices and sign-in lockouts. */
export type SwitchAlert = ({ kind: 'HEALTH' } & HealthAlert) | ({ kind: 'ADVICE_NEEDS_RECONCILIATION' } & AdviceAlert) | AuthAlert;

export interface HealthSample {
  at: string;
  providerId: string;
  latencyMs: number;
  errorRate: number;
  up: boolean;
}
