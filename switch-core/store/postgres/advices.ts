/** The PostgreSQL store's advice queue: advices, their leases across nodes, and parking one with the alert that tells a person. */
import { adviceUpdateValues, toAdvice, type AdviceRow } from '../rows';
import type { SwitchStore } from '../switch-store';
import type { PgConnection } from './connection';

export type AdviceQueries = Pick<
  SwitchStore,
  'insertAdvice' | 'getAdvice' | 'updateAdvice' | 'pendingAdviceHeads' | 'claimAdvice' | 'listAdvices' | 'countAdvices' | 'parkAdvice'
>;

export function adviceQueries(conn: PgConnection): AdviceQueries {
  const { pool } = conn;
  return {
    async insertAdvice(a) {
      const { rowCount } = await pool.query(
        `INSERT INTO advices (id, purchase_id, kind, operation, provider_id, body, attempts, last_error, created_at, next_attempt_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [a.id, a.purchaseId, a.kind, a.operation, a.providerId, JSON.stringify(a.body), a.createdAt, a.nextAttemptAt, a.status],
      );
      return rowCount === 1;
    },
    async getAdvice(id) {
      const { rows } = await conn.run<AdviceRow>('getAdvice', [id]);
      return rows[0] ? toAdvice(rows[0]) : null;
    },
    async updateAdvice(a) {
      await conn.run('updateAdvice', adviceUpdateValues(a));
    },
    async pendingAdviceHeads() {
      const { rows } = await pool.query<AdviceRow>(
        `SELECT * FROM (SELECT DISTINCT ON (provider_id) * FROM advices WHERE status = 'PENDING' ORDER BY provider_id, seq) h
         ORDER BY next_attempt_at`,
      );
      return rows.map(toAdvice);
    },
    async claimAdvice(id, owner, now, until) {
      return (await conn.run('claimAdvice', [owner, until, id, owner, now])).rowCount === 1;
    },
    async listAdvices(limit = 500, status) {
      const { rows } = status ? await conn.run<AdviceRow>('listAdvicesWithStatus', [status, limit]) : await conn.run<AdviceRow>('listAdvices', [limit]);
      return rows.map(toAdvice);
    },
    async countAdvices(status) {
      const { rows } = await conn.run<{ n: number }>('countAdvices', [status]);
      return rows[0]!.n;
    },
    async parkAdvice(a, alert) {
      await conn.write(async (c) => {
        await conn.run('updateAdvice', adviceUpdateValues(a), c);
        await conn.run('insertAdviceAlert', [alert.at, alert.providerId, alert.adviceId, alert.message], c);
      });
    },
  };
}
