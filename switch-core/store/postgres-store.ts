/**
 * The switch's PostgreSQL store (pg, pooled): any number of switch nodes share one database. It owns
 * the PostgreSQL side of the store contract — migrations serialised across nodes, commits durable
 * only where switch-store.ts asks, the meter cache kept in step across nodes with LISTEN/NOTIFY,
 * leadership through a session advisory lock, and advice leases. Session state carries meaning here
 * (synchronous_commit per pool, LISTEN, the leader's lock): connect to PostgreSQL directly or through
 * a session-mode pooler, never a transaction-mode one.
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { backoffMs, type Backoff } from '../../common/backoff';
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
import { MIGRATIONS, LATEST_VERSION } from './migrations';
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

const INSERT_TRANSACTION = `INSERT INTO transactions (id, type, meter_id, provider_id, status, amount, started_at, purchase_id, request)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/** The NOTIFY channel every node listens on. */
const CHANNEL = 'ppu_switch';
/** Advisory-lock keys (one number space per database): schema changes, and the leader's jobs. */
const MIGRATION_LOCK = 0x70707531;
const LEADER_LOCK = 0x70707532;
/** NOTIFY payloads must stay under 8000 bytes: meter ids are sent in chunks below that. */
const NOTIFY_PAYLOAD_BYTES = 7_000;
/** Rows per statement when bulk-loading meters. */
const BULK_ROWS = 5_000;
const LISTEN_BACKOFF: Backoff = { baseMs: 250, maxMs: 10_000 };

/**
 * BIGINT (amounts in cents, sequence numbers, counts) as JS numbers for this store's connections
 * only: pg's global parsers stay as they are for any other pg user in the process.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** What a node tells the others after a write: its own id (so it skips its own news) and what changed. */
interface Notice {
  node: string;
  meters?: readonly string[];
  utilities?: true;
  providers?: true;
}

/** A transaction's row with its stored references, as TX_WITH_REFS reads it. */
interface TxWithRefs extends TxRow {
  refs: string[];
}

/** A transaction's row with its references: the stored references plus its own id and meter number. */
const TX_WITH_REFS = `SELECT t.*, ARRAY(SELECT r.ref FROM transaction_refs r WHERE r.tx_id = t.id ORDER BY r.ref COLLATE "C") AS refs FROM transactions t`;

const SUPPORT_UPSERT = `INSERT INTO meter_support (meter_id, provider_id, status, last_response_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  ON CONFLICT (meter_id, provider_id) DO UPDATE SET status = excluded.status, last_response_at = excluded.last_response_at`;

/** Opens (and migrates) the store at a postgres:// URL. `nodeId` names this node in notifications. */
export async function openPostgresStore(url: string, opts: { poolSize?: number; nodeId?: string } = {}): Promise<PostgresSwitchStore> {
  const config: pg.ClientConfig = { connectionString: url, types: TYPES, keepAlive: true, connectionTimeoutMillis: 10_000 };
  // Two pools, told apart by their sessions' synchronous_commit, so that every write is one round
  // trip (a transaction with SET LOCAL costs three: half the durable writes per second at 100 clients).
  // `pool`: a write resolves once the server has committed it, without waiting for its WAL flush —
  // a crash of the switch process loses nothing. `durablePool`: the WAL is flushed first — a power
  // cut loses nothing (a purchase and its route, before the request leaves for a provider).
  const sessionPool = (synchronousCommit: 'on' | 'off') => {
    const p = new pg.Pool({
      ...config,
      max: opts.poolSize ?? 10,
      onConnect: async (client) => {
        await client.query(`SET synchronous_commit = ${synchronousCommit}`);
      },
    });
    // An idle connection the server dropped is taken out of the pool; the next query opens another.
    p.on('error', () => undefined);
    return p;
  };
  const pool = sessionPool('off');
  const durablePool = sessionPool('on');
  try {
    await migrate(durablePool);
    const store = new PostgresSwitchStore(pool, durablePool, config, opts.nodeId ?? randomUUID());
    await store.startListening();
    return store;
  } catch (err) {
    await Promise.all([pool.end(), durablePool.end()]);
    throw err;
  }
}

/**
 * Brings the schema to LATEST_VERSION: each migration in its own transaction with its version row,
 * under a transaction-scoped advisory lock, so nodes starting together migrate once, one after the other.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  MIGRATIONS.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: position ${i + 1} holds version ${m.version}`);
  });
  for (;;) {
    const done = await inTransaction(pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(`CREATE TABLE IF NOT EXISTS schema_version (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const { rows } = await c.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version');
      const current = rows[0]?.v ?? 0;
      if (current > LATEST_VERSION) {
        throw new Error(`the switch database is at schema version ${current}, newer than this switch knows (${LATEST_VERSION}): upgrade the switch, or point it at another database`);
      }
      if (current === LATEST_VERSION) return true;
      const m = MIGRATIONS[current]!;
      await c.query(m.postgres);
      await c.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return false;
    });
    if (done) return;
  }
}

/** One transaction on one pooled connection, rolled back on error. */
async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken: Error | undefined;
  try {
    await c.query('BEGIN');
    const result = await work(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is thrown away rather than handed to the next caller.
    await c.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw err;
  } finally {
    c.release(broken);
  }
}

/** The last entry per key, in first-seen key order: one INSERT ... ON CONFLICT DO UPDATE may touch a row once. */
function lastByKey<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return [...byKey.values()];
}

/** Meter ids as JSON payloads under NOTIFY's size limit. */
function noticePayloads(node: string, meters: readonly string[]): string[] {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const id of meters) {
    const size = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (chunk.length > 0 && bytes + size > NOTIFY_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ node, meters: chunk } satisfies Notice));
      chunk = [];
      bytes = 0;
    }
    chunk.push(id);
    bytes += size;
  }
  if (chunk.length > 0) payloads.push(JSON.stringify({ node, meters: chunk } satisfies Notice));
  return payloads;
}

const supportColumns = (rows: readonly { meterId: string; s: ProviderSupport }[]) => [
  rows.map((r) => r.meterId),
  rows.map((r) => r.s.providerId),
  rows.map((r) => r.s.status),
  rows.map((r) => r.s.lastResponseAt),
];

export class PostgresSwitchStore implements SwitchStore {
  readonly engine = 'postgres' as const;
  readonly sharedByNodes = true;

  /** Read-through cache of contract-table rows; other nodes' writes drop entries through NOTIFY. */
  private readonly meters = new Map<string, MeterState | null>();
  /** Reads under way: one query per meter at a time, and a read overtaken by a write is not cached. */
  private readonly loading = new Map<string, { promise: Promise<MeterState | null>; stale: boolean }>();
  private readonly listeners: ((change: StoreChange) => void)[] = [];
  /** The LISTEN connection; while it is down nothing is cached (another node's news could be missed). */
  private listener: pg.Client | null = null;
  private listenRetry: NodeJS.Timeout | null = null;
  /** Reconnects of the LISTEN client that failed in a row (the backoff's n). */
  private listenFailures = 0;
  /** The connection holding the leader lock (or trying to): its session ending gives the lock up. */
  private leader: { client: pg.Client; held: boolean; alive: boolean } | null = null;
  private leading: Promise<boolean> = Promise.resolve(false);
  private closing: Promise<void> | null = null;

  constructor(
    private readonly pool: pg.Pool,
    private readonly durablePool: pg.Pool,
    private readonly config: pg.ClientConfig,
    readonly nodeId: string,
  ) {}

  // ---- lifecycle ----
  async ping(): Promise<void> {
    if (this.closing) throw new Error('the PostgreSQL store is not open: it was closed');
    await this.pool.query('SELECT 1');
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.listenRetry) clearTimeout(this.listenRetry);
      const listener = this.listener;
      this.listener = null;
      const leader = this.leader;
      this.leader = null;
      await Promise.all([listener?.end().catch(() => undefined), leader?.client.end().catch(() => undefined)]);
      await Promise.all([this.pool.end(), this.durablePool.end()]);
    })();
    return this.closing;
  }

  onChange(listener: (change: StoreChange) => void): void {
    this.listeners.push(listener);
  }

  /** Connects the LISTEN client; on any loss it reconnects with bounded backoff and drops the cache. */
  async startListening(): Promise<void> {
    const client = new pg.Client(this.config);
    const lost = () => this.listenerLost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) this.applyNotice(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closing) {
      await client.end().catch(() => undefined);
      return;
    }
    // Whatever was written while nobody listened may be missing from the cache's view.
    this.dropAllMeters();
    this.listener = client;
    this.listenFailures = 0;
  }

  private listenerLost(client: pg.Client): void {
    if (this.listener !== client) return;
    this.listener = null;
    this.dropAllMeters();
    client.end().catch(() => undefined);
    this.scheduleListen();
  }

  private scheduleListen(): void {
    if (this.closing || this.listenRetry) return;
    const wait = backoffMs(++this.listenFailures, LISTEN_BACKOFF);
    this.listenRetry = setTimeout(() => {
      this.listenRetry = null;
      this.startListening().catch(() => this.scheduleListen());
    }, wait);
    this.listenRetry.unref();
  }

  private applyNotice(payload: string): void {
    let notice: Partial<Notice>;
    try {
      notice = JSON.parse(payload) as Partial<Notice>;
    } catch {
      return; // not ours: someone else's NOTIFY on the channel
    }
    if (typeof notice !== 'object' || notice === null || notice.node === this.nodeId) return;
    for (const meterId of Array.isArray(notice.meters) ? notice.meters : []) {
      if (typeof meterId !== 'string') continue;
      this.dropMeter(meterId);
      this.emit({ kind: 'meter', meterId });
    }
    if (notice.utilities === true) this.emit({ kind: 'utilities' });
    if (notice.providers === true) this.emit({ kind: 'providers' });
  }

  private emit(change: StoreChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        // Thrown from pg's socket handler it would end the process: a faulty cache listener must not stop sales.
        process.emitWarning(`a store change listener failed on ${JSON.stringify(change)}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Leadership through a session-level advisory lock on a connection of its own: held until that
   * session ends, so a node that dies (or loses its connection) gives it up to the next caller.
   */
  tryLead(): Promise<boolean> {
    // One attempt at a time: two overlapping calls must not open two sessions.
    this.leading = this.leading.then(
      () => this.leadOnce(),
      () => this.leadOnce(),
    );
    return this.leading;
  }

  private async leadOnce(): Promise<boolean> {
    if (this.closing) return false;
    try {
      if (this.leader && !this.leader.alive) this.dropLeader();
      if (!this.leader) {
        const client = new pg.Client(this.config);
        const leader = { client, held: false, alive: true };
        const lost = () => {
          leader.alive = false;
          leader.held = false;
        };
        client.on('error', lost);
        client.on('end', lost);
        this.leader = leader;
        await client.connect();
        // Closed meanwhile: close() has ended this client; the lock must not be taken on it.
        if (this.closing) return false;
      }
      const leader = this.leader;
      if (leader.held) {
        // Still our session? A dead connection means the lock went with it.
        await leader.client.query('SELECT 1');
        return leader.held;
      }
      const { rows } = await leader.client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [LEADER_LOCK]);
      leader.held = rows[0]!.got;
      return leader.held;
    } catch {
      this.dropLeader();
      return false;
    }
  }

  private dropLeader(): void {
    const leader = this.leader;
    this.leader = null;
    if (leader) {
      leader.alive = false;
      leader.held = false;
      leader.client.end().catch(() => undefined);
    }
  }

  // ---- writes ----
  /**
   * Several statements in one transaction (surviving a crash of the switch process, see openPostgresStore).
   * A deadlock between nodes touching the same rows is retried: the loser's transaction did nothing.
   */
  private async write<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, work);
      } catch (err) {
        if (!(err instanceof pg.DatabaseError && err.code === '40P01' && attempt < 3)) throw err;
      }
    }
  }

  private async notify(c: pg.PoolClient, notice: Omit<Notice, 'node'>): Promise<void> {
    const payloads = notice.meters ? noticePayloads(this.nodeId, notice.meters) : [JSON.stringify({ node: this.nodeId, ...notice } satisfies Notice)];
    if (payloads.length > 0) await c.query(`SELECT pg_notify('${CHANNEL}', p) FROM unnest($1::text[]) AS p`, [payloads]);
  }

  // ---- meta ----
  async getMeta(key: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return rows[0]?.value ?? null;
  }
  async setMeta(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  // ---- providers and utilities ----
  async upsertProviders(providers: readonly ProviderRecord[]): Promise<void> {
    const rows = lastByKey(providers, (p) => p.id);
    await this.write(async (c) => {
      await c.query(
        `INSERT INTO providers (id, name, weight, enabled)
         SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[])
         ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
        [rows.map((p) => p.id), rows.map((p) => p.name), rows.map((p) => p.weight), rows.map((p) => (p.enabled ? 1 : 0))],
      );
      await this.notify(c, { providers: true });
    });
  }
  async setProviderWeight(id: string, weight: number): Promise<void> {
    await this.write(async (c) => {
      await c.query('UPDATE providers SET weight = $1 WHERE id = $2', [weight, id]);
      await this.notify(c, { providers: true });
    });
  }
  async listProviders(): Promise<ProviderRecord[]> {
    const { rows } = await this.pool.query<{ id: string; name: string; weight: number; enabled: number }>('SELECT * FROM providers ORDER BY id COLLATE "C"');
    return rows.map((r) => ({ id: r.id, name: r.name, weight: r.weight, enabled: r.enabled === 1 }));
  }

  async upsertUtility(u: UtilityPrefs): Promise<void> {
    await this.write(async (c) => {
      await c.query(
        'INSERT INTO utilities (id, name, utility_type) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name, utility_type = excluded.utility_type',
        [u.id, u.name, u.utilityType],
      );
      await c.query('DELETE FROM utility_preferences WHERE utility_id = $1', [u.id]);
      const prefs = lastByKey([...u.ranked.map((p, i) => ({ p, kind: 'RANKED', rank: i })), ...u.excluded.map((p) => ({ p, kind: 'EXCLUDED', rank: 0 }))], (x) => x.p);
      await c.query(
        'INSERT INTO utility_preferences (utility_id, provider_id, kind, rank) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[])',
        [u.id, prefs.map((x) => x.p), prefs.map((x) => x.kind), prefs.map((x) => x.rank)],
      );
      await this.notify(c, { utilities: true });
    });
  }

  async listUtilities(): Promise<UtilityPrefs[]> {
    const [utilities, prefs] = await Promise.all([
      this.pool.query<{ id: string; name: string; utility_type: UtilityType }>('SELECT * FROM utilities ORDER BY name COLLATE "C"'),
      this.pool.query<{ utility_id: string; provider_id: string; kind: 'RANKED' | 'EXCLUDED' }>(
        'SELECT * FROM utility_preferences ORDER BY utility_id COLLATE "C", rank, provider_id COLLATE "C"',
      ),
    ]);
    return utilities.rows.map((r) => ({
      id: r.id,
      name: r.name,
      utilityType: r.utility_type,
      ranked: prefs.rows.filter((p) => p.utility_id === r.id && p.kind === 'RANKED').map((p) => p.provider_id),
      excluded: prefs.rows.filter((p) => p.utility_id === r.id && p.kind === 'EXCLUDED').map((p) => p.provider_id),
    }));
  }

  async utilityRouting(): Promise<UtilityRoutingRow[]> {
    const [utilities, counts, supported] = await Promise.all([
      this.listUtilities(),
      this.pool.query<{ utility_id: string; n: number }>('SELECT utility_id, COUNT(*) AS n FROM meters WHERE utility_id IS NOT NULL GROUP BY utility_id'),
      this.pool.query<{ utility_id: string; provider_id: string }>(
        `SELECT DISTINCT m.utility_id, s.provider_id FROM meter_support s JOIN meters m ON m.meter_id = s.meter_id
         WHERE s.status = 'SUPPORTED' AND m.utility_id IS NOT NULL ORDER BY s.provider_id`,
      ),
    ]);
    const count = new Map(counts.rows.map((r) => [r.utility_id, r.n]));
    return utilities.map((u) => ({
      ...u,
      ranked: [...u.ranked],
      excluded: [...u.excluded],
      meterCount: count.get(u.id) ?? 0,
      supportedBy: supported.rows.filter((s) => s.utility_id === u.id).map((s) => s.provider_id),
    }));
  }

  // ---- contract table ----
  getMeter(meterId: string): Promise<MeterState | null> {
    const cached = this.meters.get(meterId);
    if (cached !== undefined) return Promise.resolve(cached);
    const under = this.loading.get(meterId);
    if (under) return under.promise;
    const load = { promise: this.readMeter(meterId), stale: false };
    this.loading.set(meterId, load);
    return load.promise.finally(() => {
      if (this.loading.get(meterId) === load) this.loading.delete(meterId);
    }).then((state) => {
      // A write (here or on another node) landed while we read: our copy may predate it.
      if (!load.stale && this.listener) cacheMeter(this.meters, meterId, state);
      return state;
    });
  }

  private async readMeter(meterId: string): Promise<MeterState | null> {
    const { rows } = await this.pool.query<{
      utility_id: string | null;
      rebroadcast_flag: number;
      preferred_provider_id: string | null;
      provider_id: string | null;
      status: SupportStatus | null;
      last_response_at: string | null;
    }>(
      `SELECT m.utility_id, m.rebroadcast_flag, m.preferred_provider_id, s.provider_id, s.status, s.last_response_at
       FROM meters m LEFT JOIN meter_support s ON s.meter_id = m.meter_id
       WHERE m.meter_id = $1 ORDER BY s.provider_id COLLATE "C"`,
      [meterId],
    );
    const first = rows[0];
    if (!first) return null;
    return {
      meterId,
      utilityId: first.utility_id,
      rebroadcastFlag: first.rebroadcast_flag === 1,
      preferredProviderId: first.preferred_provider_id,
      support: rows.flatMap((s) => (s.provider_id === null || s.status === null ? [] : [{ providerId: s.provider_id, status: s.status, lastResponseAt: s.last_response_at }])),
    };
  }

  private dropMeter(meterId: string): void {
    this.meters.delete(meterId);
    const under = this.loading.get(meterId);
    if (under) under.stale = true;
  }

  private dropAllMeters(): void {
    this.meters.clear();
    for (const under of this.loading.values()) under.stale = true;
  }

  async saveMeter(state: MeterState, now: string): Promise<void> {
    const support = lastByKey(state.support, (s) => s.providerId).sort((a, b) => (a.providerId < b.providerId ? -1 : 1));
    try {
      await this.write(async (c) => {
        await c.query(
          `INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (meter_id) DO UPDATE SET utility_id = excluded.utility_id, rebroadcast_flag = excluded.rebroadcast_flag,
           preferred_provider_id = excluded.preferred_provider_id`,
          [state.meterId, state.utilityId, state.rebroadcastFlag ? 1 : 0, state.preferredProviderId, now],
        );
        if (support.length > 0) await c.query(SUPPORT_UPSERT, supportColumns(support.map((s) => ({ meterId: state.meterId, s }))));
        await this.notify(c, { meters: [state.meterId] });
      });
    } finally {
      // Providers the state leaves out keep their stored rows: read the merged row back on next use.
      this.dropMeter(state.meterId);
    }
  }

  async setSupport(meterId: string, s: ProviderSupport): Promise<void> {
    try {
      await this.write(async (c) => {
        await c.query(SUPPORT_UPSERT, supportColumns([{ meterId, s }]));
        await this.notify(c, { meters: [meterId] });
      });
    } finally {
      this.dropMeter(meterId);
    }
  }

  async insertMeters(
    meters: Iterable<{ meterId: string; utilityId: string | null; preferredProviderId?: string | null; support?: readonly ProviderSupport[] }>,
    now: string,
  ): Promise<number> {
    let n = 0;
    try {
      await this.write(async (c) => {
        let chunk: { meterId: string; utilityId: string | null; preferredProviderId?: string | null; support?: readonly ProviderSupport[] }[] = [];
        const flush = async () => {
          await c.query(
            `INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at)
             SELECT m, u, 0, p, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS x(m, u, p) ON CONFLICT (meter_id) DO NOTHING`,
            [chunk.map((m) => m.meterId), chunk.map((m) => m.utilityId), chunk.map((m) => m.preferredProviderId ?? null), now],
          );
          const support = lastByKey(
            chunk.flatMap((m) => (m.support ?? []).map((s) => ({ meterId: m.meterId, s }))),
            (r) => `${r.meterId}\u0000${r.s.providerId}`,
          );
          if (support.length > 0) await c.query(SUPPORT_UPSERT, supportColumns(support));
          await this.notify(c, { meters: chunk.map((m) => m.meterId) });
          chunk = [];
        };
        for (const m of meters) {
          chunk.push(m);
          n++;
          if (chunk.length >= BULK_ROWS) await flush();
        }
        if (chunk.length > 0) await flush();
      });
    } finally {
      this.dropAllMeters();
    }
    return n;
  }

  async searchMeters(prefix: string, limit: number): Promise<{ meterId: string; utilityName: string | null }[]> {
    // Range scan over the primary key (COLLATE "C", byte order): every id starting with `prefix`
    // sorts in [prefix, prefix + U+FFFF), as in the SQLite store.
    const { rows } = await this.pool.query<{ meter_id: string; name: string | null }>(
      `SELECT m.meter_id, u.name FROM meters m LEFT JOIN utilities u ON u.id = m.utility_id
       WHERE m.meter_id >= $1 AND m.meter_id < $2 ORDER BY m.meter_id LIMIT $3`,
      [prefix, prefix + '\uffff', limit],
    );
    return rows.map((r) => ({ meterId: r.meter_id, utilityName: r.name }));
  }

  async meterIdsAfter(after: string, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ meter_id: string }>('SELECT meter_id FROM meters WHERE meter_id > $1 ORDER BY meter_id LIMIT $2', [after, limit]);
    return rows.map((r) => r.meter_id);
  }

  // ---- transactions ----
  // The hot path's statements are named: each connection parses and plans them once, not per sale.
  async insertTransaction(tx: NewTransaction, opts: { durable?: boolean } = {}): Promise<void> {
    const values = [tx.id, tx.type, tx.meterId, tx.providerId, tx.status, tx.amount, tx.startedAt, tx.purchaseId, JSON.stringify(tx.request)];
    try {
      await (opts.durable === false ? this.pool : this.durablePool).query({ name: 'insert-transaction', text: INSERT_TRANSACTION, values });
    } catch (err) {
      if (err instanceof pg.DatabaseError && err.code === '23505' && err.constraint === 'transactions_pkey') throw new DuplicateIdError(tx.id);
      throw err;
    }
  }

  async hasTransaction(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query({ name: 'has-transaction', text: 'SELECT 1 FROM transactions WHERE id = $1', values: [id] });
    return rowCount === 1;
  }

  async setTransactionProvider(id: string, providerId: string | null): Promise<void> {
    await this.durablePool.query({ name: 'set-transaction-provider', text: 'UPDATE transactions SET provider_id = $1 WHERE id = $2', values: [providerId, id] });
  }

  async finishTransaction(id: string, o: TransactionOutcome): Promise<void> {
    await this.pool.query({
      name: 'finish-transaction',
      text: 'UPDATE transactions SET provider_id = $2, status = $3, error_type = $4, ms = $5, response_status = $6, response_body = $7, final = $8 WHERE id = $1',
      values: [id, o.providerId, o.status, o.errorType, o.ms, o.responseStatus, o.responseJson ?? jsonOrNull(o.responseBody), o.final ? 1 : 0],
    });
  }

  async getTransaction(id: string): Promise<StoredTransaction | null> {
    const { rows } = await this.pool.query<TxWithRefs>(`${TX_WITH_REFS} WHERE t.id = $1`, [id]);
    return rows[0] ? toStored(rows[0], rows[0].refs) : null;
  }

  async listTransactions(f: TransactionFilter): Promise<TransactionSummary[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const arg = (value: string | number) => `$${args.push(value)}`;
    if (f.from) where.push(`t.started_at >= ${arg(f.from)}`);
    if (f.to) where.push(`t.started_at <= ${arg(f.to)}`);
    if (f.meter) where.push(`t.meter_id = ${arg(f.meter)}`);
    if (f.provider) where.push(`t.provider_id = ${arg(f.provider)}`);
    if (f.status) where.push(`t.status = ${arg(f.status)}`);
    if (f.type) where.push(`t.type = ${arg(f.type)}`);
    if (f.q) {
      // A transaction's own id and meter number are not stored as references: its indexes answer them.
      // Written as one id set (not ORs) so each index is probed: the ORs scanned the whole table (0.5 vs 40 ms at 200k rows).
      const q = arg(f.q);
      where.push(`t.id IN (SELECT ${q} UNION ALL SELECT id FROM transactions WHERE meter_id = ${q} UNION ALL SELECT tx_id FROM transaction_refs WHERE ref = ${q})`);
    }
    const limit = arg(Math.max(1, Math.min(f.limit ?? 100, 1000)));
    const { rows } = await this.pool.query<TxWithRefs>(
      `${TX_WITH_REFS} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY t.started_at DESC, t.seq DESC LIMIT ${limit}`,
      args,
    );
    return rows.map((r) => toSummary(r, r.refs));
  }

  async writeBatch(batch: WriteBatch): Promise<void> {
    const { traces, refs, finishedRows, outcomes } = batch;
    // Newest time per support row, in key order: rows locked in one order on every node cannot deadlock.
    const touches = lastByKey(
      [...batch.touches].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
      (t) => `${t.meterId}\u0000${t.providerId}`,
    ).sort((a, b) => (a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : a.providerId < b.providerId ? -1 : 1));
    if (traces.length + refs.length + finishedRows.length + outcomes.length + touches.length === 0) return;
    try {
      await this.write(async (c) => {
        if (finishedRows.length > 0) {
          const rows = finishedRows.map(({ tx, outcome }) => ({ tx, o: outcome }));
          await c.query(
            `INSERT INTO transactions (id, type, meter_id, provider_id, status, error_type, amount, started_at, ms, purchase_id, request, response_status, response_body, final)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::float8[],
                                  $10::text[], $11::text[], $12::int[], $13::text[], $14::int[])`,
            [
              rows.map((r) => r.tx.id),
              rows.map((r) => r.tx.type),
              rows.map((r) => r.tx.meterId),
              rows.map((r) => r.o.providerId),
              rows.map((r) => r.o.status),
              rows.map((r) => r.o.errorType),
              rows.map((r) => r.tx.amount),
              rows.map((r) => r.tx.startedAt),
              rows.map((r) => r.o.ms),
              rows.map((r) => r.tx.purchaseId),
              rows.map((r) => JSON.stringify(r.tx.request)),
              rows.map((r) => r.o.responseStatus),
              rows.map((r) => r.o.responseJson ?? jsonOrNull(r.o.responseBody)),
              rows.map((r) => (r.o.final ? 1 : 0)),
            ],
          );
        }
        if (outcomes.length > 0) {
          const rows = lastByKey(outcomes, (o) => o.id);
          await c.query(
            `UPDATE transactions t SET provider_id = o.provider_id, status = o.status, error_type = o.error_type, ms = o.ms,
               response_status = o.response_status, response_body = o.response_body, final = o.final
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::int[], $7::text[], $8::int[])
               AS o(id, provider_id, status, error_type, ms, response_status, response_body, final)
             WHERE t.id = o.id`,
            [
              rows.map((r) => r.id),
              rows.map((r) => r.outcome.providerId),
              rows.map((r) => r.outcome.status),
              rows.map((r) => r.outcome.errorType),
              rows.map((r) => r.outcome.ms),
              rows.map((r) => r.outcome.responseStatus),
              rows.map((r) => r.outcome.responseJson ?? jsonOrNull(r.outcome.responseBody)),
              rows.map((r) => (r.outcome.final ? 1 : 0)),
            ],
          );
        }
        if (traces.length > 0) {
          await c.query(
            `INSERT INTO traces (tx_id, direction, provider_id, operation, url, request_body, status, response_body, started_at, ms)
             SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::float8[])`,
            [
              traces.map((t) => t.txId),
              traces.map((t) => t.direction),
              traces.map((t) => t.providerId),
              traces.map((t) => t.operation),
              traces.map((t) => t.url),
              traces.map((t) => t.requestJson ?? jsonOrNull(t.requestBody)),
              traces.map((t) => t.status),
              traces.map((t) => t.responseJson ?? jsonOrNull(t.responseBody)),
              traces.map((t) => t.startedAt),
              traces.map((t) => t.ms),
            ],
          );
        }
        if (refs.length > 0) {
          await c.query('INSERT INTO transaction_refs (ref, tx_id) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
            refs.map((r) => r.ref),
            refs.map((r) => r.txId),
          ]);
        }
        if (touches.length > 0) {
          const columns = [touches.map((t) => t.meterId), touches.map((t) => t.providerId), touches.map((t) => t.at)];
          // Rows locked in key order first: the UPDATE's join may visit them in the table's physical
          // order, which differs between nodes' batches and deadlocked them under load.
          await c.query(
            `SELECT 1 FROM meter_support s JOIN ${TOUCHES} ON s.meter_id = x.meter_id AND s.provider_id = x.provider_id
             ORDER BY s.meter_id, s.provider_id FOR UPDATE OF s`,
            columns,
          );
          await c.query(`UPDATE meter_support s SET last_response_at = x.at FROM ${TOUCHES} WHERE ${TOUCHED}`, columns);
          await this.notify(c, { meters: [...new Set(touches.map((t) => t.meterId))] });
        }
      });
    } finally {
      for (const t of touches) this.dropMeter(t.meterId);
    }
  }

  /** A transaction's message traces in order (its till->switch exchange from its row: see tracesOfRows). */
  async tracesOf(txId: string): Promise<TraceRecord[]> {
    const [traces, tx] = await Promise.all([
      this.pool.query<TraceRow>('SELECT * FROM traces WHERE tx_id = $1 ORDER BY seq', [txId]),
      this.pool.query<TxRow>('SELECT * FROM transactions WHERE id = $1', [txId]),
    ]);
    return tracesOfRows(txId, traces.rows, tx.rows[0]);
  }

  // ---- advices ----
  async insertAdvice(a: Omit<AdviceRecord, 'attempts' | 'lastError'>): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO advices (id, purchase_id, kind, operation, provider_id, body, attempts, last_error, created_at, next_attempt_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
      [a.id, a.purchaseId, a.kind, a.operation, a.providerId, JSON.stringify(a.body), a.createdAt, a.nextAttemptAt, a.status],
    );
    return rowCount === 1;
  }
  async getAdvice(id: string): Promise<AdviceRecord | null> {
    const { rows } = await this.pool.query<AdviceRow>('SELECT * FROM advices WHERE id = $1', [id]);
    return rows[0] ? toAdvice(rows[0]) : null;
  }
  async updateAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>): Promise<void> {
    await this.pool.query(UPDATE_ADVICE, [a.id, a.attempts, a.lastError, a.nextAttemptAt, a.status]);
  }
  async pendingAdviceHeads(): Promise<AdviceRecord[]> {
    const { rows } = await this.pool.query<AdviceRow>(
      `SELECT * FROM (SELECT DISTINCT ON (provider_id) * FROM advices WHERE status = 'PENDING' ORDER BY provider_id, seq) h
       ORDER BY next_attempt_at`,
    );
    return rows.map(toAdvice);
  }
  async claimAdvice(id: string, owner: string, now: string, until: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE advices SET lease_owner = $2, lease_until = $4
       WHERE id = $1 AND status = 'PENDING' AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < $3)`,
      [id, owner, now, until],
    );
    return rowCount === 1;
  }
  async listAdvices(limit = 500, status?: AdviceStatus): Promise<AdviceRecord[]> {
    const { rows } = status
      ? await this.pool.query<AdviceRow>('SELECT * FROM advices WHERE status = $1 ORDER BY seq DESC LIMIT $2', [status, limit])
      : await this.pool.query<AdviceRow>('SELECT * FROM advices ORDER BY seq DESC LIMIT $1', [limit]);
    return rows.map(toAdvice);
  }
  async countAdvices(status: AdviceStatus): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM advices WHERE status = $1', [status]);
    return rows[0]!.n;
  }
  async parkAdvice(a: Pick<AdviceRecord, 'id' | 'attempts' | 'lastError' | 'nextAttemptAt' | 'status'>, alert: AdviceAlert): Promise<void> {
    await this.write(async (c) => {
      await c.query(UPDATE_ADVICE, [a.id, a.attempts, a.lastError, a.nextAttemptAt, a.status]);
      await c.query(`INSERT INTO alerts (at, kind, provider_id, advice_id, message) VALUES ($1, 'ADVICE_NEEDS_RECONCILIATION', $2, $3, $4)`, [
        alert.at,
        alert.providerId,
        alert.adviceId,
        alert.message,
      ]);
    });
  }

  // ---- health ----
  async insertAlert(a: HealthAlert): Promise<void> {
    await this.pool.query(`INSERT INTO alerts (at, kind, provider_id, from_health, to_health, message) VALUES ($1, 'HEALTH', $2, $3, $4, $5)`, [
      a.at,
      a.providerId,
      a.from,
      a.to,
      a.message,
    ]);
  }
  async listAlerts(limit = 200): Promise<SwitchAlert[]> {
    const { rows } = await this.pool.query<AlertRow>('SELECT * FROM alerts ORDER BY seq DESC LIMIT $1', [limit]);
    return rows.map(toAlert);
  }
  async insertHealthSamples(samples: readonly HealthSample[]): Promise<void> {
    if (samples.length === 0) return;
    await this.pool.query(
      'INSERT INTO health_history (at, provider_id, latency_ms, error_rate, up) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::int[])',
      [samples.map((s) => s.at), samples.map((s) => s.providerId), samples.map((s) => s.latencyMs), samples.map((s) => s.errorRate), samples.map((s) => (s.up ? 1 : 0))],
    );
  }
  async listHealthSamples(limit = 600): Promise<HealthSample[]> {
    const { rows } = await this.pool.query<HealthRow>(
      'SELECT * FROM (SELECT * FROM health_history ORDER BY seq DESC LIMIT $1) h ORDER BY seq',
      [limit],
    );
    return rows.map(toHealthSample);
  }
}

/** A batch's response times, and the support rows they move forward (only ever to a newer time). */
const TOUCHES = 'unnest($1::text[], $2::text[], $3::text[]) AS x(meter_id, provider_id, at)';
const TOUCHED = 's.meter_id = x.meter_id AND s.provider_id = x.provider_id AND (s.last_response_at IS NULL OR s.last_response_at < x.at)';

/** Records an attempt's result and gives the advice's lease back. */
const UPDATE_ADVICE = `UPDATE advices SET attempts = $2, last_error = $3, next_attempt_at = $4, status = $5, lease_owner = NULL, lease_until = NULL WHERE id = $1`;

