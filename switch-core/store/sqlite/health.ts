/** The SQLite store's alerts (provider health, sign-in lockouts) and providers' health history. */
import { toAlert, toHealthSample, type AlertRow, type HealthRow } from '../rows';
import { SQL } from '../statements';
import type { SwitchStore } from '../switch-store';
import type { SqliteConnection } from './connection';

export type HealthQueries = Pick<SwitchStore, 'insertAlert' | 'insertAuthAlert' | 'listAlerts' | 'insertHealthSamples' | 'listHealthSamples'>;

export function healthQueries({ db }: SqliteConnection): HealthQueries {
  const insertAlert = db.prepare<[string, string, string, string, string]>(SQL.insertHealthAlert);
  const insertAuthAlert = db.prepare<[string, string, string, string]>(SQL.insertAuthAlert);
  const listAlerts = db.prepare<[number], AlertRow>(SQL.listAlerts);
  const insertSample = db.prepare<[string, string, number, number, number]>('INSERT INTO health_history (at, provider_id, latency_ms, error_rate, up) VALUES (?, ?, ?, ?, ?)');
  const listSamples = db.prepare<[number], HealthRow>(SQL.listHealthSamples);
  return {
    async insertAlert(a) {
      insertAlert.run(a.at, a.providerId, a.from, a.to, a.message);
    },
    async insertAuthAlert(a) {
      insertAuthAlert.run(a.at, a.kind, a.subject, a.message);
    },
    async listAlerts(limit = 200) {
      return listAlerts.all(limit).map(toAlert);
    },
    async insertHealthSamples(samples) {
      db.transaction(() => {
        for (const s of samples) insertSample.run(s.at, s.providerId, s.latencyMs, s.errorRate, s.up ? 1 : 0);
      })();
    },
    async listHealthSamples(limit = 600) {
      return listSamples.all(limit).map(toHealthSample);
    },
  };
}
