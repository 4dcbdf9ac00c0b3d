/** The SQLite store's configuration tables: meta, providers, utilities and their preferences (statements.ts holds the shared SQL, writes.ts the writes). */
import type { ProviderRecord } from '../../engine/model';
import { toProvider, toRoutingRows, toUtilities, type PreferenceRow, type ProviderRow, type UtilityRow } from '../rows';
import { SQL } from '../statements';
import type { SwitchStore, UtilityRoutingRow } from '../switch-store';
import type { SqliteConnection } from './connection';

export type ConfigQueries = Pick<
  SwitchStore,
  'getMeta' | 'setMeta' | 'upsertProviders' | 'setProviderWeight' | 'listProviders' | 'upsertUtility' | 'listUtilities' | 'utilityRouting'
>;

export function configQueries({ db, write }: SqliteConnection): ConfigQueries {
  const getMeta = db.prepare<[string], { value: string }>(SQL.getMeta);
  const utilities = db.prepare<[], UtilityRow>('SELECT * FROM utilities ORDER BY name');
  const preferences = db.prepare<[], PreferenceRow>('SELECT * FROM utility_preferences ORDER BY utility_id, rank, provider_id');
  const listUtilities = () => toUtilities(utilities.all(), preferences.all());
  return {
    async getMeta(key) {
      return getMeta.get(key)?.value ?? null;
    },
    setMeta: (key, value) => write('setMeta', [key, value]),
    upsertProviders: (providers) => write('upsertProviders', providers.map((p) => [p.id, p.name, p.weight, p.enabled ? 1 : 0] as const)),
    setProviderWeight: (id, weight) => write('setProviderWeight', [id, weight]),
    async listProviders(): Promise<ProviderRecord[]> {
      return db.prepare<[], ProviderRow>('SELECT * FROM providers ORDER BY id').all().map(toProvider);
    },
    upsertUtility: (u) => write('upsertUtility', { id: u.id, name: u.name, utilityType: u.utilityType, ranked: u.ranked, excluded: u.excluded }),
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
