/** The SQLite store's advice queue: advices, their leases, and parking one with the alert that tells a person (written by the writer thread, writes.ts). */
import { adviceUpdateValues, toAdvice, type AdviceRow } from '../rows';
import { SQL } from '../statements';
import type { SwitchStore } from '../switch-store';
import type { SqliteConnection } from './connection';

export type AdviceQueries = Pick<
  SwitchStore,
  'insertAdvice' | 'getAdvice' | 'updateAdvice' | 'pendingAdviceHeads' | 'claimAdvice' | 'listAdvices' | 'countAdvices' | 'parkAdvice'
>;

export function adviceQueries({ db, write }: SqliteConnection): AdviceQueries {
  const getAdvice = db.prepare<[string], AdviceRow>(SQL.getAdvice);
  const pendingHeads = db.prepare<[], AdviceRow>(
    `SELECT a.* FROM advices a JOIN (SELECT provider_id, MIN(seq) AS seq FROM advices WHERE status = 'PENDING' GROUP BY provider_id) h
     ON a.provider_id = h.provider_id AND a.seq = h.seq ORDER BY a.next_attempt_at`,
  );
  const listAdvices = db.prepare<[number], AdviceRow>(SQL.listAdvices);
  const listAdvicesWithStatus = db.prepare<[string, number], AdviceRow>(SQL.listAdvicesWithStatus);
  const countAdvices = db.prepare<[string], { n: number }>(SQL.countAdvices);
  return {
    insertAdvice: (a) => write('insertAdvice', [a.id, a.purchaseId, a.kind, a.operation, a.providerId, JSON.stringify(a.body), a.createdAt, a.nextAttemptAt, a.status]),
    async getAdvice(id) {
      const row = getAdvice.get(id);
      return row ? toAdvice(row) : null;
    },
    updateAdvice: (a) => write('updateAdvice', [...adviceUpdateValues(a)]),
    async pendingAdviceHeads() {
      return pendingHeads.all().map(toAdvice);
    },
    claimAdvice: (id, owner, now, until) => write('claimAdvice', [owner, until, id, owner, now]),
    async listAdvices(limit = 500, status) {
      return (status ? listAdvicesWithStatus.all(status, limit) : listAdvices.all(limit)).map(toAdvice);
    },
    async countAdvices(status) {
      return countAdvices.get(status)!.n;
    },
    parkAdvice: (a, alert) => write('parkAdvice', [[...adviceUpdateValues(a)], [alert.at, alert.providerId, alert.adviceId, alert.message]]),
  };
}
