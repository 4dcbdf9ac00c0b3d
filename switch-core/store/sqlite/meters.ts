/**
 * The SQLite store's contract table (meters and which providers support them), read through a
 * cache kept in step by every write here: this store is the table's only writer, and a lookup or
 * purchase reads its meter two or three times. Its writes run on the writer thread (writes.ts).
 */
import type { MeterState, ProviderSupport, SupportStatus } from '../../engine/model';
import { cacheMeter } from '../rows';
import { SQL } from '../statements';
import type { SwitchStore } from '../switch-store';
import type { SqliteConnection } from './connection';
import type { MeterValues, SupportValues } from './writes';

export type MeterQueries = Pick<SwitchStore, 'getMeter' | 'saveMeter' | 'setSupport' | 'insertMeters' | 'searchMeters' | 'meterIdsAfter'>;

/** The cache, shared with the transaction writes that move a provider's last-response time (transactions.ts). */
export type MeterCache = Map<string, MeterState | null>;

const supportValues = (s: ProviderSupport): SupportValues => [s.providerId, s.status, s.lastResponseAt];
/** A meter's row as the writer thread's column values (writes.ts). */
const meterValues = (m: { meterId: string; utilityId: string | null; rebroadcastFlag?: boolean; preferredProviderId?: string | null; support?: readonly ProviderSupport[] }): MeterValues => ({
  meterId: m.meterId,
  utilityId: m.utilityId,
  rebroadcastFlag: m.rebroadcastFlag ? 1 : 0,
  preferredProviderId: m.preferredProviderId ?? null,
  support: (m.support ?? []).map(supportValues),
});

/** Meters a bulk load gives the writer thread per write: a million-meter load never sits in one message. */
const LOAD_CHUNK = 5_000;

export function meterQueries({ db, write }: SqliteConnection, cache: MeterCache): MeterQueries {
  const getMeter = db.prepare<[string], { meter_id: string; utility_id: string | null; rebroadcast_flag: number; preferred_provider_id: string | null }>(
    'SELECT meter_id, utility_id, rebroadcast_flag, preferred_provider_id FROM meters WHERE meter_id = ?',
  );
  const getSupport = db.prepare<[string], { provider_id: string; status: SupportStatus; last_response_at: string | null }>(
    'SELECT provider_id, status, last_response_at FROM meter_support WHERE meter_id = ? ORDER BY provider_id',
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
    // The cached row goes once the write is acknowledged: a read meanwhile cached the row as it was.
    async saveMeter(state, now) {
      await write('saveMeter', [meterValues(state), now]);
      // Providers the state leaves out keep their stored rows: read the merged row back on next use.
      cache.delete(state.meterId);
    },
    async setSupport(meterId, s) {
      await write('setSupport', [meterId, supportValues(s)]);
      cache.delete(meterId);
    },
    async insertMeters(meters, now) {
      let n = 0;
      let chunk: MeterValues[] = [];
      for (const m of meters) {
        chunk.push(meterValues(m));
        n++;
        if (chunk.length === LOAD_CHUNK) {
          await write('insertMeters', [chunk, now]);
          chunk = [];
        }
      }
      if (chunk.length > 0) await write('insertMeters', [chunk, now]);
      // Rows read while the load ran may be cached as they were before it.
      cache.clear();
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
