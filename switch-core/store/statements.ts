/**
 * The statements both engines run word for word, in one table. They are written with `?`
 * placeholders: the SQLite store prepares them as they stand, the PostgreSQL store numbers the
 * placeholders ($1, $2, …) once at load (POSTGRES_SQL) and runs them as named prepared statements.
 * What differs between the dialects — bulk writes through unnest arrays, orderings that PostgreSQL
 * must pin to COLLATE "C" (SQLite has no such collation), sequence numbers, references gathered
 * with ARRAY(...) — stays in the engine's own files beside the table family it belongs to.
 *
 * A table of statements rather than a query builder (Kysely): these are fixed statements, not
 * queries composed at run time, and the engines differ exactly where a builder would need an
 * escape hatch of raw SQL; a table keeps every statement readable as the SQL it is, adds no
 * dependency, and leaves SQLite's prepared statements on the hot path as they were.
 */
export const SQL = {
  // meta, providers, utilities
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  setProviderWeight: 'UPDATE providers SET weight = ? WHERE id = ?',
  upsertUtility: 'INSERT INTO utilities (id, name, utility_type) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, utility_type = excluded.utility_type',
  deletePreferences: 'DELETE FROM utility_preferences WHERE utility_id = ?',
  meterCounts: 'SELECT utility_id, COUNT(*) AS n FROM meters WHERE utility_id IS NOT NULL GROUP BY utility_id',
  supportedBy: `SELECT DISTINCT m.utility_id, s.provider_id FROM meter_support s JOIN meters m ON m.meter_id = s.meter_id
    WHERE s.status = 'SUPPORTED' AND m.utility_id IS NOT NULL ORDER BY s.provider_id`,
  // the contract table
  // Range scan over the primary key (byte order in both): every id starting with a prefix sorts in [prefix, prefix + U+FFFF).
  searchMeters: `SELECT m.meter_id, u.name FROM meters m LEFT JOIN utilities u ON u.id = m.utility_id
    WHERE m.meter_id >= ? AND m.meter_id < ? ORDER BY m.meter_id LIMIT ?`,
  meterIdsAfter: 'SELECT meter_id FROM meters WHERE meter_id > ? ORDER BY meter_id LIMIT ?',
  // transactions and traces
  insertTransaction: `INSERT INTO transactions (id, type, meter_id, provider_id, status, amount, started_at, purchase_id, request)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  hasTransaction: 'SELECT 1 AS one FROM transactions WHERE id = ?',
  setTransactionProvider: 'UPDATE transactions SET provider_id = ? WHERE id = ?',
  /** Parameters: outcomeValues(outcome), then the id. */
  finishTransaction: `UPDATE transactions SET provider_id = ?, status = ?, error_type = ?, ms = ?, response_status = ?, response_body = ?, final = ?
    WHERE id = ?`,
  getTransactionRow: 'SELECT * FROM transactions WHERE id = ?',
  tracesOf: 'SELECT * FROM traces WHERE tx_id = ? ORDER BY seq',
  // advices
  getAdvice: 'SELECT * FROM advices WHERE id = ?',
  /** Records an attempt's result and gives the advice's lease back. Parameters: adviceUpdateValues(a). */
  updateAdvice: 'UPDATE advices SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?',
  /** Parameters: owner, until, id, owner, now. */
  claimAdvice: `UPDATE advices SET lease_owner = ?, lease_until = ? WHERE id = ? AND status = 'PENDING'
    AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)`,
  listAdvices: 'SELECT * FROM advices ORDER BY seq DESC LIMIT ?',
  listAdvicesWithStatus: 'SELECT * FROM advices WHERE status = ? ORDER BY seq DESC LIMIT ?',
  countAdvices: 'SELECT COUNT(*) AS n FROM advices WHERE status = ?',
  insertAdviceAlert: "INSERT INTO alerts (at, kind, provider_id, advice_id, message) VALUES (?, 'ADVICE_NEEDS_RECONCILIATION', ?, ?, ?)",
  // alerts and health history
  insertHealthAlert: "INSERT INTO alerts (at, kind, provider_id, from_health, to_health, message) VALUES (?, 'HEALTH', ?, ?, ?, ?)",
  insertAuthAlert: 'INSERT INTO alerts (at, kind, subject, message) VALUES (?, ?, ?, ?)',
  listAlerts: 'SELECT * FROM alerts ORDER BY seq DESC LIMIT ?',
  listHealthSamples: 'SELECT * FROM (SELECT * FROM health_history ORDER BY seq DESC LIMIT ?) h ORDER BY seq',
} as const;

export type StatementName = keyof typeof SQL;

/** The table with PostgreSQL's numbered placeholders (none of the statements has a `?` inside a literal). */
export const POSTGRES_SQL = Object.fromEntries(
  Object.entries(SQL).map(([name, text]) => {
    let n = 0;
    return [name, text.replace(/\?/g, () => `$${++n}`)];
  }),
) as Record<StatementName, string>;
