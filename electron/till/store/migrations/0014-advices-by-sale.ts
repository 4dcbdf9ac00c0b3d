/**
 * The advices of a sale by an index: every view of a sale (each answer to the screen's long poll)
 * reads them, and without it that read scanned the whole outbox, every advice the till ever sent.
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 14,
  name: 'advices-by-sale',
  up(db) {
    db.exec(`CREATE INDEX advices_sale ON advices(sale_id, seq);`);
  },
};
export default m;
