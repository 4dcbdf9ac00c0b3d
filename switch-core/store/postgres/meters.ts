/**
 * The PostgreSQL store's contract table (meters and which providers support them), read through a
 * cache that other nodes' writes empty through notifications.ts; a read overtaken by a write is
 * not cached, and nothing is cached while this node might miss another's news.
 */
import type { MeterState, ProviderSupport, SupportStatus } from '../../engine/model';
import { cacheMeter } from '../rows';
import type { SwitchStore } from '../switch-store';
import { lastByKey, type PgConnection } from './connection';
import { notifyEach, type Notifications } from './notifications';

export type MeterQueries = Pick<SwitchStore, 'getMeter' | 'saveMeter' | 'setSupport' | 'insertMeters' | 'searchMeters' | 'meterIdsAfter'>;

/** Rows per statement when bulk-loading meters. */
const BULK_ROWS = 5_000;

/** Support rows as four text[] parameters from $first on (supportColumns). */
const supportUpsert = (first: number) => `INSERT INTO meter_support (meter_id, provider_id, status, last_response_at)
  SELECT * FROM unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::text[], $${first + 3}::text[])
  ON CONFLICT (meter_id, provider_id) DO UPDATE SET status = excluded.status, last_response_at = excluded.last_response_at`;
const SUPPORT_UPSERT = supportUpsert(1);
/**
 * A meter's whole row, its support rows and the notice that tells the other nodes, as one statement
 * (one round trip where a transaction took five; the notice goes at its commit). No foreign key
 * joins the two tables, so neither write needs to see the other's row.
 */
const SAVE_METER = `WITH meter AS (
    INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (meter_id) DO UPDATE SET utility_id = excluded.utility_id, rebroadcast_flag = excluded.rebroadcast_flag,
    preferred_provider_id = excluded.preferred_provider_id
  ), support AS (${supportUpsert(6)})
  ${notifyEach('$10')}`;
/** One support row and its notice, as one statement. */
const SET_SUPPORT = `WITH support AS (${SUPPORT_UPSERT}) ${notifyEach('$5')}`;

const supportColumns = (rows: readonly { meterId: string; s: ProviderSupport }[]) => [
  rows.map((r) => r.meterId),
  rows.map((r) => r.s.providerId),
  rows.map((r) => r.s.status),
  rows.map((r) => r.s.lastResponseAt),
];

/** Read-through cache of contract-table rows, with the reads under way (one query per meter at a time). */
export class MeterCache {
  private readonly meters = new Map<string, MeterState | null>();
  private readonly loading = new Map<string, { promise: Promise<MeterState | null>; stale: boolean }>();

  /** `cacheable`: false while a write elsewhere could go unheard. */
  constructor(private readonly cacheable: () => boolean) {}

  get(meterId: string, read: (meterId: string) => Promise<MeterState | null>): Promise<MeterState | null> {
    const cached = this.meters.get(meterId);
    if (cached !== undefined) return Promise.resolve(cached);
    const under = this.loading.get(meterId);
    if (under) return under.promise;
    const load = { promise: read(meterId), stale: false };
    this.loading.set(meterId, load);
    return load.promise
      .finally(() => {
        if (this.loading.get(meterId) === load) this.loading.delete(meterId);
      })
      .then((state) => {
        // A write (here or on another node) landed while we read: our copy may predate it.
        if (!load.stale && this.cacheable()) cacheMeter(this.meters, meterId, state);
        return state;
      });
  }

  drop(meterId: string): void {
    this.meters.delete(meterId);
    const under = this.loading.get(meterId);
    if (under) under.stale = true;
  }

  /** A provider's last response at this meter moved to `at` (written): the cached row follows, nothing is read again. */
  touch(meterId: string, providerId: string, at: string): void {
    const under = this.loading.get(meterId);
    if (under) under.stale = true;
    const cached = this.meters.get(meterId);
    if (!cached) return;
    const support = cached.support.map((s) => (s.providerId === providerId && (s.lastResponseAt === null || s.lastResponseAt < at) ? { ...s, lastResponseAt: at } : s));
    this.meters.set(meterId, { ...cached, support });
  }

  dropAll(): void {
    this.meters.clear();
    for (const under of this.loading.values()) under.stale = true;
  }
}

export function meterQueries(conn: PgConnection, news: Notifications, cache: MeterCache): MeterQueries {
  const { pool } = conn;
  const readMeter = async (meterId: string): Promise<MeterState | null> => {
    const { rows } = await pool.query<{
      utility_id: string | null;
      rebroadcast_flag: number;
      preferred_provider_id: string | null;
      provider_id: string | null;
      status: SupportStatus | null;
      last_response_at: string | null;
    }>({
      name: 'read-meter',
      text: `SELECT m.utility_id, m.rebroadcast_flag, m.preferred_provider_id, s.provider_id, s.status, s.last_response_at
       FROM meters m LEFT JOIN meter_support s ON s.meter_id = m.meter_id
       WHERE m.meter_id = $1 ORDER BY s.provider_id COLLATE "C"`,
      values: [meterId],
    });
    const first = rows[0];
    if (!first) return null;
    return {
      meterId,
      utilityId: first.utility_id,
      rebroadcastFlag: first.rebroadcast_flag === 1,
      preferredProviderId: first.preferred_provider_id,
      support: rows.flatMap((s) => (s.provider_id === null || s.status === null ? [] : [{ providerId: s.provider_id, status: s.status, lastResponseAt: s.last_response_at }])),
    };
  };
  return {
    getMeter: (meterId) => cache.get(meterId, readMeter),
    async saveMeter(state, now) {
      const support = lastByKey(state.support, (s) => s.providerId).sort((a, b) => (a.providerId < b.providerId ? -1 : 1));
      const values = [
        state.meterId,
        state.utilityId,
        state.rebroadcastFlag ? 1 : 0,
        state.preferredProviderId,
        now,
        ...supportColumns(support.map((s) => ({ meterId: state.meterId, s }))),
        news.payloads({ meters: [state.meterId] }),
      ];
      try {
        await conn.retryingDeadlocks(() => pool.query({ name: 'save-meter', text: SAVE_METER, values }));
      } finally {
        // Providers the state leaves out keep their stored rows: read the merged row back on next use.
        cache.drop(state.meterId);
      }
    },
    async setSupport(meterId, s) {
      try {
        const values = [...supportColumns([{ meterId, s }]), news.payloads({ meters: [meterId] })];
        await conn.retryingDeadlocks(() => pool.query({ name: 'set-support', text: SET_SUPPORT, values }));
      } finally {
        cache.drop(meterId);
      }
    },
    async insertMeters(meters, now) {
      let n = 0;
      try {
        await conn.write(async (c) => {
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
            await news.notify(c, { meters: chunk.map((m) => m.meterId) });
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
        cache.dropAll();
      }
      return n;
    },
    async searchMeters(prefix, limit) {
      const { rows } = await conn.run<{ meter_id: string; name: string | null }>('searchMeters', [prefix, prefix + '\uffff', limit]);
      return rows.map((r) => ({ meterId: r.meter_id, utilityName: r.name }));
    },
    async meterIdsAfter(after, limit) {
      const { rows } = await conn.run<{ meter_id: string }>('meterIdsAfter', [after, limit]);
      return rows.map((r) => r.meter_id);
    },
  };
}
