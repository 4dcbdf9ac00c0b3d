/**
 * The slips owed now include a pending sale's pending slip (the slip the customer leaves with while
 * the sale's outcome is unknown), and the token slip of a sale that succeeded after its pending slip
 * printed: a power cut during a first print loses the job, stored without a flush of its own, and the
 * sale must print it again. The partial index of migration 16 is made again with slipsOwed's new WHERE
 * clause, term for term, so SQLite may still use it.
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 17,
  name: 'pending-slips-owed',
  up(db) {
    db.exec(`
      DROP INDEX sales_slips_owed;
      CREATE INDEX sales_slips_owed ON sales(created_at) WHERE (slip_kind IS NULL AND slip_printed = 0 AND print_error IS NULL AND (state = 'succeeded' OR (state = 'pending' AND recovered_at IS NULL))) OR (state = 'succeeded' AND slip_kind = 'pending');
    `);
  },
};
export default m;
