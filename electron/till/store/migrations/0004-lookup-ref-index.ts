/** Finding a sale by its lookup (a repeated Sell answers the first sale) without a table scan. */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 4,
  name: 'lookup-ref-index',
  up(db) {
    db.exec(`CREATE INDEX sales_lookup_ref ON sales(lookup_ref)`);
  },
};
export default m;
