/** PIN rules per operator: a PIN that must be changed at the next sign-in, and the wrong-PIN lockout that survives a restart. */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 5,
  name: 'operator-pin-rules',
  up(db) {
    db.exec(`
      ALTER TABLE operators ADD COLUMN must_change_pin INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE operators ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE operators ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE operators ADD COLUMN locked_until TEXT;
    `);
  },
};
export default m;
