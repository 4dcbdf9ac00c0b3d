/** The SQLite store's alerts (provider health, sign-in lockouts) and providers' health history (written by the writer thread, writes.ts). */
import { toAlert, toHealthSample, type AlertRow, type HealthRow } from '../rows';
import { SQL } from '../statements';
import type { SwitchStore } from '../switch-store';
import type { SqliteConnection } from './connection';

export type HealthQueries = Pick<SwitchStore, 'insertAlert' | 'insertAuthAlert' | 'listAlerts' | 'insertHealthSamples' | 'listHealthSamples'>;

export function healthQueries({ db, write }: SqliteConnection): HealthQueries {
  const listAlerts = db.prepare<[number], AlertRow>(SQL.listAlerts);
  const listSamples = db.prepare<[number], HealthRow>(SQL.listHealthSamples);
  return {
    insertAlert: (a) => write('insertAlert', [a.at, a.providerId, a.from, a.to, a.message]),
    insertAuthAlert: (a) => write('insertAuthAlert', [a.at, a.kind, a.subject, a.message]),
    async listAlerts(limit = 200) {
      return listAlerts.all(limit).map(toAlert);
    },
    insertHealthSamples: (samples) => write('insertHealthSamples', samples.map((s) => [s.at, s.providerId, s.latencyMs, s.errorRate, s.up ? 1 : 0])),
    async listHealthSamples(limit = 600) {
      return listSamples.all(limit).map(toHealthSample);
    },
  };
}
