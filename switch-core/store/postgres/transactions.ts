/**
 * The PostgreSQL store's transactions, their references and message traces. A transaction's row
 * goes in before anything is sent, through the durable pool where the store contract asks; the rows
 * begun (and the outcomes written) in one turn of the event loop go as one statement
 * (tick-batch.ts). The writes that follow an answer go as one statement over JSON rows.
 */
import pg from 'pg';
import type { TraceRecord, TransactionSummary } from '../../engine/model';
import { jsonOrNull, outcomeValues, requestJsonOf, toStored, toSummary, traceRequestColumn, tracesOfRows, upstreamColumns, type TraceRow, type TxRow } from '../rows';
import { DuplicateIdError, type NewTransaction, type SwitchStore, type TransactionOutcome } from '../switch-store';
import { lastByKey, type PgConnection } from './connection';
import { notifyEach, type Notifications } from './notifications';
import type { MeterCache } from './meters';
import { TickBatch, type Settled } from './tick-batch';

export type TransactionQueries = Pick<
  SwitchStore,
  'insertTransaction' | 'hasTransaction' | 'setTransactionProvider' | 'finishTransaction' | 'getTransaction' | 'listTransactions' | 'writeBatch' | 'tracesOf'
>;

/** A transaction's row with its stored references, as TX_WITH_REFS reads it. */
interface TxWithRefs extends TxRow {
  refs: string[];
}

/** A transaction's row with its references: the stored references plus its own id and meter number. */
const TX_WITH_REFS = `SELECT t.*, ARRAY(SELECT r.ref FROM transaction_refs r WHERE r.tx_id = t.id ORDER BY r.ref COLLATE "C") AS refs FROM transactions t`;

/** Outcomes (outcomeColumns rows, each with its id and any provider call: upstreamColumns) of rows begun earlier, as one JSON document in `param`. */
function writeOutcomes(param: string): string {
  return `UPDATE transactions t SET provider_id = o.provider_id, status = o.status, error_type = o.error_type, ms = o.ms,
      response_status = o.response_status, response_body = o.response_body, final = o.final,
      upstream = coalesce(o.upstream, t.upstream), upstream_response = coalesce(o.upstream_response, t.upstream_response)
    FROM json_to_recordset(${param}::json) AS o(id text, provider_id text, status text, error_type text, ms float8, response_status int, response_body text, final int,
      upstream text, upstream_response text)
    WHERE t.id = o.id`;
}
/** Rows begun in one turn (txColumns rows): those whose id another took are missing from what it returns. */
const BEGIN_MANY = `INSERT INTO transactions (id, type, meter_id, provider_id, status, amount, started_at, purchase_id, request)
  SELECT * FROM json_to_recordset($1::json) AS x(id text, type text, meter_id text, provider_id text, status text, amount bigint,
    started_at text, purchase_id text, request text)
  ON CONFLICT (id) DO NOTHING RETURNING id`;
const FINISH_MANY = writeOutcomes('$1');
/**
 * Statements of one kind under way at once from this node before the next turn's rows wait to join
 * one: a pool holds 10 connections, and the batch's reads and other writes need some.
 */
const MAX_IN_FLIGHT = 4;

/** A new row's columns, as the JSON the batched statements read (the request as its caller serialised it, or serialised here). */
const txColumns = (tx: NewTransaction) => ({
  id: tx.id,
  type: tx.type,
  meter_id: tx.meterId,
  provider_id: tx.providerId,
  status: tx.status,
  amount: tx.amount,
  started_at: tx.startedAt,
  purchase_id: tx.purchaseId,
  request: requestJsonOf(tx),
});
/** An outcome's columns, as the JSON the batched statements read. */
const outcomeColumns = (o: TransactionOutcome) => ({
  provider_id: o.providerId,
  status: o.status,
  error_type: o.errorType,
  ms: o.ms,
  response_status: o.responseStatus,
  response_body: o.responseJson ?? jsonOrNull(o.responseBody),
  final: o.final ? 1 : 0,
});
/** An outcome's columns with its provider call's (upstreamColumns), as the batch's statement reads them. */
function outcomeWithCallColumns(o: TransactionOutcome, upstream: TraceRecord | undefined) {
  const done = outcomeColumns(o);
  const [call, callResponse] = upstreamColumns(upstream, done.response_body);
  return { ...done, upstream: call, upstream_response: callResponse };
}

const settled = <R>(p: Promise<R>): Promise<Settled<R>> => p.then((value) => ({ value }), (error: unknown) => ({ error }));

/**
 * A batch's writes after the answers, as data-modifying CTEs of one statement over JSON rows (one
 * round trip, one transaction: a batch that fails is written again whole): finished rows (a
 * lookup's, on one node), outcomes, traces, references, and response times moved forward (only ever
 * to a newer time) with the notices that tell other nodes (NOTIFY, sent at commit). The support rows
 * a batch touches are locked in key order first (`locked`): an UPDATE's join may visit them in the
 * table's physical order, which differs between nodes' batches and deadlocked them under load; the
 * UPDATE reaches a row only through `locked`, so only once it is held.
 */
const WRITE_BATCH = `WITH finished AS (
    INSERT INTO transactions (id, type, meter_id, provider_id, status, error_type, amount, started_at, ms, purchase_id, request, response_status, response_body, final,
      upstream, upstream_response)
    SELECT * FROM json_to_recordset($1::json) AS x(id text, type text, meter_id text, provider_id text, status text, error_type text, amount bigint,
      started_at text, ms float8, purchase_id text, request text, response_status int, response_body text, final int, upstream text, upstream_response text)
  ), outcomes AS (${writeOutcomes('$2')}), traced AS (
    INSERT INTO traces (tx_id, direction, provider_id, operation, url, request_body, status, response_body, started_at, ms)
    SELECT * FROM json_to_recordset($3::json) AS x(tx_id text, direction text, provider_id text, operation text, url text, request_body text,
      status int, response_body text, started_at text, ms float8)
  ), referenced AS (
    INSERT INTO transaction_refs (ref, tx_id) SELECT * FROM json_to_recordset($4::json) AS x(ref text, tx_id text) ON CONFLICT DO NOTHING
  ), locked AS (
    SELECT s.meter_id, s.provider_id, x.at FROM meter_support s
    JOIN json_to_recordset($5::json) AS x(meter_id text, provider_id text, at text) ON s.meter_id = x.meter_id AND s.provider_id = x.provider_id
    ORDER BY s.meter_id, s.provider_id FOR UPDATE OF s
  ), touched AS (
    UPDATE meter_support s SET last_response_at = l.at FROM locked l
    WHERE s.meter_id = l.meter_id AND s.provider_id = l.provider_id AND (s.last_response_at IS NULL OR s.last_response_at < l.at)
  )
  ${notifyEach('$6')}`;

export function transactionQueries(conn: PgConnection, news: Notifications, cache: MeterCache): TransactionQueries {
  const { pool, durablePool } = conn;
  // The hot path's statements are named (conn.run): each connection parses and plans them once, not per sale.
  const beginOne = async (tx: NewTransaction, on: pg.Pool) => {
    const values = [tx.id, tx.type, tx.meterId, tx.providerId, tx.status, tx.amount, tx.startedAt, tx.purchaseId, requestJsonOf(tx)];
    try {
      await conn.run('insertTransaction', values, on);
    } catch (err) {
      if (err instanceof pg.DatabaseError && err.code === '23505' && err.constraint === 'transactions_pkey') throw new DuplicateIdError(tx.id);
      throw err;
    }
  };
  const beginMany = (on: pg.Pool) => async (txs: readonly NewTransaction[]): Promise<Settled<void>[]> => {
    if (txs.length === 1) return [await settled(beginOne(txs[0]!, on))];
    // An id twice in one turn: the second is refused without asking (one statement may insert a key once).
    const firstOf = new Map<string, NewTransaction>();
    for (const tx of txs) if (!firstOf.has(tx.id)) firstOf.set(tx.id, tx);
    try {
      const { rows } = await on.query<[string]>({
        name: 'begin-many',
        text: BEGIN_MANY,
        values: [JSON.stringify([...firstOf.values()].map(txColumns))],
        rowMode: 'array',
      });
      const inserted = new Set(rows.map((r) => r[0]));
      return txs.map((tx) => (firstOf.get(tx.id) === tx && inserted.has(tx.id) ? { value: undefined } : { error: new DuplicateIdError(tx.id) }));
    } catch {
      // One row's fault (a reused id is not one: it is answered above) must not fail the others: each alone.
      return Promise.all(txs.map((tx) => settled(beginOne(tx, on))));
    }
  };
  const finishOne = (id: string, o: TransactionOutcome) => conn.run('finishTransaction', [...outcomeValues(o), id]).then(() => undefined);
  const finishMany = async (items: readonly { id: string; outcome: TransactionOutcome }[]): Promise<Settled<void>[]> => {
    if (items.length === 1) return [await settled(finishOne(items[0]!.id, items[0]!.outcome))];
    try {
      // The same row twice in one turn: its last outcome is what writing both in order would leave.
      const rows = lastByKey(items, (i) => i.id).map(({ id, outcome }) => ({ id, ...outcomeColumns(outcome) }));
      await conn.retryingDeadlocks(() => pool.query({ name: 'finish-many', text: FINISH_MANY, values: [JSON.stringify(rows)] }));
      return items.map(() => ({ value: undefined }));
    } catch {
      return Promise.all(items.map((i) => settled(finishOne(i.id, i.outcome))));
    }
  };
  const begins = { relaxed: new TickBatch(beginMany(pool), MAX_IN_FLIGHT), durable: new TickBatch(beginMany(durablePool), MAX_IN_FLIGHT) };
  const finishes = new TickBatch(finishMany, MAX_IN_FLIGHT);
  return {
    insertTransaction: (tx, opts = {}) => (opts.durable === false ? begins.relaxed : begins.durable).add(tx),
    async hasTransaction(id) {
      return (await conn.run('hasTransaction', [id])).rowCount === 1;
    },
    async setTransactionProvider(id, providerId) {
      await conn.run('setTransactionProvider', [providerId, id], durablePool);
    },
    finishTransaction: (id, outcome) => finishes.add({ id, outcome }),
    async getTransaction(id) {
      const { rows } = await pool.query<TxWithRefs>(`${TX_WITH_REFS} WHERE t.id = $1`, [id]);
      return rows[0] ? toStored(rows[0], rows[0].refs) : null;
    },
    async listTransactions(f): Promise<TransactionSummary[]> {
      const where: string[] = [];
      const args: (string | number)[] = [];
      const arg = (value: string | number) => `$${args.push(value)}`;
      if (f.from) where.push(`t.started_at >= ${arg(f.from)}`);
      if (f.to) where.push(`t.started_at <= ${arg(f.to)}`);
      if (f.meter) where.push(`t.meter_id = ${arg(f.meter)}`);
      if (f.provider) where.push(`t.provider_id = ${arg(f.provider)}`);
      if (f.status) where.push(`t.status = ${arg(f.status)}`);
      if (f.type) where.push(`t.type = ${arg(f.type)}`);
      if (f.q) {
        // A transaction's own id and meter number are not stored as references: its indexes answer them.
        // Written as one id set (not ORs) so each index is probed: the ORs scanned the whole table (0.5 vs 40 ms at 200k rows).
        const q = arg(f.q);
        where.push(`t.id IN (SELECT ${q} UNION ALL SELECT id FROM transactions WHERE meter_id = ${q} UNION ALL SELECT tx_id FROM transaction_refs WHERE ref = ${q})`);
      }
      const limit = arg(Math.max(1, Math.min(f.limit ?? 100, 1000)));
      const { rows } = await pool.query<TxWithRefs>(
        `${TX_WITH_REFS} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY t.started_at DESC, t.seq DESC LIMIT ${limit}`,
        args,
      );
      return rows.map((r) => toSummary(r, r.refs));
    },
    async writeBatch(batch) {
      const { traces, refs, finishedRows, outcomes } = batch;
      // Newest time per support row, in key order: rows locked in one order on every node cannot deadlock.
      const touches = lastByKey(
        [...batch.touches].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
        (t) => `${t.meterId}\u0000${t.providerId}`,
      ).sort((a, b) => (a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : a.providerId < b.providerId ? -1 : 1));
      if (traces.length + refs.length + finishedRows.length + outcomes.length + touches.length === 0) return;
      // A kind the batch lacks is an empty list. Each kind as one JSON document of rows: serialised
      // natively, where pg would escape every element of an array parameter (a JSON answer is mostly
      // quotes) in JavaScript.
      const values = [
        JSON.stringify(finishedRows.map(({ tx, outcome, upstream }) => ({ ...txColumns(tx), ...outcomeWithCallColumns(outcome, upstream) }))),
        JSON.stringify(lastByKey(outcomes, (o) => o.id).map(({ id, outcome, upstream }) => ({ id, ...outcomeWithCallColumns(outcome, upstream) }))),
        JSON.stringify(
          traces.map((t) => ({
            tx_id: t.txId,
            direction: t.direction,
            provider_id: t.providerId,
            operation: t.operation,
            url: t.url,
            request_body: traceRequestColumn(t),
            status: t.status,
            response_body: t.responseJson ?? jsonOrNull(t.responseBody),
            started_at: t.startedAt,
            ms: t.ms,
          })),
        ),
        JSON.stringify(refs.map((r) => ({ ref: r.ref, tx_id: r.txId }))),
        JSON.stringify(touches.map((t) => ({ meter_id: t.meterId, provider_id: t.providerId, at: t.at }))),
        touches.length > 0 ? news.payloads({ meters: [...new Set(touches.map((t) => t.meterId))] }) : [],
      ];
      try {
        await conn.retryingDeadlocks(() => pool.query({ name: 'write-batch', text: WRITE_BATCH, values }));
      } catch (err) {
        for (const t of touches) cache.drop(t.meterId);
        throw err;
      }
      // Written as the cache would have read it back: no meter read after every batch.
      for (const t of touches) cache.touch(t.meterId, t.providerId, t.at);
    },
    /** A transaction's message traces in order (its till->switch exchange from its row: see tracesOfRows). */
    async tracesOf(txId) {
      const [traces, tx] = await Promise.all([conn.run<TraceRow>('tracesOf', [txId]), conn.run<TxRow>('getTransactionRow', [txId])]);
      return tracesOfRows(txId, traces.rows, tx.rows[0]);
    },
  };
}
