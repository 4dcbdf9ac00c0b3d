/** Cash drawer openings: each kick after a cash sale (one per sale) and each manager's "no sale" with its reason. */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 6,
  name: 'drawer-opens',
  up(db) {
    db.exec(`CREATE TABLE drawer_opens (
      id TEXT PRIMARY KEY,
      at TEXT NOT NULL,
      operator_id TEXT,
      sale_id TEXT UNIQUE,
      reason TEXT,
      opened INTEGER NOT NULL DEFAULT 0,
      error TEXT
    );
    CREATE INDEX drawer_opens_at ON drawer_opens(at);`);
  },
};
export default m;
