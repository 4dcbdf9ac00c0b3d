/**
 * Indexes for reads every sale makes, which scanned tables that grow with every sale the till ever
 * made: a sale's advices (read by every view of the sale, each answer to the screen's long poll), and
 * the slips owed (asked on every tick of the background worker; it walked every succeeded sale). The
 * second is partial: it holds only the few sales whose slip was never tried, and matches slipsOwed's
 * WHERE clause term for term, which is how SQLite knows it may use it.
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 16,
  name: 'sale-path-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX advices_sale ON advices(sale_id, seq);
      CREATE INDEX sales_slips_owed ON sales(created_at) WHERE state = 'succeeded' AND slip_printed = 0 AND print_error IS NULL AND slip_kind IS NULL;
    `);
  },
};
export default m;
