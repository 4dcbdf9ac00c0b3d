/** A card sale's approval code from the card terminal (kept beside its masked card number). */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 10,
  name: 'card-approval',
  up(db) {
    db.exec(`ALTER TABLE sales ADD COLUMN card_approval TEXT;`);
  },
};
export default m;
