/**
 * The sales a drawer session held when it was counted (pending, or still waiting for their answer):
 * kept with the count so the session's expected cash and variance stay as they were at the close,
 * whatever those sales do later.
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 14,
  name: 'held-at-close',
  up(db) {
    db.exec(`ALTER TABLE shifts ADD COLUMN held_json TEXT;`);
  },
};
export default m;
