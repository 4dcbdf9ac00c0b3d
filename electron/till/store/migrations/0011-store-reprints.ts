/**
 * Store reprints: a sale of one till reprinted at another. Both tills keep the row — the reprinting
 * till when it prints, the selling till when it reads the switch's record — keyed by the reprint's
 * id at the switch, so reading it again adds nothing.
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 11,
  name: 'store-reprints',
  up(db) {
    db.exec(`
      CREATE TABLE store_reprints (
        reprint_id TEXT PRIMARY KEY,
        purchase_id TEXT NOT NULL,
        sold_at TEXT,
        reprinted_at TEXT NOT NULL,
        operator_id TEXT,
        at TEXT NOT NULL
      );
      CREATE INDEX store_reprints_purchase ON store_reprints (purchase_id);
    `);
  },
};
export default m;
