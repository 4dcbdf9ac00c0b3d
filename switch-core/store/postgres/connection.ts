/**
 * The PostgreSQL store's connection: two pools told apart by their sessions' synchronous_commit,
 * BIGINT read as numbers for this store's connections only, the migrations serialised across
 * nodes, and the transactions its table families (config.ts, meters.ts, transactions.ts,
 * advices.ts, health.ts) write in. Session state carries meaning here (synchronous_commit per pool,
 * LISTEN, the leader's lock): connect to PostgreSQL directly or through a session-mode pooler, never
 * a transaction-mode one.
 */
import pg from 'pg';
import { LATEST_VERSION, MIGRATIONS, refuseNewerSchema } from '../migrations';
import { POSTGRES_SQL, type StatementName } from '../statements';

/** Advisory-lock key for schema changes (one number space per database; leader.ts holds another). */
const MIGRATION_LOCK = 0x70707531;

/**
 * BIGINT (amounts in cents, sequence numbers, counts) as JS numbers for this store's connections
 * only: pg's global parsers stay as they are for any other pg user in the process.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type Value = string | number | boolean | null | readonly (string | number | null)[];

export interface PgConnection {
  /** A write resolves once the server has committed it, without waiting for its WAL flush: a crash of the switch process loses nothing. */
  readonly pool: pg.Pool;
  /** The WAL is flushed first: a power cut loses nothing (a purchase and its route, before the request leaves for a provider). */
  readonly durablePool: pg.Pool;
  /** For the connections of their own: the LISTEN client (notifications.ts) and the leader's (leader.ts). */
  readonly config: pg.ClientConfig;
  /** One of the statements both engines share (statements.ts), prepared once per connection under its name. */
  run<R extends pg.QueryResultRow>(name: StatementName, values: readonly Value[], on?: pg.Pool | pg.PoolClient): Promise<pg.QueryResult<R>>;
  /**
   * Several statements in one transaction (surviving a crash of the switch process). A deadlock
   * between nodes touching the same rows is retried: the loser's transaction did nothing.
   */
  write<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T>;
  /** One statement, tried again when it lost a deadlock with another node's (it did nothing then). */
  retryingDeadlocks<T>(statement: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Opens both pools at `url` and brings the schema up to date. */
export async function connect(url: string, poolSize = 10): Promise<PgConnection> {
  const config: pg.ClientConfig = { connectionString: url, types: TYPES, keepAlive: true, connectionTimeoutMillis: 10_000 };
  // Two pools, so that every write is one round trip (a transaction with SET LOCAL costs three:
  // half the durable writes per second at 100 clients).
  const sessionPool = (synchronousCommit: 'on' | 'off') => {
    const p = new pg.Pool({
      ...config,
      max: poolSize,
      // Connections are kept, not closed after 10 s idle: each release would set an idle timer, and
      // a connection opened again pays SCRAM and parses its named statements anew mid-sale.
      idleTimeoutMillis: 0,
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
  const close = async () => {
    await Promise.all([pool.end(), durablePool.end()]);
  };
  try {
    await migrate(durablePool);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    pool,
    durablePool,
    config,
    run: (name, values, on = pool) => on.query({ name, text: POSTGRES_SQL[name], values: values as unknown[] }),
    write: (work) => retryingDeadlocks(() => inTransaction(pool, work)),
    retryingDeadlocks,
    close,
  };
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
      refuseNewerSchema(current);
      if (current === LATEST_VERSION) return true;
      const m = MIGRATIONS[current]!;
      await c.query(m.postgres);
      await c.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [m.version, m.name]);
      return false;
    });
    if (done) return;
  }
}

/** A statement or transaction that lost a deadlock did nothing: it is tried again, up to three times. */
async function retryingDeadlocks<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof pg.DatabaseError && err.code === '40P01' && attempt < 3)) throw err;
    }
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
export function lastByKey<T>(items: Iterable<T>, key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(key(item), item);
  return [...byKey.values()];
}
