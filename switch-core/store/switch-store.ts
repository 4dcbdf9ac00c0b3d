/**
 * The switch's store as the engine sees it: one asynchronous interface with two engines behind it —
 * SQLite (sqlite-store.ts, the embedded default: one process, one file) and PostgreSQL
 * (postgres-store.ts: any number of switch nodes sharing one database). Every method speaks plain
 * data from engine/model.ts; which SQL runs, and how a write is made durable, is the engine's own.
 *
 * Durability contract: `insertTransaction` and `setTransactionProvider` resolve only once the row
 * would survive a power cut (they precede a request leaving for a provider); every other write
 * resolves once it survives a crash of the switch process.
 */
import type {
  AdviceAlert,
  AuthAlert,
  AdviceRecord,
  AdviceStatus,
  HealthAlert,
  HealthSample,
  MeterState,
  ProviderRecord,
  ProviderSupport,
  StoredTransaction,
  SwitchAlert,
  TraceRecord,
  TransactionSummary,
  TxStatus,
  TxType,
  UtilityPrefs,
} from '../engine/model';
import type { UtilityType } from '../protocol';

export interface TransactionFilter {
  from?: string;
  to?: string;
  meter?: string;
  provider?: string;
  status?: string;
  type?: string;
  q?: string;
  limit?: number;
}

export interface NewTransaction {
  id: string;
  type: TxType;
  meterId: string | null;
  providerId: string | null;
  status: TxStatus;
  amount: number | null;
  startedAt: string;
  purchaseId: string | null;
  request: unknown;
  /** request already serialised, when the caller has it: written as is (request is then not read). */
  requestJson?: string;
}

export interface TransactionOutcome {
  providerId: string | null;
  status: TxStatus;
  errorType: string | null;
  ms: number;
  responseStatus: number | null;
  responseBody: unknown;
  /** responseBody already serialised, when the caller has it. */
  responseJson?: string;
  final: boolean;
}

export interface UtilityRoutingRow {
  id: string;
  name: string;
  utilityType: UtilityType;
  ranked: string[];
  excluded: string[];
  meterCount: number;
  /** Providers that answered Supported for at least one of the utility's meters. */
  supportedBy: string[];
}

/** Writes that may follow the answer: one batch, one transaction. */
export interface WriteBatch {
  traces: readonly TraceRecord[];
  refs: readonly { txId: string; ref: string }[];
  /**
   * Transactions written once, already answered (lookups on a store that defers their rows), each
   * with its one provider call when it made exactly one: stored in the row, read back by tracesOf.
   */
  finishedRows: readonly { tx: NewTransaction; outcome: TransactionOutcome; upstream?: TraceRecord }[];
  /** Outcomes of transactions whose rows exist (lookups on a store that writes their rows up front), each with its one provider call as for finishedRows. */
  outcomes: readonly { id: string; outcome: TransactionOutcome; upstream?: TraceRecord }[];
  /** A provider's last-response time moved forward, and nothing else about its support. */
  touches: readonly { meterId: string; providerId: string; at: string }[];
}

/** What another node changed, so this node's caches drop their copies. */
export type StoreChange = { kind: 'meter'; meterId: string } | { kind: 'utilities' } | { kind: 'providers' };

/** A reused transaction id: the engine answers DUPLICATE_RECORD. */
export class DuplicateIdError extends Error {
  constructor(readonly id: string) {
    super(`id ${id} was already used`);
  }
}

export interface SwitchStore {
  /** 'sqlite' or 'postgres', for status pages and bench labels. */
  readonly engine: 'sqlite' | 'postgres';
  /**
   * Several switch nodes may share this store: ids are refused across nodes at insert time, so a
   * lookup's row is written up front instead of riding the batch after its answer.
   */
  readonly sharedByNodes: boolean;

  /** Resolves when the store answers a trivial query (load balancers' health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Other nodes' writes (PostgreSQL LISTEN/NOTIFY); a single-node store never calls it. */
  onChange(listener: (change: StoreChange) => void): void;
  /**
   * Leadership for the jobs one node runs for all (re-broadcast, health samples, alerts): true
   * while this node holds it. A single-node store always leads; a node that dies loses it.
   */
  tryLead(): Promise<boolean>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  upsertProviders(providers: readonly ProviderRecord[]): Promise<void>;
  setProviderWeight(id: string, weight: number): Promise<void>;
  listProviders(): Promise<ProviderRecord[]>;
  upsertUtility(u: UtilityPrefs): Promise<void>;
  listUtilities(): Promise<UtilityPrefs[]>;
  utilityRouting(): Promise<UtilityRoutingRow[]>;

  /** A meter's contract-table row (cached: a sale reads it several times), null when unknown. */
  getMeter(meterId: string): Promise<MeterState | null>;
  /** Writes a meter's whole row, creating it when new. */
  saveMeter(state: MeterState, now: string): Promise<void>;
  /** One provider's support row for a meter the table already holds. */
  setSupport(meterId: string, s: ProviderSupport): Promise<void>;
  /** Bulk load for seeding and benchmarks. Returns how many meters were given. */
  insertMeters(
    meters: Iterable<{ meterId: string; utilityId: string | null; preferredProviderId?: string | null; support?: readonly ProviderSupport[] }>,
    now: string,
  ): Promise<number>;
  searchMeters(prefix: string, limit: number): Promise<{ meterId: string; utilityName: string | null }[]>;
  /** Meter ids in key order after `after`, for the periodic re-broadcast's batches. */
  meterIdsAfter(after: string, limit: number): Promise<string[]>;

  /** Durable before it resolves (see the header); a reused id rejects with DuplicateIdError. */
  insertTransaction(tx: NewTransaction, opts?: { durable?: boolean }): Promise<void>;
  hasTransaction(id: string): Promise<boolean>;
  /** The provider a transaction is about to be sent to: durable before it resolves. */
  setTransactionProvider(id: string, providerId: string | null): Promise<void>;
  finishTransaction(id: string, o: TransactionOutcome): Promise<void>;
  getTransaction(id: string): Promise<StoredTransaction | null>;
  listTransactions(f: TransactionFilter): Promise<TransactionSummary[]>;
  writeBatch(batch: WriteBatch): Promise<void>;
  /** A transaction's message traces in order (a lookup's own exchange is its row). */
  tracesOf(txId: string): Promise<TraceRecord[]>;

  /** Resolves false when an advice with this id already exists. */
  insertAdvice(a: Omit<AdviceRecord, 'attempts' | 'lastError'>): Promise<boolean>;
  getAdvice(id: string): Promise<AdviceRecord | null>;
  /** Records an attempt's result and gives the advice's lease back. */
  updateAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>): Promise<void>;
  /** The head (oldest pending advice) of each provider's queue, leased or not. */
  pendingAdviceHeads(): Promise<AdviceRecord[]>;
  /**
   * Takes a pending advice for delivery by `owner` until `until` (ISO time): false when another
   * owner holds an unexpired lease. A node that dies mid-delivery loses the advice at `until`.
   */
  claimAdvice(id: string, owner: string, now: string, until: string): Promise<boolean>;
  listAdvices(limit?: number, status?: AdviceStatus): Promise<AdviceRecord[]>;
  countAdvices(status: AdviceStatus): Promise<number>;
  /** Parks an advice that never got a final answer, with the alert that tells a person, in one write. */
  parkAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>, alert: AdviceAlert): Promise<void>;

  insertAlert(a: HealthAlert): Promise<void>;
  /** Files a sign-in lockout (server/auth-limits.ts) where the operator reads the other alerts. */
  insertAuthAlert(a: AuthAlert): Promise<void>;
  listAlerts(limit?: number): Promise<SwitchAlert[]>;
  insertHealthSamples(samples: readonly HealthSample[]): Promise<void>;
  listHealthSamples(limit?: number): Promise<HealthSample[]>;
}
