/**
 * Every write the SQLite store makes, by name, over plain column values: the writer thread
 * (writer.worker.ts) prepares them on the one connection that writes and runs each message's
 * writes in one transaction. The table families (config.ts, meters.ts, transactions.ts,
 * advices.ts, health.ts) turn the engine's data into these values on the main thread and read
 * back there; what crosses between the threads is only strings, numbers and arrays of them.
 */
import type Database from 'better-sqlite3';
import { SQL } from '../statements';

type Value = string | number | null;
/** A meter_support row: provider, status, last response time. */
export type SupportValues = readonly [providerId: string, status: string, lastResponseAt: string | null];
/** A meters row with its support rows. */
export interface MeterValues {
  meterId: string;
  utilityId: string | null;
  rebroadcastFlag: number;
  preferredProviderId: string | null;
  support: readonly SupportValues[];
}

/** A batch of after-the-answer writes as column values (see WriteBatch in switch-store.ts). */
export interface BatchValues {
  finishedRows: readonly Value[][];
  outcomes: readonly Value[][];
  touches: readonly [at: string, meterId: string, providerId: string][];
  traces: readonly Value[][];
  refs: readonly [ref: string, txId: string][];
}

export function prepareWrites(db: Database.Database) {
  const s = <P extends unknown[]>(sql: string) => db.prepare<P>(sql);
  const setMeta = s<[string, string]>(SQL.setMeta);
  const upsertProvider = s<Value[]>('INSERT INTO providers (id, name, weight, enabled) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name');
  const setProviderWeight = s<[number, string]>(SQL.setProviderWeight);
  const upsertUtility = s<[string, string, string]>(SQL.upsertUtility);
  const deletePreferences = s<[string]>(SQL.deletePreferences);
  const insertPreference = s<[string, string, string, number]>('INSERT INTO utility_preferences (utility_id, provider_id, kind, rank) VALUES (?, ?, ?, ?)');
  const insertMeter = s<Value[]>(
    'INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (meter_id) DO NOTHING',
  );
  const updateMeter = s<Value[]>('UPDATE meters SET utility_id = ?, rebroadcast_flag = ?, preferred_provider_id = ? WHERE meter_id = ?');
  const upsertSupport = s<Value[]>(
    `INSERT INTO meter_support (meter_id, provider_id, status, last_response_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (meter_id, provider_id) DO UPDATE SET status = excluded.status, last_response_at = excluded.last_response_at`,
  );
  const insertTx = s<Value[]>(SQL.insertTransaction);
  const finishTx = s<Value[]>(SQL.finishTransaction);
  // An answered transaction written once: its request's columns, its outcome's (outcomeValues in rows.ts), its provider call's (upstreamColumns).
  const insertFinishedTx = s<Value[]>(
    `INSERT INTO transactions (id, type, meter_id, amount, started_at, purchase_id, request, provider_id, status, error_type, ms, response_status, response_body, final,
       upstream, upstream_response)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // An outcome after the answer, with the provider call it came from (upstreamColumns; null where none).
  const finishTxWithCall = s<Value[]>(
    `UPDATE transactions SET provider_id = ?, status = ?, error_type = ?, ms = ?, response_status = ?, response_body = ?, final = ?,
       upstream = coalesce(?, upstream), upstream_response = coalesce(?, upstream_response) WHERE id = ?`,
  );
  const setTxProvider = s<[string | null, string]>(SQL.setTransactionProvider);
  const insertRef = s<[string, string]>('INSERT OR IGNORE INTO transaction_refs (ref, tx_id) VALUES (?, ?)');
  const insertTrace = s<Value[]>(
    `INSERT INTO traces (tx_id, direction, provider_id, operation, url, request_body, status, response_body, started_at, ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // A late answer never moves a provider's last-response time back, nor touches a status changed meanwhile.
  const touchSupport = s<[string, string, string, string]>(
    `UPDATE meter_support SET last_response_at = ? WHERE meter_id = ? AND provider_id = ?
     AND (last_response_at IS NULL OR last_response_at < ?)`,
  );
  const insertAdvice = s<Value[]>(
    `INSERT INTO advices (id, purchase_id, kind, operation, provider_id, body, attempts, last_error, created_at, next_attempt_at, status, seq)
     VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM advices))
     ON CONFLICT (id) DO NOTHING`,
  );
  const updateAdvice = s<Value[]>(SQL.updateAdvice);
  const claimAdvice = s<[string, string, string, string, string]>(SQL.claimAdvice);
  const insertAdviceAlert = s<[string, string, string, string]>(SQL.insertAdviceAlert);
  const insertHealthAlert = s<[string, string, string, string, string]>(SQL.insertHealthAlert);
  const insertAuthAlert = s<[string, string, string, string]>(SQL.insertAuthAlert);
  const insertSample = s<Value[]>('INSERT INTO health_history (at, provider_id, latency_ms, error_rate, up) VALUES (?, ?, ?, ?, ?)');
  const writeSupport = (m: MeterValues) => {
    for (const sv of m.support) upsertSupport.run(m.meterId, ...sv);
  };

  return {
    setMeta: ([key, value]: [string, string]) => void setMeta.run(key, value),
    upsertProviders: (rows: readonly (readonly [string, string, number, number])[]) => {
      for (const r of rows) upsertProvider.run(...r);
    },
    setProviderWeight: ([id, weight]: [string, number]) => void setProviderWeight.run(weight, id),
    upsertUtility: (u: { id: string; name: string; utilityType: string; ranked: readonly string[]; excluded: readonly string[] }) => {
      upsertUtility.run(u.id, u.name, u.utilityType);
      deletePreferences.run(u.id);
      u.ranked.forEach((p, i) => insertPreference.run(u.id, p, 'RANKED', i));
      for (const p of u.excluded) insertPreference.run(u.id, p, 'EXCLUDED', 0);
    },
    /** A meter's whole row, created when new; providers it leaves out keep their support rows. */
    saveMeter: ([m, now]: [MeterValues, string]) => {
      insertMeter.run(m.meterId, m.utilityId, m.rebroadcastFlag, m.preferredProviderId, now);
      updateMeter.run(m.utilityId, m.rebroadcastFlag, m.preferredProviderId, m.meterId);
      writeSupport(m);
    },
    setSupport: ([meterId, sv]: [string, SupportValues]) => void upsertSupport.run(meterId, ...sv),
    /** Meters already in the table are left as they are. */
    insertMeters: ([meters, now]: [readonly MeterValues[], string]) => {
      for (const m of meters) {
        insertMeter.run(m.meterId, m.utilityId, m.rebroadcastFlag, m.preferredProviderId, now);
        writeSupport(m);
      }
    },
    /** Throws SQLITE_CONSTRAINT_PRIMARYKEY for a reused id (transactions.ts makes it a DuplicateIdError). */
    insertTransaction: (values: Value[]) => void insertTx.run(...values),
    setTransactionProvider: ([id, providerId]: [string, string | null]) => void setTxProvider.run(providerId, id),
    finishTransaction: (values: Value[]) => void finishTx.run(...values),
    writeBatch: (b: BatchValues) => {
      for (const r of b.finishedRows) insertFinishedTx.run(...r);
      for (const r of b.outcomes) finishTxWithCall.run(...r);
      for (const [at, meterId, providerId] of b.touches) touchSupport.run(at, meterId, providerId, at);
      for (const r of b.traces) insertTrace.run(...r);
      for (const r of b.refs) insertRef.run(...r);
    },
    /** False when an advice with this id already exists. */
    insertAdvice: (values: Value[]) => insertAdvice.run(...values).changes === 1,
    updateAdvice: (values: Value[]) => void updateAdvice.run(...values),
    /** Parameters: owner, until, id, owner, now (statements.ts); false when another owner holds the lease. */
    claimAdvice: (values: [string, string, string, string, string]) => claimAdvice.run(...values).changes === 1,
    parkAdvice: ([update, alert]: [Value[], [string, string, string, string]]) => {
      updateAdvice.run(...update);
      insertAdviceAlert.run(...alert);
    },
    insertAlert: (values: [string, string, string, string, string]) => void insertHealthAlert.run(...values),
    insertAuthAlert: (values: [string, string, string, string]) => void insertAuthAlert.run(...values),
    insertHealthSamples: (rows: readonly Value[][]) => {
      for (const r of rows) insertSample.run(...r);
    },
  };
}

export type Writes = ReturnType<typeof prepareWrites>;
export type WriteName = keyof Writes;
export type WriteArg<K extends WriteName> = Parameters<Writes[K]>[0];
export type WriteResult<K extends WriteName> = ReturnType<Writes[K]>;
