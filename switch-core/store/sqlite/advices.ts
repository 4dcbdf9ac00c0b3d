/** The SQLite store's advice queue: advices, their leases, and parking one with the alert that tells a person. */
import { adviceUpdateValues, toAdvice, type AdviceRow } from '../rows';
import { SQL } from '../statements';
import type { SwitchStore } from '../switch-store';
import type { SqliteConnection } from './connection';

export type AdviceQueries = Pick<
  SwitchStore,
  'insertAdvice' | 'getAdvice' | 'updateAdvice' | 'pendingAdviceHeads' | 'claimAdvice' | 'listAdvices' | 'countAdvices' | 'parkAdvice'
>;

type Value = string | number | null;

export function adviceQueries({ db }: SqliteConnection): AdviceQueries {
  const insertAdvice = db.prepare<Value[]>(
    `INSERT INTO advices (id, purchase_id, kind, operation, provider_id, body, attempts, last_error, created_at, next_attempt_at, status, seq)
     VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM advices))
     ON CONFLICT (id) DO NOTHING`,
  );
  const getAdvice = db.prepare<[string], AdviceRow>(SQL.getAdvice);
  const updateAdvice = db.prepare<Value[]>(SQL.updateAdvice);
  const pendingHeads = db.prepare<[], AdviceRow>(
    `SELECT a.* FROM advices a JOIN (SELECT provider_id, MIN(seq) AS seq FROM advices WHERE status = 'PENDING' GROUP BY provider_id) h
     ON a.provider_id = h.provider_id AND a.seq = h.seq ORDER BY a.next_attempt_at`,
  );
  const claimAdvice = db.prepare<[string, string, string, string, string]>(SQL.claimAdvice);
  const listAdvices = db.prepare<[number], AdviceRow>(SQL.listAdvices);
  const listAdvicesWithStatus = db.prepare<[string, number], AdviceRow>(SQL.listAdvicesWithStatus);
  const countAdvices = db.prepare<[string], { n: number }>(SQL.countAdvices);
  const insertAdviceAlert = db.prepare<[string, string, string, string]>(SQL.insertAdviceAlert);
  return {
    async insertAdvice(a) {
      return insertAdvice.run(a.id, a.purchaseId, a.kind, a.operation, a.providerId, JSON.stringify(a.body), a.createdAt, a.nextAttemptAt, a.status).changes === 1;
    },
    async getAdvice(id) {
      const row = getAdvice.get(id);
      return row ? toAdvice(row) : null;
    },
    async updateAdvice(a) {
      updateAdvice.run(...adviceUpdateValues(a));
    },
    async pendingAdviceHeads() {
      return pendingHeads.all().map(toAdvice);
    },
    async claimAdvice(id, owner, now, until) {
      return claimAdvice.run(owner, until, id, owner, now).changes === 1;
    },
    async listAdvices(limit = 500, status) {
      return (status ? listAdvicesWithStatus.all(status, limit) : listAdvices.all(limit)).map(toAdvice);
    },
    async countAdvices(status) {
      return countAdvices.get(status)!.n;
    },
    async parkAdvice(a, alert) {
      db.transaction(() => {
        updateAdvice.run(...adviceUpdateValues(a));
        insertAdviceAlert.run(alert.at, alert.providerId, alert.adviceId, alert.message);
      })();
    },
  };
}
