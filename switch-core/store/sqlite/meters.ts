/**
 * The SQLite store's contract table (meters and which providers support them), read through a
 * cache kept in step by every write here: this store is the table's only writer, and a lookup or
 * purchase reads its meter two or three times.
 */
import type { MeterState, SupportStatus } from '../../engine/model';
import { cacheMeter } from '../rows';
import { SQL } from '../statements';
import type { SwitchStore } from '../switch-store';
import type { SqliteConnection } from './connection';

export type MeterQueries = Pick<SwitchStore, 'getMeter' | 'saveMeter' | 'setSupport' | 'insertMeters' | 'searchMeters' | 'meterIdsAfter'>;

/** The cache, shared with the transaction writes that move a provider's last-response time (transactions.ts). */
export type MeterCache = Map<string, MeterState | null>;

export function meterQueries({ db }: SqliteConnection, cache: MeterCache): MeterQueries {
  const getMeter = db.prepare<[string], { meter_id: string; utility_id: string | null; rebroadcast_flag: number; preferred_provider_id: string | null }>(
    'SELECT meter_id, utility_id, rebroadcast_flag, preferred_provider_id FROM meters WHERE meter_id = ?',
  );
  const getSupport = db.prepare<[string], { provider_id: string; status: SupportStatus; last_response_at: string | null }>(
    'SELECT provider_id, status, last_response_at FROM meter_support WHERE meter_id = ? ORDER BY provider_id',
  );
  const insertMeter = db.prepare<[string, string | null, number, string | null, string]>(
    'INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (meter_id) DO NOTHING',
  );
  const updateMeter = db.prepare<[string | null, number, string | null, string]>(
    'UPDATE meters SET utility_id = ?, rebroadcast_flag = ?, preferred_provider_id = ? WHERE meter_id = ?',
  );
  const upsertSupport = db.prepare<[string, string, SupportStatus, string | null]>(
    `INSERT INTO meter_support (meter_id, provider_id, status, last_response_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (meter_id, provider_id) DO UPDATE SET status = excluded.status, last_response_at = excluded.last_response_at`,
  );
  const search = db.prepare<[string, string, number], { meter_id: string; name: string | null }>(SQL.searchMeters);
  const idsAfter = db.prepare<[string, number], { meter_id: string }>(SQL.meterIdsAfter);
  return {
    async getMeter(meterId) {
      const cached = cache.get(meterId);
      if (cached !== undefined) return cached;
      const row = getMeter.get(meterId);
      const state: MeterState | null = row
        ? {
            meterId: row.meter_id,
            utilityId: row.utility_id,
            rebroadcastFlag: row.rebroadcast_flag === 1,
            preferredProviderId: row.preferred_provider_id,
            support: getSupport.all(meterId).map((s) => ({ providerId: s.provider_id, status: s.status, lastResponseAt: s.last_response_at })),
          }
        : null;
      cacheMeter(cache, meterId, state);
      return state;
    },
    async saveMeter(state, now) {
      db.transaction(() => {
        insertMeter.run(state.meterId, state.utilityId, state.rebroadcastFlag ? 1 : 0, state.preferredProviderId, now);
        updateMeter.run(state.utilityId, state.rebroadcastFlag ? 1 : 0, state.preferredProviderId, state.meterId);
        for (const s of state.support) upsertSupport.run(state.meterId, s.providerId, s.status, s.lastResponseAt);
      })();
      // Providers the state leaves out keep their stored rows: read the merged row back on next use.
      cache.delete(state.meterId);
    },
    async setSupport(meterId, s) {
      upsertSupport.run(meterId, s.providerId, s.status, s.lastResponseAt);
      cache.delete(meterId);
    },
    async insertMeters(meters, now) {
      let n = 0;
      cache.clear();
      db.transaction(() => {
        for (const m of meters) {
          insertMeter.run(m.meterId, m.utilityId, 0, m.preferredProviderId ?? null, now);
          for (const s of m.support ?? []) upsertSupport.run(m.meterId, s.providerId, s.status, s.lastResponseAt);
          n++;
        }
      })();
      return n;
    },
    async searchMeters(prefix, limit) {
      return search.all(prefix, prefix + '\uffff', limit).map((r) => ({ meterId: r.meter_id, utilityName: r.name }));
    },
    async meterIdsAfter(after, limit) {
      return idsAfter.all(after, limit).map((r) => r.meter_id);
    },
  };
}
