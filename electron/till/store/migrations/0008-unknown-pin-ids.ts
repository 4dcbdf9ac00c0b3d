/**
 * Wrong-PIN lockouts of operator ids that do not exist, kept like the real operators' (migration
 * 0005) so a restart does not clear them; the store bounds the table (UNKNOWN_PIN_IDS_KEPT).
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 8,
  name: 'unknown-pin-ids',
  up(db) {
    db.exec(`
      CREATE TABLE unknown_pin_ids (
        id TEXT PRIMARY KEY,
        failed_pins INTEGER NOT NULL,
        lockouts INTEGER NOT NULL,
        locked_until TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX unknown_pin_ids_updated ON unknown_pin_ids (updated_at);
    `);
  },
};
export default m;
