/** Sales (one row per purchase id, written before sending), the advice outbox, operators and shifts. */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 1,
  name: 'sales-advices',
  up(db) {
    db.exec(`
      CREATE TABLE sales (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL,
        late INTEGER NOT NULL DEFAULT 0,
        meter_id TEXT NOT NULL,
        amount_cents INTEGER NOT NULL,
        currency TEXT NOT NULL,
        tender_type TEXT NOT NULL,
        masked_card TEXT,
        operator_id TEXT NOT NULL,
        shift_id TEXT,
        lookup_ref TEXT,
        request_json TEXT NOT NULL,
        response_json TEXT,
        customer_name TEXT,
        utility_name TEXT,
        provider TEXT,
        failure_message TEXT,
        failure_type TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at INTEGER,
        slip_printed INTEGER NOT NULL DEFAULT 0,
        slip_kind TEXT,
        print_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX sales_created ON sales(created_at);
      CREATE INDEX sales_state ON sales(state);
      CREATE INDEX sales_meter ON sales(meter_id);
      CREATE TABLE advices (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        sale_id TEXT NOT NULL REFERENCES sales(id),
        body_json TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at INTEGER,
        created_at TEXT NOT NULL,
        delivered_at TEXT
      );
      CREATE INDEX advices_status ON advices(status, seq);
      CREATE TABLE operators (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        pin_hash TEXT NOT NULL
      );
      CREATE TABLE shifts (
        id TEXT PRIMARY KEY,
        operator_id TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT
      );
    `);
  },
};
export default m;
