/** The till store: an old (version 1) database file is migrated with its sales kept; WAL is on. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { migrate, LATEST_VERSION } from '../store/migrations';
import { openTillStore } from '../store/repository';

it('opens a version-1 database and migrates it without losing a pending sale', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'till-mig-')), 'till.db');
  const old = new Database(path);
  expect(migrate(old, 1)).toBe(1);
  old.prepare(`INSERT INTO sales (id, state, meter_id, amount_cents, currency, tender_type, operator_id, request_json, attempts, created_at, updated_at)
    VALUES ('a1', 'pending', 'TST001', 10000, '710', 'CASH', 'cashier', '{}', 3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`).run();
  old.close();
  const store = openTillStore(path);
  expect(Number(store.db.pragma('user_version', { simple: true }))).toBe(LATEST_VERSION);
  expect(String(store.db.pragma('journal_mode', { simple: true }))).toBe('wal');
  const sale = store.getSale('a1');
  expect(sale).toMatchObject({ state: 'pending', attempts: 3, tokenText: null, cancelledBy: null });
  expect(store.openSales().map((s) => s.id)).toEqual(['a1']);
  store.close();
});
