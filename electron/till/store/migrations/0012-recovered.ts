/** A sale the till had lost (a restored backup, a damaged log) and took back from the switch's record: when. */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 12,
  name: 'recovered',
  up(db) {
    db.exec(`ALTER TABLE sales ADD COLUMN recovered_at TEXT;`);
  },
};
export default m;
