/**
 * The switch's SQLite store (better-sqlite3, WAL): every SQL statement the switch runs lives here,
 * behind functions named after the domain (getMeter, markForRebroadcast, applySupport, ...).
 * Statements are prepared once; callers see plain data from engine/model.ts.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type {
  AdviceAlert,
  AdviceRecord,
  AdviceStatus,
  HealthAlert,
  HealthSample,
  MeterState,
  ProviderRecord,
  ProviderSupport,
  StoredTransaction,
  SupportStatus,
  SwitchAlert,
  TraceRecord,
  TransactionSummary,
  TxStatus,
  TxType,
  UtilityPrefs,
} from '../engine/model';
import { OPERATIONS, type UtilityType } from '../protocol';
import { openDatabase } from '../../common/sqlite';
import { migrate } from './migrations';

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

interface TxRow {
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
}

interface AlertRow {
  at: string;
  kind: SwitchAlert['kind'];
  provider_id: string;
  from_health: HealthAlert['from'] | null;
  to_health: HealthAlert['to'] | null;
  advice_id: string | null;
  message: string;
}

interface AdviceRow {
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

const parse = (text: string | null): unknown => (text === null || text === '' ? null : (JSON.parse(text) as unknown));

const jsonOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/** A transaction's outcome as its row's columns (named parameters of finishTx and insertFinishedTx). */
const outcomeColumns = (o: TransactionOutcome) => ({
  providerId: o.providerId,
  status: o.status,
  errorType: o.errorType,
  ms: o.ms,
  responseStatus: o.responseStatus,
  responseBody: o.responseJson ?? jsonOrNull(o.responseBody),
  final: o.final ? 1 : 0,
});

/** Meters whose rows are held in memory (the ones being sold to); the table itself may hold millions. */
const METER_CACHE_SIZE = 10_000;

export class DuplicateIdError extends Error {
  constructor(readonly id: string) {
    super(`id ${id} was already used`);
  }
}

/**
 * Checkpoints the WAL from a worker thread with its own connection, so the fsync of a checkpoint
 * never stalls the event loop that serves purchases (the main connection's auto-checkpoint is off).
 */
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) {} }, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface StoreOptions {
  /** Checkpoint the WAL from a background thread every this many ms (servers); off: SQLite's own auto-checkpoint. */
  backgroundCheckpointMs?: number;
}

export class SwitchStore {
  readonly db: Database.Database;
  private readonly s;
  private checkpointer: Worker | null = null;
  /**
   * Read-through cache of contract-table rows, kept in step by every write below (this store is
   * the table's only writer): a lookup or purchase reads its meter two or three times.
   */
  private readonly meters = new Map<string, MeterState | null>();

  constructor(file: string, opts: StoreOptions = {}) {
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the tail.
    this.db = openDatabase(file, { synchronous: 'NORMAL' });
    migrate(this.db);
    if (opts.backgroundCheckpointMs && file !== ':memory:') {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = new Worker(CHECKPOINTER, {
        eval: true,
        workerData: { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: opts.backgroundCheckpointMs },
      });
      this.checkpointer.unref();
    }
    const db = this.db;
    this.s = {
      getMeter: db.prepare<[string], { meter_id: string; utility_id: string | null; rebroadcast_flag: number; preferred_provider_id: string | null }>(
        'SELECT meter_id, utility_id, rebroadcast_flag, preferred_provider_id FROM meters WHERE meter_id = ?',
      ),
      getSupport: db.prepare<[string], { provider_id: string; status: SupportStatus; last_response_at: string | null }>(
        'SELECT provider_id, status, last_response_at FROM meter_support WHERE meter_id = ? ORDER BY provider_id',
      ),
      insertMeter: db.prepare<[string, string | null, number, string | null, string]>(
        'INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (meter_id) DO NOTHING',
      ),
      updateMeter: db.prepare<[string | null, number, string | null, string]>(
        'UPDATE meters SET utility_id = ?, rebroadcast_flag = ?, preferred_provider_id = ? WHERE meter_id = ?',
      ),
      upsertSupport: db.prepare<[string, string, SupportStatus, string | null]>(
        `INSERT INTO meter_support (meter_id, provider_id, status, last_response_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (meter_id, provider_id) DO UPDATE SET status = excluded.status, last_response_at = excluded.last_response_at`,
      ),
      touchSupport: db.prepare<[string, string, string, string]>(
        `UPDATE meter_support SET last_response_at = ? WHERE meter_id = ? AND provider_id = ?
         AND (last_response_at IS NULL OR last_response_at < ?)`,
      ),
      prefix: db.prepare<[string, string, number], { meter_id: string; name: string | null }>(
        `SELECT m.meter_id, u.name FROM meters m LEFT JOIN utilities u ON u.id = m.utility_id
         WHERE m.meter_id >= ? AND m.meter_id < ? ORDER BY m.meter_id LIMIT ?`,
      ),
      insertTx: db.prepare(
        `INSERT INTO transactions (id, type, meter_id, provider_id, status, amount, started_at, purchase_id, request)
         VALUES (@id, @type, @meterId, @providerId, @status, @amount, @startedAt, @purchaseId, @request)`,
      ),
      finishTx: db.prepare(
        `UPDATE transactions SET provider_id = @providerId, status = @status, error_type = @errorType, ms = @ms,
         response_status = @responseStatus, response_body = @responseBody, final = @final WHERE id = @id`,
      ),
      insertFinishedTx: db.prepare(
        `INSERT INTO transactions (id, type, meter_id, provider_id, status, error_type, amount, started_at, ms, purchase_id, request, response_status, response_body, final)
         VALUES (@id, @type, @meterId, @providerId, @status, @errorType, @amount, @startedAt, @ms, @purchaseId, @request, @responseStatus, @responseBody, @final)`,
      ),
      setTxProvider: db.prepare<[string | null, string]>('UPDATE transactions SET provider_id = ? WHERE id = ?'),
      getTx: db.prepare<[string], TxRow>('SELECT * FROM transactions WHERE id = ?'),
      hasTx: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM transactions WHERE id = ?'),
      refsOf: db.prepare<[string], { ref: string }>('SELECT ref FROM transaction_refs WHERE tx_id = ?'),
      insertRef: db.prepare<[string, string]>('INSERT OR IGNORE INTO transaction_refs (ref, tx_id) VALUES (?, ?)'),
      insertTrace: db.prepare(
        `INSERT INTO traces (tx_id, direction, provider_id, operation, url, request_body, status, response_body, started_at, ms)
         VALUES (@txId, @direction, @providerId, @operation, @url, @requestBody, @status, @responseBody, @startedAt, @ms)`,
      ),
      tracesOf: db.prepare<[string], { direction: TraceRecord['direction']; provider_id: string | null; operation: string; url: string; request_body: string | null; status: number | null; response_body: string | null; started_at: string; ms: number; tx_id: string }>(
        'SELECT * FROM traces WHERE tx_id = ? ORDER BY seq',
      ),
      insertAdvice: db.prepare(
        `INSERT INTO advices (id, purchase_id, kind, operation, provider_id, body, attempts, last_error, created_at, next_attempt_at, status, seq)
         VALUES (@id, @purchaseId, @kind, @operation, @providerId, @body, 0, NULL, @createdAt, @nextAttemptAt, @status,
                 (SELECT COALESCE(MAX(seq), 0) + 1 FROM advices))
         ON CONFLICT (id) DO NOTHING`,
      ),
      getAdvice: db.prepare<[string], AdviceRow>('SELECT * FROM advices WHERE id = ?'),
      updateAdvice: db.prepare(
        'UPDATE advices SET attempts = @attempts, last_error = @lastError, next_attempt_at = @nextAttemptAt, status = @status WHERE id = @id',
      ),
      pendingHeads: db.prepare<[], AdviceRow>(
        `SELECT a.* FROM advices a JOIN (SELECT provider_id, MIN(seq) AS seq FROM advices WHERE status = 'PENDING' GROUP BY provider_id) h
         ON a.provider_id = h.provider_id AND a.seq = h.seq ORDER BY a.next_attempt_at`,
      ),
      listAdvices: db.prepare<[number], AdviceRow>('SELECT * FROM advices ORDER BY seq DESC LIMIT ?'),
      listAdvicesWithStatus: db.prepare<[AdviceStatus, number], AdviceRow>('SELECT * FROM advices WHERE status = ? ORDER BY seq DESC LIMIT ?'),
      countAdvices: db.prepare<[AdviceStatus], { n: number }>('SELECT COUNT(*) AS n FROM advices WHERE status = ?'),
      insertAlert: db.prepare<[string, string, string, string, string]>(
        "INSERT INTO alerts (at, kind, provider_id, from_health, to_health, message) VALUES (?, 'HEALTH', ?, ?, ?, ?)",
      ),
      insertAdviceAlert: db.prepare<[string, string, string, string]>(
        "INSERT INTO alerts (at, kind, provider_id, advice_id, message) VALUES (?, 'ADVICE_NEEDS_RECONCILIATION', ?, ?, ?)",
      ),
      listAlerts: db.prepare<[number], AlertRow>('SELECT * FROM alerts ORDER BY seq DESC LIMIT ?'),
      insertSample: db.prepare<[string, string, number, number, number]>(
        'INSERT INTO health_history (at, provider_id, latency_ms, error_rate, up) VALUES (?, ?, ?, ?, ?)',
      ),
      listSamples: db.prepare<[number], { at: string; provider_id: string; latency_ms: number; error_rate: number; up: number }>(
        'SELECT * FROM (SELECT * FROM health_history ORDER BY seq DESC LIMIT ?) ORDER BY seq',
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      meterIdsAfter: db.prepare<[string, number], { meter_id: string }>('SELECT meter_id FROM meters WHERE meter_id > ? ORDER BY meter_id LIMIT ?'),
    };
  }

  close(): void {
    if (this.checkpointer) {
      this.checkpointer.postMessage('stop');
      this.checkpointer = null;
    }
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.db.close();
    }
  }

  // ---- meta ----
  getMeta(key: string): string | null {
    return this.s.getMeta.get(key)?.value ?? null;
  }
  setMeta(key: string, value: string): void {
    this.s.setMeta.run(key, value);
  }

  // ---- providers and utilities ----
  upsertProviders(providers: readonly ProviderRecord[]): void {
    const stmt = this.db.prepare(
      `INSERT INTO providers (id, name, weight, enabled) VALUES (@id, @name, @weight, @enabled)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
    );
    this.db.transaction(() => {
      for (const p of providers) stmt.run({ id: p.id, name: p.name, weight: p.weight, enabled: p.enabled ? 1 : 0 });
    })();
  }
  setProviderWeight(id: string, weight: number): void {
    this.db.prepare('UPDATE providers SET weight = ? WHERE id = ?').run(weight, id);
  }
  listProviders(): ProviderRecord[] {
    return this.db
      .prepare<[], { id: string; name: string; weight: number; enabled: number }>('SELECT * FROM providers ORDER BY id')
      .all()
      .map((r) => ({ id: r.id, name: r.name, weight: r.weight, enabled: r.enabled === 1 }));
  }

  upsertUtility(u: UtilityPrefs): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO utilities (id, name, utility_type) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, utility_type = excluded.utility_type')
        .run(u.id, u.name, u.utilityType);
      this.db.prepare('DELETE FROM utility_preferences WHERE utility_id = ?').run(u.id);
      const pref = this.db.prepare('INSERT INTO utility_preferences (utility_id, provider_id, kind, rank) VALUES (?, ?, ?, ?)');
      u.ranked.forEach((p, i) => pref.run(u.id, p, 'RANKED', i));
      for (const p of u.excluded) pref.run(u.id, p, 'EXCLUDED', 0);
    })();
  }

  listUtilities(): UtilityPrefs[] {
    const rows = this.db.prepare<[], { id: string; name: string; utility_type: UtilityType }>('SELECT * FROM utilities ORDER BY name').all();
    const prefs = this.db
      .prepare<[], { utility_id: string; provider_id: string; kind: 'RANKED' | 'EXCLUDED' }>('SELECT * FROM utility_preferences ORDER BY utility_id, rank, provider_id')
      .all();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      utilityType: r.utility_type,
      ranked: prefs.filter((p) => p.utility_id === r.id && p.kind === 'RANKED').map((p) => p.provider_id),
      excluded: prefs.filter((p) => p.utility_id === r.id && p.kind === 'EXCLUDED').map((p) => p.provider_id),
    }));
  }

  /** Routing view: preferences, meter count and which providers confirmed support, per utility. */
  utilityRouting(): UtilityRoutingRow[] {
    const counts = new Map(
      this.db
        .prepare<[], { utility_id: string; n: number }>('SELECT utility_id, COUNT(*) AS n FROM meters WHERE utility_id IS NOT NULL GROUP BY utility_id')
        .all()
        .map((r) => [r.utility_id, r.n]),
    );
    const supported = this.db
      .prepare<[], { utility_id: string; provider_id: string }>(
        `SELECT DISTINCT m.utility_id, s.provider_id FROM meter_support s JOIN meters m ON m.meter_id = s.meter_id
         WHERE s.status = 'SUPPORTED' AND m.utility_id IS NOT NULL`,
      )
      .all();
    return this.listUtilities().map((u) => ({
      ...u,
      ranked: [...u.ranked],
      excluded: [...u.excluded],
      meterCount: counts.get(u.id) ?? 0,
      supportedBy: supported.filter((s) => s.utility_id === u.id).map((s) => s.provider_id),
    }));
  }

  // ---- contract table ----
  getMeter(meterId: string): MeterState | null {
    const cached = this.meters.get(meterId);
    if (cached !== undefined) return cached;
    const row = this.s.getMeter.get(meterId);
    const state: MeterState | null = row
      ? {
          meterId: row.meter_id,
          utilityId: row.utility_id,
          rebroadcastFlag: row.rebroadcast_flag === 1,
          preferredProviderId: row.preferred_provider_id,
          support: this.s.getSupport.all(meterId).map((s) => ({ providerId: s.provider_id, status: s.status, lastResponseAt: s.last_response_at })),
        }
      : null;
    this.cacheMeter(meterId, state);
    return state;
  }

  private cacheMeter(meterId: string, state: MeterState | null): void {
    if (!this.meters.has(meterId) && this.meters.size >= METER_CACHE_SIZE) {
      // Oldest first (a Map iterates in insertion order): a plain FIFO bound is enough here.
      const oldest = this.meters.keys().next().value;
      if (oldest !== undefined) this.meters.delete(oldest);
    }
    this.meters.set(meterId, state);
  }

  /** Writes a meter's whole row (creating it when new) in one transaction. */
  saveMeter(state: MeterState, now: string): void {
    this.db.transaction(() => {
      this.s.insertMeter.run(state.meterId, state.utilityId, state.rebroadcastFlag ? 1 : 0, state.preferredProviderId, now);
      this.s.updateMeter.run(state.utilityId, state.rebroadcastFlag ? 1 : 0, state.preferredProviderId, state.meterId);
      for (const s of state.support) this.s.upsertSupport.run(state.meterId, s.providerId, s.status, s.lastResponseAt);
    })();
    // Providers the state leaves out keep their stored rows: read the merged row back on next use.
    this.meters.delete(state.meterId);
  }

  /** One provider's support row for a meter the table already holds. */
  setSupport(meterId: string, s: ProviderSupport): void {
    this.s.upsertSupport.run(meterId, s.providerId, s.status, s.lastResponseAt);
    this.meters.delete(meterId);
  }

  /**
   * Moves a provider's last-response time forward and nothing else: a write that may ride a later
   * batch must not put back a status that changed in the meantime.
   */
  touchSupport(meterId: string, providerId: string, at: string): void {
    this.s.touchSupport.run(at, meterId, providerId, at);
    this.meters.delete(meterId);
  }

  /** Bulk load for seeding and benchmarks: one transaction, prepared statements. */
  insertMeters(meters: Iterable<{ meterId: string; utilityId: string | null; preferredProviderId?: string | null; support?: readonly ProviderSupport[] }>, now: string): number {
    let n = 0;
    this.meters.clear();
    this.db.transaction(() => {
      for (const m of meters) {
        this.s.insertMeter.run(m.meterId, m.utilityId, 0, m.preferredProviderId ?? null, now);
        for (const s of m.support ?? []) this.s.upsertSupport.run(m.meterId, s.providerId, s.status, s.lastResponseAt);
        n++;
      }
    })();
    return n;
  }

  searchMeters(prefix: string, limit: number): { meterId: string; utilityName: string | null }[] {
    // Range scan over the primary key: every id starting with `prefix` sorts in [prefix, prefix + U+FFFF).
    return this.s.prefix.all(prefix, prefix + '\uffff', limit).map((r) => ({ meterId: r.meter_id, utilityName: r.name }));
  }

  /** Meter ids in key order after `after`, for the periodic re-broadcast's batches. */
  meterIdsAfter(after: string, limit: number): string[] {
    return this.s.meterIdsAfter.all(after, limit).map((r) => r.meter_id);
  }

  // ---- transactions ----
  /**
   * Persists a new transaction before anything is sent, durably (see `durably`): after a power cut
   * the till's retry finds it and goes to the same provider. A reused id throws DuplicateIdError.
   */
  insertTransaction(tx: NewTransaction): void {
    try {
      this.durably(() => this.s.insertTx.run({ ...tx, request: JSON.stringify(tx.request) }));
    } catch (err) {
      if (err instanceof Error && (err as Error & { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateIdError(tx.id);
      throw err;
    }
  }

  /**
   * Runs one write with synchronous=FULL: the store runs NORMAL (a commit survives a crash of the
   * process, not of the machine), but a request about to leave for a provider — and which provider
   * it goes to — must survive a power cut too. One fsync of the WAL per such write.
   */
  private durably<T>(write: () => T): T {
    this.db.pragma('synchronous = FULL');
    try {
      return write();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** A transaction written once, already answered (a lookup: nothing to persist before sending). */
  insertFinishedTransaction(tx: NewTransaction, o: TransactionOutcome): void {
    this.s.insertFinishedTx.run({ ...tx, request: JSON.stringify(tx.request), ...outcomeColumns(o) });
  }

  hasTransaction(id: string): boolean {
    return this.s.hasTx.get(id) !== undefined;
  }

  /** The provider a transaction is about to be sent to, durably before the send (a failover's new route). */
  setTransactionProvider(id: string, providerId: string | null): void {
    this.durably(() => this.s.setTxProvider.run(providerId, id));
  }

  finishTransaction(id: string, o: TransactionOutcome): void {
    this.s.finishTx.run({ id, ...outcomeColumns(o) });
  }

  getTransaction(id: string): StoredTransaction | null {
    const row = this.s.getTx.get(id);
    return row ? this.toStored(row) : null;
  }

  listTransactions(f: TransactionFilter): TransactionSummary[] {
    const where: string[] = [];
    const args: Record<string, string | number> = {};
    if (f.from) (where.push('t.started_at >= @from'), (args.from = f.from));
    if (f.to) (where.push('t.started_at <= @to'), (args.to = f.to));
    if (f.meter) (where.push('t.meter_id = @meter'), (args.meter = f.meter));
    if (f.provider) (where.push('t.provider_id = @provider'), (args.provider = f.provider));
    if (f.status) (where.push('t.status = @status'), (args.status = f.status));
    if (f.type) (where.push('t.type = @type'), (args.type = f.type));
    // A transaction's own id and meter number are not stored as references: its indexes answer them.
    if (f.q) (where.push('(t.id = @q OR t.meter_id = @q OR t.id IN (SELECT tx_id FROM transaction_refs WHERE ref = @q))'), (args.q = f.q));
    args.limit = Math.max(1, Math.min(f.limit ?? 100, 1000));
    const sql = `SELECT * FROM transactions t ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY t.started_at DESC, t.rowid DESC LIMIT @limit`;
    return this.db
      .prepare<Record<string, string | number>, TxRow>(sql)
      .all(args)
      .map((r) => this.toSummary(r));
  }

  private toSummary(r: TxRow): TransactionSummary {
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
      references: [...new Set([r.id, ...(r.meter_id === null ? [] : [r.meter_id]), ...this.s.refsOf.all(r.id).map((x) => x.ref)])],
      purchaseId: r.purchase_id,
    };
  }

  private toStored(r: TxRow): StoredTransaction {
    return {
      ...this.toSummary(r),
      request: parse(r.request),
      responseStatus: r.response_status,
      responseBody: parse(r.response_body),
      final: r.final === 1,
    };
  }

  /** Deferred writes from the hot path (traces and references), in one transaction. */
  writeBatch(traces: readonly TraceRecord[], refs: readonly { txId: string; ref: string }[], jobs: readonly (() => void)[] = []): void {
    this.db.transaction(() => {
      // Deferred repository writes (finished transactions, refreshed response times) share the commit.
      for (const job of jobs) job();
      for (const t of traces) {
        this.s.insertTrace.run({
          txId: t.txId,
          direction: t.direction,
          providerId: t.providerId,
          operation: t.operation,
          url: t.url,
          requestBody: t.requestJson ?? jsonOrNull(t.requestBody),
          status: t.status,
          responseBody: t.responseJson ?? jsonOrNull(t.responseBody),
          startedAt: t.startedAt,
          ms: t.ms,
        });
      }
      for (const r of refs) this.s.insertRef.run(r.ref, r.txId);
    })();
  }

  /**
   * A transaction's message traces in order. A lookup's till->switch exchange is its transaction
   * row (request, answer, status, time), so it is not written twice; rows stored before that
   * change carry it as a trace and are shown as stored.
   */
  tracesOf(txId: string): TraceRecord[] {
    const stored: TraceRecord[] = this.s.tracesOf.all(txId).map((t) => ({
      txId: t.tx_id,
      direction: t.direction,
      providerId: t.provider_id,
      operation: t.operation,
      url: t.url,
      requestBody: parse(t.request_body),
      status: t.status,
      responseBody: parse(t.response_body),
      startedAt: t.started_at,
      ms: t.ms,
    }));
    const tx = this.s.getTx.get(txId);
    if (!tx || tx.type !== 'LOOKUP' || stored.some((t) => t.direction === 'till->switch')) return stored;
    const outer: TraceRecord = {
      txId,
      direction: 'till->switch',
      providerId: null,
      operation: 'meterLookup',
      url: OPERATIONS.meterLookup.route,
      requestBody: parse(tx.request),
      status: tx.response_status,
      responseBody: parse(tx.response_body),
      startedAt: tx.started_at,
      ms: tx.ms,
    };
    return [outer, ...stored];
  }

  // ---- advices ----
  /** Returns false when an advice with this id already exists. */
  insertAdvice(a: Omit<AdviceRecord, 'attempts' | 'lastError'>): boolean {
    return this.s.insertAdvice.run({ ...a, body: JSON.stringify(a.body) }).changes === 1;
  }
  getAdvice(id: string): AdviceRecord | null {
    const row = this.s.getAdvice.get(id);
    return row ? toAdvice(row) : null;
  }
  updateAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>): void {
    this.s.updateAdvice.run(a);
  }
  /** The head (oldest pending advice) of each provider's queue. */
  pendingAdviceHeads(): AdviceRecord[] {
    return this.s.pendingHeads.all().map(toAdvice);
  }
  listAdvices(limit = 500, status?: AdviceStatus): AdviceRecord[] {
    return (status ? this.s.listAdvicesWithStatus.all(status, limit) : this.s.listAdvices.all(limit)).map(toAdvice);
  }
  countAdvices(status: AdviceStatus): number {
    return this.s.countAdvices.get(status)!.n;
  }
  /** Parks an advice that never got a final answer, with the alert that tells a person, in one write. */
  parkAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>, alert: AdviceAlert): void {
    this.db.transaction(() => {
      this.s.updateAdvice.run(a);
      this.s.insertAdviceAlert.run(alert.at, alert.providerId, alert.adviceId, alert.message);
    })();
  }

  // ---- health ----
  insertAlert(a: HealthAlert): void {
    this.s.insertAlert.run(a.at, a.providerId, a.from, a.to, a.message);
  }
  listAlerts(limit = 200): SwitchAlert[] {
    return this.s.listAlerts.all(limit).map((r) =>
      r.kind === 'HEALTH'
        ? { kind: r.kind, at: r.at, providerId: r.provider_id, from: r.from_health!, to: r.to_health!, message: r.message }
        : { kind: r.kind, at: r.at, providerId: r.provider_id, adviceId: r.advice_id!, message: r.message },
    );
  }
  insertHealthSamples(samples: readonly HealthSample[]): void {
    this.db.transaction(() => {
      for (const s of samples) this.s.insertSample.run(s.at, s.providerId, s.latencyMs, s.errorRate, s.up ? 1 : 0);
    })();
  }
  listHealthSamples(limit = 600): HealthSample[] {
    return this.s.listSamples.all(limit).map((r) => ({ at: r.at, providerId: r.provider_id, latencyMs: r.latency_ms, errorRate: r.error_rate, up: r.up === 1 }));
  }
}

function toAdvice(r: AdviceRow): AdviceRecord {
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

export function openStore(file: string, opts: StoreOptions = {}): SwitchStore {
  return new SwitchStore(file, opts);
}
