/**
 * The switch's SQLite engine (better-sqlite3, WAL): the embedded default, one switch process on one
 * file. Every SQL statement it runs lives here behind the SwitchStore interface (switch-store.ts);
 * statements are prepared once and run synchronously, and the durable writes wait for a shared
 * fdatasync of the WAL off the event loop (wal-sync.ts). Rows become plain data in rows.ts.
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
  UtilityPrefs,
} from '../engine/model';
import type { UtilityType } from '../protocol';
import { openDatabase } from '../../common/sqlite';
import { migrate } from './migrations';
import {
  DuplicateIdError,
  type NewTransaction,
  type StoreChange,
  type SwitchStore,
  type TransactionFilter,
  type TransactionOutcome,
  type UtilityRoutingRow,
  type WriteBatch,
} from './switch-store';
import { cacheMeter, jsonOrNull, toAdvice, toAlert, toHealthSample, toStored, toSummary, tracesOfRows, type AdviceRow, type AlertRow, type HealthRow, type TraceRow, type TxRow } from './rows';
import { WalSync } from './wal-sync';

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

/**
 * Checkpoints the WAL from a worker thread with its own connection, so copying pages into the
 * database and its fsync never stall the event loop that serves purchases (the main connection's
 * auto-checkpoint is off). A checkpoint running beside a busy writer never catches up with it, and
 * SQLite starts the WAL over only once every frame is copied: under steady load the WAL grew by
 * 15 MB/s and every fdatasync of it also waited for an ext4 journal commit of its new size. So once
 * a checkpoint leaves few frames behind, the worker asks the store to hold its hot writes for the
 * moment a last checkpoint takes ('pause' → 'paused' → 'resume'); the next write starts the WAL
 * over, and it is overwritten in place from then on.
 */
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const checkpoint = () => { try { return db.pragma('wal_checkpoint(PASSIVE)')[0]; } catch (e) { return null; } };
let timer = null;
const later = (ms) => { timer = setTimeout(tick, ms); };
function tick() {
  timer = null;
  const r = checkpoint();
  if (!r || r.log === 0) return later(workerData.everyMs);
  const behind = r.log - r.checkpointed;
  if (behind <= workerData.finishFrames) return parentPort.postMessage('pause');
  later(10);
}
later(workerData.everyMs);
// A 'paused' already on its way when 'stop' arrives must not start the timers again: a worker with a
// timer running never exits, and the store's close waited for it for ever (CI caught it twice).
let stopped = false;
parentPort.on('message', (m) => {
  if (stopped) return;
  if (m === 'paused') {
    checkpoint();
    parentPort.postMessage('resume');
    later(workerData.everyMs);
    return;
  }
  stopped = true;
  if (timer) clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

/** Page size of a new switch database (see the constructor). */
export const SWITCH_PAGE_SIZE = 1024;
/** A checkpoint leaving at most this many frames behind is finished with the store's writes held. */
const FINISH_FRAMES = 500;
/** The longest the hot writes are held for a checkpoint to finish: past it they go on regardless. */
const MAX_HOLD_MS = 50;

export interface StoreOptions {
  /** Checkpoint the WAL from a background thread every this many ms (servers); off: SQLite's own auto-checkpoint. */
  backgroundCheckpointMs?: number;
}

export class SqliteSwitchStore implements SwitchStore {
  readonly engine = 'sqlite' as const;
  readonly sharedByNodes = false;
  readonly db: Database.Database;
  private readonly s;
  private checkpointer: Worker | null = null;
  /** Settles when the checkpointer has exited, however it ended (close must not wait for an exit that has already happened). */
  private checkpointerExited: Promise<void> = Promise.resolve();
  /** Set while a checkpoint finishes with the hot writes held (see CHECKPOINTER), with what ends the hold. */
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private holdBound: NodeJS.Timeout | null = null;
  private readonly wal: WalSync | null;
  /**
   * Read-through cache of contract-table rows, kept in step by every write below (this store is
   * the table's only writer): a lookup or purchase reads its meter two or three times.
   */
  private readonly meters = new Map<string, MeterState | null>();

  constructor(file: string, opts: StoreOptions = {}) {
    // NORMAL is durable across application crashes in WAL mode; the writes that must survive a
    // power cut wait for a WAL fsync besides (see durable()). 1 KB pages: every commit writes each
    // page it touched whole into the WAL, and a purchase touches five B-trees on insert and grows its
    // row on finish — 28.2 KB of WAL for a purchase's row and answer with SQLite's default 4 KB
    // pages, 10.2 KB with 1 KB (store test); disk writes under the switch bench's load went from
    // 95 KB to 44 KB a purchase. A file keeps the page size it was made with.
    this.db = openDatabase(file, { synchronous: 'NORMAL', pageSize: SWITCH_PAGE_SIZE });
    migrate(this.db);
    this.wal = file === ':memory:' ? null : new WalSync(`${file}-wal`);
    if (opts.backgroundCheckpointMs && file !== ':memory:') {
      this.db.pragma('wal_autocheckpoint = 0');
      this.checkpointer = new Worker(CHECKPOINTER, {
        eval: true,
        workerData: { file, module: createRequire(import.meta.url).resolve('better-sqlite3'), everyMs: opts.backgroundCheckpointMs, finishFrames: FINISH_FRAMES },
      });
      this.checkpointer.unref();
      const checkpointer = this.checkpointer;
      checkpointer.on('message', (m: 'pause' | 'resume') => {
        if (m === 'resume') return this.releaseWrites();
        // Writes here are synchronous: none is half done while this message is handled.
        this.held = new Promise((resolve) => (this.release = resolve));
        this.holdBound = setTimeout(() => this.releaseWrites(), MAX_HOLD_MS);
        this.holdBound.unref();
        checkpointer.postMessage('paused');
      });
      this.checkpointerExited = new Promise((resolve) =>
        checkpointer.once('exit', () => {
          this.releaseWrites();
          resolve();
        }),
      );
      checkpointer.on('error', (err) => {
        // A checkpointer that died only stops checkpoints: the store works on, its WAL grows until reopened.
        process.emitWarning(`the switch database's checkpointer stopped: ${err.message}`);
      });
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
      tracesOf: db.prepare<[string], TraceRow>(
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
        'UPDATE advices SET attempts = @attempts, last_error = @lastError, next_attempt_at = @nextAttemptAt, status = @status, lease_owner = NULL, lease_until = NULL WHERE id = @id',
      ),
      pendingHeads: db.prepare<[], AdviceRow>(
        `SELECT a.* FROM advices a JOIN (SELECT provider_id, MIN(seq) AS seq FROM advices WHERE status = 'PENDING' GROUP BY provider_id) h
         ON a.provider_id = h.provider_id AND a.seq = h.seq ORDER BY a.next_attempt_at`,
      ),
      claimAdvice: db.prepare<[string, string, string, string, string]>(
        `UPDATE advices SET lease_owner = ?, lease_until = ? WHERE id = ? AND status = 'PENDING'
         AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)`,
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
      listSamples: db.prepare<[number], HealthRow>(
        'SELECT * FROM (SELECT * FROM health_history ORDER BY seq DESC LIMIT ?) ORDER BY seq',
      ),
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      meterIdsAfter: db.prepare<[string, number], { meter_id: string }>('SELECT meter_id FROM meters WHERE meter_id > ? ORDER BY meter_id LIMIT ?'),
    };
  }

  private releaseWrites(): void {
    const release = this.release;
    // An earlier hold's bound must not cut a later hold short.
    if (this.holdBound) clearTimeout(this.holdBound);
    this.holdBound = null;
    this.held = null;
    this.release = null;
    release?.();
  }

  async close(): Promise<void> {
    const checkpointer = this.checkpointer;
    this.checkpointer = null;
    this.releaseWrites();
    if (checkpointer) {
      checkpointer.postMessage('stop');
      // Bounded all the same: a checkpointer not gone in 5 s is terminated (a checkpoint cut short is
      // safe by SQLite's design; the next one copies the same frames again).
      const bound = setTimeout(() => void checkpointer.terminate(), 5_000);
      await this.checkpointerExited;
      clearTimeout(bound);
    }
    await this.wal?.close();
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.db.close();
    }
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  /** One process owns the file: nobody else changes it behind this store's caches. */
  onChange(_listener: (change: StoreChange) => void): void {}

  async tryLead(): Promise<boolean> {
    return true;
  }

  /**
   * Waits until the writes committed so far would survive a power cut: the store runs NORMAL (a
   * commit survives a crash of the process), and a request about to leave for a provider — and
   * which provider it goes to — must survive a power cut too.
   */
  private durable(): Promise<void> {
    return this.wal ? this.wal.sync() : Promise.resolve();
  }

  // ---- meta ----
  async getMeta(key: string): Promise<string | null> {
    return this.s.getMeta.get(key)?.value ?? null;
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.s.setMeta.run(key, value);
  }

  // ---- providers and utilities ----
  async upsertProviders(providers: readonly ProviderRecord[]): Promise<void> {
    const stmt = this.db.prepare(
      `INSERT INTO providers (id, name, weight, enabled) VALUES (@id, @name, @weight, @enabled)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
    );
    this.db.transaction(() => {
      for (const p of providers) stmt.run({ id: p.id, name: p.name, weight: p.weight, enabled: p.enabled ? 1 : 0 });
    })();
  }
  async setProviderWeight(id: string, weight: number): Promise<void> {
    this.db.prepare('UPDATE providers SET weight = ? WHERE id = ?').run(weight, id);
  }
  async listProviders(): Promise<ProviderRecord[]> {
    return this.db
      .prepare<[], { id: string; name: string; weight: number; enabled: number }>('SELECT * FROM providers ORDER BY id')
      .all()
      .map((r) => ({ id: r.id, name: r.name, weight: r.weight, enabled: r.enabled === 1 }));
  }

  async upsertUtility(u: UtilityPrefs): Promise<void> {
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

  async listUtilities(): Promise<UtilityPrefs[]> {
    return this.utilities();
  }

  private utilities(): UtilityPrefs[] {
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
  async utilityRouting(): Promise<UtilityRoutingRow[]> {
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
    return this.utilities().map((u) => ({
      ...u,
      ranked: [...u.ranked],
      excluded: [...u.excluded],
      meterCount: counts.get(u.id) ?? 0,
      supportedBy: supported.filter((s) => s.utility_id === u.id).map((s) => s.provider_id),
    }));
  }

  // ---- contract table ----
  async getMeter(meterId: string): Promise<MeterState | null> {
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
    cacheMeter(this.meters, meterId, state);
    return state;
  }

  async saveMeter(state: MeterState, now: string): Promise<void> {
    this.db.transaction(() => {
      this.s.insertMeter.run(state.meterId, state.utilityId, state.rebroadcastFlag ? 1 : 0, state.preferredProviderId, now);
      this.s.updateMeter.run(state.utilityId, state.rebroadcastFlag ? 1 : 0, state.preferredProviderId, state.meterId);
      for (const s of state.support) this.s.upsertSupport.run(state.meterId, s.providerId, s.status, s.lastResponseAt);
    })();
    // Providers the state leaves out keep their stored rows: read the merged row back on next use.
    this.meters.delete(state.meterId);
  }

  async setSupport(meterId: string, s: ProviderSupport): Promise<void> {
    this.s.upsertSupport.run(meterId, s.providerId, s.status, s.lastResponseAt);
    this.meters.delete(meterId);
  }

  async insertMeters(
    meters: Iterable<{ meterId: string; utilityId: string | null; preferredProviderId?: string | null; support?: readonly ProviderSupport[] }>,
    now: string,
  ): Promise<number> {
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

  async searchMeters(prefix: string, limit: number): Promise<{ meterId: string; utilityName: string | null }[]> {
    // Range scan over the primary key: every id starting with `prefix` sorts in [prefix, prefix + U+FFFF).
    return this.s.prefix.all(prefix, prefix + '\uffff', limit).map((r) => ({ meterId: r.meter_id, utilityName: r.name }));
  }

  async meterIdsAfter(after: string, limit: number): Promise<string[]> {
    return this.s.meterIdsAfter.all(after, limit).map((r) => r.meter_id);
  }

  // ---- transactions ----
  /**
   * Persists a new transaction before anything is sent: committed at once (so a reused id is
   * refused and every later read sees it), then durable once the shared WAL fsync has run.
   */
  async insertTransaction(tx: NewTransaction, opts: { durable?: boolean } = {}): Promise<void> {
    if (this.held) await this.held;
    try {
      this.s.insertTx.run({ ...tx, request: JSON.stringify(tx.request) });
    } catch (err) {
      if (err instanceof Error && (err as Error & { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateIdError(tx.id);
      throw err;
    }
    if (opts.durable !== false) await this.durable();
  }

  async hasTransaction(id: string): Promise<boolean> {
    return this.s.hasTx.get(id) !== undefined;
  }

  async setTransactionProvider(id: string, providerId: string | null): Promise<void> {
    if (this.held) await this.held;
    this.s.setTxProvider.run(providerId, id);
    await this.durable();
  }

  async finishTransaction(id: string, o: TransactionOutcome): Promise<void> {
    if (this.held) await this.held;
    this.s.finishTx.run({ id, ...outcomeColumns(o) });
  }

  async getTransaction(id: string): Promise<StoredTransaction | null> {
    const row = this.s.getTx.get(id);
    return row ? toStored(row, this.refsOf(row.id)) : null;
  }

  async listTransactions(f: TransactionFilter): Promise<TransactionSummary[]> {
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
      .map((r) => toSummary(r, this.refsOf(r.id)));
  }

  private refsOf(txId: string): string[] {
    return this.s.refsOf.all(txId).map((x) => x.ref);
  }

  async writeBatch(b: WriteBatch): Promise<void> {
    if (this.held) await this.held;
    this.db.transaction(() => {
      for (const { tx, outcome } of b.finishedRows) this.s.insertFinishedTx.run({ ...tx, request: JSON.stringify(tx.request), ...outcomeColumns(outcome) });
      for (const { id, outcome } of b.outcomes) this.s.finishTx.run({ id, ...outcomeColumns(outcome) });
      for (const t of b.touches) {
        this.s.touchSupport.run(t.at, t.meterId, t.providerId, t.at);
        this.meters.delete(t.meterId);
      }
      for (const t of b.traces) {
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
      for (const r of b.refs) this.s.insertRef.run(r.ref, r.txId);
    })();
  }

  async tracesOf(txId: string): Promise<TraceRecord[]> {
    return tracesOfRows(txId, this.s.tracesOf.all(txId), this.s.getTx.get(txId));
  }

  // ---- advices ----
  async insertAdvice(a: Omit<AdviceRecord, 'attempts' | 'lastError'>): Promise<boolean> {
    return this.s.insertAdvice.run({ ...a, body: JSON.stringify(a.body) }).changes === 1;
  }
  async getAdvice(id: string): Promise<AdviceRecord | null> {
    const row = this.s.getAdvice.get(id);
    return row ? toAdvice(row) : null;
  }
  async updateAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>): Promise<void> {
    this.s.updateAdvice.run(a);
  }
  async pendingAdviceHeads(): Promise<AdviceRecord[]> {
    return this.s.pendingHeads.all().map(toAdvice);
  }
  async claimAdvice(id: string, owner: string, now: string, until: string): Promise<boolean> {
    return this.s.claimAdvice.run(owner, until, id, owner, now).changes === 1;
  }
  async listAdvices(limit = 500, status?: AdviceStatus): Promise<AdviceRecord[]> {
    return (status ? this.s.listAdvicesWithStatus.all(status, limit) : this.s.listAdvices.all(limit)).map(toAdvice);
  }
  async countAdvices(status: AdviceStatus): Promise<number> {
    return this.s.countAdvices.get(status)!.n;
  }
  async parkAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>, alert: AdviceAlert): Promise<void> {
    this.db.transaction(() => {
      this.s.updateAdvice.run(a);
      this.s.insertAdviceAlert.run(alert.at, alert.providerId, alert.adviceId, alert.message);
    })();
  }

  // ---- health ----
  async insertAlert(a: HealthAlert): Promise<void> {
    this.s.insertAlert.run(a.at, a.providerId, a.from, a.to, a.message);
  }
  async listAlerts(limit = 200): Promise<SwitchAlert[]> {
    return this.s.listAlerts.all(limit).map(toAlert);
  }
  async insertHealthSamples(samples: readonly HealthSample[]): Promise<void> {
    this.db.transaction(() => {
      for (const s of samples) this.s.insertSample.run(s.at, s.providerId, s.latencyMs, s.errorRate, s.up ? 1 : 0);
    })();
  }
  async listHealthSamples(limit = 600): Promise<HealthSample[]> {
    return this.s.listSamples.all(limit).map(toHealthSample);
  }
}

export function openSqliteStore(file: string, opts: StoreOptions = {}): SqliteSwitchStore {
  return new SqliteSwitchStore(file, opts);
}
