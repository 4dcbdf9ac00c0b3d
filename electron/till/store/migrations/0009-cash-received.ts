/**
 * The cash a customer handed over, kept with the sale (the change is what is above the amount), and
 * a drawer opening per sale and purpose: a cash sale's own (sold or left pending) and the refund of
 * a cancelled pending sale are two openings of one sale, so the one-per-sale rule becomes one per
 * sale and kind ('sale' | 'refund' | 'no-sale').
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 9,
  name: 'cash-received',
  up(db) {
    db.exec(`ALTER TABLE sales ADD COLUMN cash_received_cents INTEGER;
    CREATE TABLE drawer_opens_new (
      id TEXT PRIMARY KEY,
      at TEXT NOT NULL,
      operator_id TEXT,
      sale_id TEXT,
      kind TEXT NOT NULL,
      reason TEXT,
      opened INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      UNIQUE (sale_id, kind)
    );
    INSERT INTO drawer_opens_new (id, at, operator_id, sale_id, kind, reason, opened, error)
      SELECT id, at, operator_id, sale_id, CASE WHEN sale_id IS NULL THEN 'no-sale' ELSE 'sale' END, reason, opened, error FROM drawer_opens;
    DROP TABLE drawer_opens;
    ALTER TABLE drawer_opens_new RENAME TO drawer_opens;
    CREATE INDEX drawer_opens_at ON drawer_opens(at);`);
  },
};
export default m;
