/**
 * The SQLite store's transactions, their references and message traces: read here, written by the
 * writer thread (writes.ts). A transaction is committed before anything is sent (a reused id is
 * refused, every later read sees it) and, where the store contract asks, durable: its insert and
 * its provider are acknowledged only after an fdatasync of the WAL (writer.worker.ts).
 *
 * A lookup's row is not written up front on this store: the engine answers first and hands the
 * finished row to the batch after its answer (writeBatch), refusing the id meanwhile from memory
 * (switch-state.ts). That holds because a repeated lookup is answered, not refused: a repeat of
 * one still in the batch waits for the batch, then gets the stored answer (engine/repeats.ts) —
 * and a lookup moves no money, so one lost to a crash before its batch is only asked again.
 */
import type { TraceRecord, TransactionSummary } from '../../engine/model';
import { jsonOrNull, outcomeValues, requestJsonOf, toStored, toSummary, traceRequestColumn, tracesOfRows, outcomeWithCallValues, type TraceRow, type TxRow } from '../rows';
import { SQL } from '../statements';
import { DuplicateIdError, type NewTransaction, type SwitchStore } from '../switch-store';
import type { SqliteConnection } from './connection';
import type { MeterCache } from './meters';

export type TransactionQueries = Pick<
  SwitchStore,
  'insertTransaction' | 'hasTransaction' | 'setTransactionProvider' | 'finishTransaction' | 'getTransaction' | 'listTransactions' | 'writeBatch' | 'tracesOf'
>;

const txValues = (tx: NewTransaction) =>
  [tx.id, tx.type, tx.meterId, tx.providerId, tx.status, tx.amount, tx.startedAt, tx.purchaseId, requestJsonOf(tx)];

const traceValues = (t: TraceRecord) =>
  [t.txId, t.direction, t.providerId, t.operation, t.url, traceRequestColumn(t), t.status, t.responseJson ?? jsonOrNull(t.responseBody), t.startedAt, t.ms];

export function transactionQueries({ db, write }: SqliteConnection, meters: MeterCache): TransactionQueries {
  const getTx = db.prepare<[string], TxRow>(SQL.getTransactionRow);
  const hasTx = db.prepare<[string], { one: number }>(SQL.hasTransaction);
  const refsOf = db.prepare<[string], { ref: string }>('SELECT ref FROM transaction_refs WHERE tx_id = ?');
  const tracesOf = db.prepare<[string], TraceRow>(SQL.tracesOf);
  const refs = (txId: string) => refsOf.all(txId).map((x) => x.ref);
  // Ids asked in one turn of the event loop are looked up together, in one read transaction: once
  // the writer thread has committed, this connection's next read transaction starts with its page
  // cache dropped (SQLite resets it whenever the WAL changed), and under load it always has. One
  // reset a turn, not one a lookup: 26 µs a check after a commit against 6 µs with the cache kept.
  let asked: { id: string; resolve: (taken: boolean) => void; reject: (err: unknown) => void }[] = [];
  const readTogether = db.transaction((ids: readonly string[]) => ids.map((id) => hasTx.get(id) !== undefined));
  const answerAsked = () => {
    const list = asked;
    asked = [];
    try {
      const taken = readTogether(list.map((a) => a.id));
      list.forEach((a, i) => a.resolve(taken[i]!));
    } catch (err) {
      for (const a of list) a.reject(err);
    }
  };
  return {
    async insertTransaction(tx, opts = {}) {
      try {
        await write('insertTransaction', txValues(tx), opts.durable !== false);
      } catch (err) {
        if (err instanceof Error && (err as Error & { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new DuplicateIdError(tx.id);
        throw err;
      }
    },
    hasTransaction(id) {
      return new Promise((resolve, reject) => {
        if (asked.push({ id, resolve, reject }) === 1) setImmediate(answerAsked);
      });
    },
    setTransactionProvider: (id, providerId) => write('setTransactionProvider', [id, providerId], true),
    finishTransaction: (id, o) => write('finishTransaction', [...outcomeValues(o), id]),
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
      await write('writeBatch', {
        finishedRows: b.finishedRows.map(({ tx, outcome, upstream }) => [
          tx.id, tx.type, tx.meterId, tx.amount, tx.startedAt, tx.purchaseId, requestJsonOf(tx), ...outcomeWithCallValues(outcome, upstream),
        ]),
        outcomes: b.outcomes.map(({ id, outcome, upstream }) => [...outcomeWithCallValues(outcome, upstream), id]),
        touches: b.touches.map((t) => [t.at, t.meterId, t.providerId] as const),
        traces: b.traces.map(traceValues),
        refs: b.refs.map((r) => [r.ref, r.txId] as const),
      });
      for (const t of b.touches) meters.delete(t.meterId);
    },
    async tracesOf(txId) {
      return tracesOfRows(txId, tracesOf.all(txId), getTx.get(txId));
    },
  };
}
