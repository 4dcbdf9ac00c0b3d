/** Reprint log (who and when), till ↔ switch message traces per sale, and the settings document. */
import type { Migration } from '../../../../common/sqlite';

const m: Migration = {
  version: 2,
  name: 'reprints-traces-settings',
  up(db) {
    db.exec(`
      CREATE TABLE reprints (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sale_id TEXT NOT NULL REFERENCES sales(id),
        operator_id TEXT NOT NULL,
        at TEXT NOT NULL,
        source TEXT NOT NULL,
        printed INTEGER NOT NULL
      );
      CREATE INDEX reprints_sale ON reprints(sale_id);
      CREATE TABLE traces (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        sale_id TEXT,
        at TEXT NOT NULL,
        operation TEXT NOT NULL,
        url TEXT NOT NULL,
        status INTEGER,
        outcome TEXT NOT NULL,
        ms REAL NOT NULL,
        request_json TEXT,
        response_json TEXT
      );
      CREATE INDEX traces_sale ON traces(sale_id);
      CREATE TABLE settings (key TEXT PRIMARY KEY, value_json TEXT NOT NULL);
      ALTER TABLE sales ADD COLUMN token_text TEXT;
    `);
  },
};
export default m;
