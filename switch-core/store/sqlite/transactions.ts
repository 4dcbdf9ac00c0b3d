/**
 * The SQLite store's transactions, their references and message traces. A transaction is
 * committed before anything is sent (a reused id is refused, every later read sees it) and, where
 * the store contract asks, durable once the shared WAL fsync has run (connection.ts).
 */
import type { TraceRecord, TransactionSummary } from '../../engine/model';
import { jsonOrNull, outcomeValues, toStored, toSummary, tracesOfRows, type TraceRow, type TxRow } from '../rows';
import { SQL } from '../statements';
import { DuplicateIdError, type NewTransaction, type SwitchStore, type TransactionOutcome } from '../switch-store';
import type { SqliteConnection } from './connection';
import type { MeterCache } from './meters';

export type TransactionQueries = Pick<
  SwitchStore,
  'insertTransaction' | 'hasTransaction' | 'setTransactionProvider' | 'finishTransaction' | 'getTransaction' | 'listTransactions' | 'writeBatch' | 'tracesOf'
>;

type Value = string | number | null;

const txValues = (tx: NewTransaction) =>
  [tx.id, tx.type, tx.meterId, tx.providerId, tx.status, tx.amount, tx.startedAt, tx.purchaseId, JSON.stringify(tx.request)] as const;

export function transactionQueries(conn: SqliteConnection, meters: MeterCache): TransactionQueries {
  const { db } = conn;
  const insertTx = db.prepare<Value[]>(SQL.insertTransaction);
  const finishTx = db.prepare<Value[]>(SQL.finishTransaction);
  // An answered transaction written once: its request's columns, then its outcome's (outcomeValues).
  const insertFinishedTx = db.prepare<Value[]>(
    `INSERT INTO transactions (id, type, meter_id, amount, started_at, purchase_id, request, provider_id, status, error_type, ms, response_status, response_body, final)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const setTxProvider = db.prepare<[string | null, string]>(SQL.setTransactionProvider);
  const getTx = db.prepare<[string], TxRow>(SQL.getTransactionRow);
  const hasTx = db.prepare<[string], { one: number }>(SQL.hasTransaction);
  const refsOf = db.prepare<[string], { ref: string }>('SELECT ref FROM transaction_refs WHERE tx_id = ?');
  const insertRef = db.prepare<[string, string]>('INSERT OR IGNORE INTO transaction_refs (ref, tx_id) VALUES (?, ?)');
  const insertTrace = db.prepare<Value[]>(
    `INSERT INTO traces (tx_id, direction, provider_id, operation, url, request_body, status, response_body, started_at, ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const touchSupport = db.prepare<[string, string, string, string]>(
    `UPDATE meter_support SET last_response_at = ? WHERE meter_id = ? AND provider_id = ?
     AND (last_response_at IS NULL OR last_response_at < ?)`,
  );
  const tracesOf = db.prepare<[string], TraceRow>(SQL.tracesOf);
  const refs = (txId: string) => refsOf.all(txId).map((x) => x.ref);
  const writeTrace = (t: TraceRecord) =>
    insertTrace.run(
      t.txId,
      t.direction,
      t.providerId,
      t.operation,
      t.url,
      t.requestJson ?? jsonOrNull(t.requestBody),
      t.status,
      t.responseJson ?? jsonOrNull(t.responseBody),
      t.startedAt,
      t.ms,
    );
  const finish = (id: string, o: TransactionOutcome) => finishTx.run(...outcomeValues(o), id);
  return {
    async insertTransaction(tx, opts = {}) {
      const held = conn.held();
      if (held) await held;
      try {
        insertTx.run(...txValues(tx));
      } catch (err) {
        if (err instanceof Error && (err as Error & { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateIdError(tx.id);
        throw err;
      }
      if (opts.durable !== false) await conn.durable();
    },
    async hasTransaction(id) {
      return hasTx.get(id) !== undefined;
    },
    async setTransactionProvider(id, providerId) {
      const held = conn.held();
      if (held) await held;
      setTxProvider.run(providerId, id);
      await conn.durable();
    },
    async finishTransaction(id, o) {
      const held = conn.held();
      if (held) await held;
      finish(id, o);
    },
    async getTransaction(id) {
      const row = getTx.get(id);
      return row ? toStored(row, refs(row.id)) : null;
    },
    async listTransactions(f): Promise<TransactionSummary[]> {
      const where: string[] = [];
      const args: Record<string, string | number> = {};
      if (f.from) (where.push('t.started_at >= @from'), (args.from = f.from));
      if (f.to) (where.push('t.started_at <= @to'), (args.to = f.to));
      if (f.meter) (where.push('t.meter_id = @meter'), (args.meter = f.meter));
      if (f.provider) (where.push('t.provider_id = @provider'), (args.provider = f.provider));
      if (f.status) (where.push('t.status = @status'), (args.status = f.status));
      if (f.type) (where.push('t.type = @type'), (args.type = f.type));
      // A transaction's own id and meter number are not stored as references: its indexes answer them.
      if (f.q) (where.push('(t.id = @q OR t.meter_id = @q OR t.id IN (SELECT tx_id FROM transaction_refs WHERE ref = @q))'), (args.q = f.q));
      args.limit = Math.max(1, Math.min(f.limit ?? 100, 1000));
      const sql = `SELECT * FROM transactions t ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY t.started_at DESC, t.rowid DESC LIMIT @limit`;
      return db
        .prepare<Record<string, string | number>, TxRow>(sql)
        .all(args)
        .map((r) => toSummary(r, refs(r.id)));
    },
    async writeBatch(b) {
      const held = conn.held();
      if (held) await held;
      db.transaction(() => {
        for (const { tx, outcome } of b.finishedRows)
          insertFinishedTx.run(tx.id, tx.type, tx.meterId, tx.amount, tx.startedAt, tx.purchaseId, JSON.stringify(tx.request), ...outcomeValues(outcome));
        for (const { id, outcome } of b.outcomes) finish(id, outcome);
        for (const t of b.touches) {
          touchSupport.run(t.at, t.meterId, t.providerId, t.at);
          meters.delete(t.meterId);
        }
        for (const t of b.traces) writeTrace(t);
        for (const r of b.refs) insertRef.run(r.ref, r.txId);
      })();
    },
    async tracesOf(txId) {
      return tracesOfRows(txId, tracesOf.all(txId), getTx.get(txId));
    },
  };
}
