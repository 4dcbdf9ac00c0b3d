/**
 * The switch's PostgreSQL engine (pg, pooled): any number of switch nodes share one database. It
 * puts together the connection (postgres/connection.ts: pools, migrations), cross-node
 * notifications (postgres/notifications.ts) that keep each node's meter cache in step, leader
 * election (postgres/leader.ts) and each table family's queries (postgres/*.ts, with the statements
 * both engines share in statements.ts) behind the SwitchStore interface (switch-store.ts).
 */
import { randomUUID } from 'node:crypto';
import { adviceQueries } from './postgres/advices';
import { configQueries } from './postgres/config';
import { connect } from './postgres/connection';
import { healthQueries } from './postgres/health';
import { Leadership } from './postgres/leader';
import { MeterCache, meterQueries } from './postgres/meters';
import { Notifications, type Notice } from './postgres/notifications';
import { transactionQueries } from './postgres/transactions';
import type { StoreChange, SwitchStore } from './switch-store';

export interface PostgresSwitchStore extends SwitchStore {
  readonly engine: 'postgres';
  /** This node's name in notifications. */
  readonly nodeId: string;
}

/** Opens (and migrates) the store at a postgres:// URL. `nodeId` names this node in notifications. */
export async function openPostgresStore(url: string, opts: { poolSize?: number; nodeId?: string } = {}): Promise<PostgresSwitchStore> {
  const conn = await connect(url, opts.poolSize);
  const nodeId = opts.nodeId ?? randomUUID();
  const listeners: ((change: StoreChange) => void)[] = [];
  const emit = (change: StoreChange) => {
    for (const l of listeners) {
      try {
        l(change);
      } catch (err) {
        // Thrown from pg's socket handler it would end the process: a faulty cache listener must not stop sales.
        process.emitWarning(`a store change listener failed on ${JSON.stringify(change)}: ${(err as Error).message}`);
      }
    }
  };
  const onNews = (notice: Partial<Notice>) => {
    for (const meterId of Array.isArray(notice.meters) ? notice.meters : []) {
      if (typeof meterId !== 'string') continue;
      cache.drop(meterId);
      emit({ kind: 'meter', meterId });
    }
    if (notice.utilities === true) emit({ kind: 'utilities' });
    if (notice.providers === true) emit({ kind: 'providers' });
  };
  const news: Notifications = new Notifications(conn.config, nodeId, onNews, () => cache.dropAll());
  const cache = new MeterCache(() => news.listening);
  const leadership = new Leadership(conn.config);
  try {
    await news.start();
  } catch (err) {
    await conn.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  return {
    engine: 'postgres',
    sharedByNodes: true,
    nodeId,
    async ping() {
      if (closing) throw new Error('the PostgreSQL store is not open: it was closed');
      await conn.pool.query('SELECT 1');
    },
    close() {
      closing ??= (async () => {
        await Promise.all([news.close(), leadership.close()]);
        await conn.close();
      })();
      return closing;
    },
    onChange(listener) {
      listeners.push(listener);
    },
    tryLead: () => leadership.tryLead(),
    ...configQueries(conn, news),
    ...meterQueries(conn, news, cache),
    ...transactionQueries(conn, news, cache),
    ...adviceQueries(conn),
    ...healthQueries(conn),
  };
}
