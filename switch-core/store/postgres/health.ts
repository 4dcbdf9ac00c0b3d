/** The PostgreSQL store's alerts (provider health, sign-in lockouts) and providers' health history. */
import { toAlert, toHealthSample, type AlertRow, type HealthRow } from '../rows';
import type { SwitchStore } from '../switch-store';
import type { PgConnection } from './connection';

export type HealthQueries = Pick<SwitchStore, 'insertAlert' | 'insertAuthAlert' | 'listAlerts' | 'insertHealthSamples' | 'listHealthSamples'>;

export function healthQueries(conn: PgConnection): HealthQueries {
  return {
    async insertAlert(a) {
      await conn.run('insertHealthAlert', [a.at, a.providerId, a.from, a.to, a.message]);
    },
    async insertAuthAlert(a) {
      await conn.run('insertAuthAlert', [a.at, a.kind, a.subject, a.message]);
    },
    async listAlerts(limit = 200) {
      const { rows } = await conn.run<AlertRow>('listAlerts', [limit]);
      return rows.map(toAlert);
    },
    async insertHealthSamples(samples) {
      if (samples.length === 0) return;
      await conn.pool.query(
        'INSERT INTO health_history (at, provider_id, latency_ms, error_rate, up) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::int[])',
        [samples.map((s) => s.at), samples.map((s) => s.providerId), samples.map((s) => s.latencyMs), samples.map((s) => s.errorRate), samples.map((s) => (s.up ? 1 : 0))],
      );
    },
    async listHealthSamples(limit = 600) {
      const { rows } = await conn.run<HealthRow>('listHealthSamples', [limit]);
      return rows.map(toHealthSample);
    },
  };
}
