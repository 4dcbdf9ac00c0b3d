/**
 * Drawer sessions (the `shifts` table): each has its own float typed at opening, the counted figures
 * saved at a blind close, who closed it, and the Z-read (day close) that took it in; cash drops to
 * the safe per session; and the Z-reads themselves, numbered.
 */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 13,
  name: 'drawer-sessions',
  up(db) {
    db.exec(`
      ALTER TABLE shifts ADD COLUMN float_cents INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE shifts ADD COLUMN counted_json TEXT;
      ALTER TABLE shifts ADD COLUMN closed_by TEXT;
      ALTER TABLE shifts ADD COLUMN day_close_id TEXT;
      CREATE INDEX shifts_open ON shifts(closed_at, operator_id);
      CREATE INDEX shifts_day_close ON shifts(day_close_id);
      CREATE INDEX IF NOT EXISTS sales_shift ON sales(shift_id);
      CREATE TABLE cash_drops (
        id TEXT PRIMARY KEY,
        shift_id TEXT NOT NULL REFERENCES shifts(id),
        at TEXT NOT NULL,
        amount_cents INTEGER NOT NULL,
        operator_id TEXT NOT NULL
      );
      CREATE INDEX cash_drops_shift ON cash_drops(shift_id);
      CREATE TABLE day_closes (
        id TEXT PRIMARY KEY,
        z_number INTEGER NOT NULL UNIQUE,
        from_at TEXT NOT NULL,
        closed_at TEXT NOT NULL,
        closed_by TEXT NOT NULL
      );
    `);
  },
};
export default m;
