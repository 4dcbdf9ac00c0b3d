/**
 * The switch's SQLite engine (better-sqlite3, WAL): the embedded default, one switch process on one
 * file. It puts together the connection (sqlite/connection.ts: migrations, reads on the main
 * thread, the writer thread and its group commit, the checkpointer) and each table family's
 * queries (sqlite/*.ts, with the statements both engines share in statements.ts) behind the
 * SwitchStore interface (switch-store.ts).
 */
import type Database from 'better-sqlite3';
import type { MeterState } from '../engine/model';
import { adviceQueries } from './sqlite/advices';
import { configQueries } from './sqlite/config';
import { openConnection, type StoreOptions } from './sqlite/connection';
import { healthQueries } from './sqlite/health';
import { meterQueries } from './sqlite/meters';
import { transactionQueries } from './sqlite/transactions';
import type { SwitchStore } from './switch-store';

export { SWITCH_PAGE_SIZE, type StoreOptions } from './sqlite/connection';

export interface SqliteSwitchStore extends SwitchStore {
  readonly engine: 'sqlite';
  /** The main thread's connection to the file (reads only), for tests and benches that look at it beside the store. */
  readonly db: Database.Database;
  /** fdatasyncs of the WAL that durable writes have waited for since the store opened. */
  durableSyncs(): number;
}

export function openSqliteStore(file: string, opts: StoreOptions = {}): SqliteSwitchStore {
  const conn = openConnection(file, opts);
  const meters = new Map<string, MeterState | null>();
  return {
    engine: 'sqlite',
    sharedByNodes: false,
    db: conn.db,
    durableSyncs: () => conn.syncs(),
    close: () => conn.close(),
    async ping() {
      conn.db.prepare('SELECT 1').get();
    },
    /** One process owns the file: nobody else changes it behind this store's caches. */
    onChange() {},
    async tryLead() {
      return true;
    },
    ...configQueries(conn),
    ...meterQueries(conn, meters),
    ...transactionQueries(conn, meters),
    ...adviceQueries(conn),
    ...healthQueries(conn),
  };
}

export const isSqliteStore = (store: SwitchStore): store is SqliteSwitchStore => store.engine === 'sqlite';
