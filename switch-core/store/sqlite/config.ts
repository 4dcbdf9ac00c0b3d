/** The SQLite store's configuration tables: meta, providers, utilities and their preferences (statements.ts holds the shared SQL). */
import type { ProviderRecord } from '../../engine/model';
import { toProvider, toRoutingRows, toUtilities, type PreferenceRow, type ProviderRow, type UtilityRow } from '../rows';
import type { UtilityType } from '../../protocol';
import { SQL } from '../statements';
import type { SwitchStore, UtilityRoutingRow } from '../switch-store';
import type { SqliteConnection } from './connection';

export type ConfigQueries = Pick<
  SwitchStore,
  'getMeta' | 'setMeta' | 'upsertProviders' | 'setProviderWeight' | 'listProviders' | 'upsertUtility' | 'listUtilities' | 'utilityRouting'
>;

export function configQueries({ db }: SqliteConnection): ConfigQueries {
  const getMeta = db.prepare<[string], { value: string }>(SQL.getMeta);
  const setMeta = db.prepare<[string, string]>(SQL.setMeta);
  const upsertProvider = db.prepare<[string, string, number, number]>(
    'INSERT INTO providers (id, name, weight, enabled) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
  );
  const upsertUtility = db.prepare<[string, string, UtilityType]>(SQL.upsertUtility);
  const deletePreferences = db.prepare<[string]>(SQL.deletePreferences);
  const insertPreference = db.prepare<[string, string, 'RANKED' | 'EXCLUDED', number]>('INSERT INTO utility_preferences (utility_id, provider_id, kind, rank) VALUES (?, ?, ?, ?)');
  const utilities = db.prepare<[], UtilityRow>('SELECT * FROM utilities ORDER BY name');
  const preferences = db.prepare<[], PreferenceRow>('SELECT * FROM utility_preferences ORDER BY utility_id, rank, provider_id');
  const listUtilities = () => toUtilities(utilities.all(), preferences.all());
  return {
    async getMeta(key) {
      return getMeta.get(key)?.value ?? null;
    },
    async setMeta(key, value) {
      setMeta.run(key, value);
    },
    async upsertProviders(providers) {
      db.transaction(() => {
        for (const p of providers) upsertProvider.run(p.id, p.name, p.weight, p.enabled ? 1 : 0);
      })();
    },
    async setProviderWeight(id, weight) {
      db.prepare<[number, string]>(SQL.setProviderWeight).run(weight, id);
    },
    async listProviders(): Promise<ProviderRecord[]> {
      return db.prepare<[], ProviderRow>('SELECT * FROM providers ORDER BY id').all().map(toProvider);
    },
    async upsertUtility(u) {
      db.transaction(() => {
        upsertUtility.run(u.id, u.name, u.utilityType);
        deletePreferences.run(u.id);
        u.ranked.forEach((p, i) => insertPreference.run(u.id, p, 'RANKED', i));
        for (const p of u.excluded) insertPreference.run(u.id, p, 'EXCLUDED', 0);
      })();
    },
    async listUtilities() {
      return listUtilities();
    },
    async utilityRouting(): Promise<UtilityRoutingRow[]> {
      return toRoutingRows(
        listUtilities(),
        db.prepare<[], { utility_id: string; n: number }>(SQL.meterCounts).all(),
        db.prepare<[], { utility_id: string; provider_id: string }>(SQL.supportedBy).all(),
      );
    },
  };
}
