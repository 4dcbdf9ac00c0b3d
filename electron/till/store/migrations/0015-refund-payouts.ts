/**
 * Refunds paid out of a drawer for a cancelled pending cash sale whose own drawer session was closed
 * by then (or that had none: a recovered sale): the session open at the till when the refund was paid
 * pays it (shift_id), null when none was open and the refund came from the safe; the session that took
 * the sale's cash is named beside it. A refund from the safe is taken into the Z-read that closes its
 * day (day_close_id), as the sessions are.
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 15,
  name: 'refund-payouts',
  up(db) {
    db.exec(`
      CREATE TABLE refund_payouts (
        id TEXT PRIMARY KEY,
        sale_id TEXT NOT NULL UNIQUE REFERENCES sales(id),
        shift_id TEXT REFERENCES shifts(id),
        sold_shift_id TEXT,
        amount_cents INTEGER NOT NULL,
        at TEXT NOT NULL,
        operator_id TEXT NOT NULL,
        day_close_id TEXT
      );
      CREATE INDEX refund_payouts_shift ON refund_payouts(shift_id);
      CREATE INDEX refund_payouts_at ON refund_payouts(at);
    `);
  },
};
export default m;
