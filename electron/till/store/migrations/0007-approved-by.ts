/** Which manager approved a sale to a meter that already had a pending sale (and over which one). */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 7,
  name: 'approved-by',
  up(db) {
    db.exec(`ALTER TABLE sales ADD COLUMN approved_by TEXT; ALTER TABLE sales ADD COLUMN approved_over TEXT; CREATE INDEX IF NOT EXISTS sales_meter_state ON sales (meter_id, state);`);
  },
};
export default m;
