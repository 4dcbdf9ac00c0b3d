/** Who cancelled a pending sale (every sale, reprint and cancel carries its operator). */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 3,
  name: 'cancelled-by',
  up(db) {
    db.exec(`ALTER TABLE sales ADD COLUMN cancelled_by TEXT; ALTER TABLE sales ADD COLUMN cancelled_at TEXT;`);
  },
};
export default m;
