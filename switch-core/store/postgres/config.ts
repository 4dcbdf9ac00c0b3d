/** The PostgreSQL store's configuration tables: meta, providers, utilities and their preferences; changes are told to the other nodes. */
import { toProvider, toRoutingRows, toUtilities, type PreferenceRow, type ProviderRow, type UtilityRow } from '../rows';
import type { SwitchStore } from '../switch-store';
import { lastByKey, type PgConnection } from './connection';
import type { Notifications } from './notifications';

export type ConfigQueries = Pick<
  SwitchStore,
  'getMeta' | 'setMeta' | 'upsertProviders' | 'setProviderWeight' | 'listProviders' | 'upsertUtility' | 'listUtilities' | 'utilityRouting'
>;

export function configQueries(conn: PgConnection, news: Notifications): ConfigQueries {
  const { pool } = conn;
  const listUtilities = async () => {
    const [utilities, prefs] = await Promise.all([
      pool.query<UtilityRow>('SELECT * FROM utilities ORDER BY name COLLATE "C"'),
      pool.query<PreferenceRow>('SELECT * FROM utility_preferences ORDER BY utility_id COLLATE "C", rank, provider_id COLLATE "C"'),
    ]);
    return toUtilities(utilities.rows, prefs.rows);
  };
  return {
    async getMeta(key) {
      const { rows } = await conn.run<{ value: string }>('getMeta', [key]);
      return rows[0]?.value ?? null;
    },
    async setMeta(key, value) {
      await conn.run('setMeta', [key, value]);
    },
    async upsertProviders(providers) {
      const rows = lastByKey(providers, (p) => p.id);
      await conn.write(async (c) => {
        await c.query(
          `INSERT INTO providers (id, name, weight, enabled)
           SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[])
           ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
          [rows.map((p) => p.id), rows.map((p) => p.name), rows.map((p) => p.weight), rows.map((p) => (p.enabled ? 1 : 0))],
        );
        await news.notify(c, { providers: true });
      });
    },
    async setProviderWeight(id, weight) {
      await conn.write(async (c) => {
        await conn.run('setProviderWeight', [weight, id], c);
        await news.notify(c, { providers: true });
      });
    },
    async listProviders() {
      const { rows } = await pool.query<ProviderRow>('SELECT * FROM providers ORDER BY id COLLATE "C"');
      return rows.map(toProvider);
    },
    async upsertUtility(u) {
      await conn.write(async (c) => {
        await conn.run('upsertUtility', [u.id, u.name, u.utilityType], c);
        await conn.run('deletePreferences', [u.id], c);
        const prefs = lastByKey([...u.ranked.map((p, i) => ({ p, kind: 'RANKED', rank: i })), ...u.excluded.map((p) => ({ p, kind: 'EXCLUDED', rank: 0 }))], (x) => x.p);
        await c.query(
          'INSERT INTO utility_preferences (utility_id, provider_id, kind, rank) SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[])',
          [u.id, prefs.map((x) => x.p), prefs.map((x) => x.kind), prefs.map((x) => x.rank)],
        );
        await news.notify(c, { utilities: true });
      });
    },
    listUtilities,
    async utilityRouting() {
      const [utilities, counts, supported] = await Promise.all([
        listUtilities(),
        conn.run<{ utility_id: string; n: number }>('meterCounts', []),
        conn.run<{ utility_id: string; provider_id: string }>('supportedBy', []),
      ]);
      return toRoutingRows(utilities, counts.rows, supported.rows);
    },
  };
}
