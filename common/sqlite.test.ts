/** The shared migration runner on a real SQLite file: applied once, partial upTo, a failing step rolled back alone. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Migration } from './sqlite';

const dir = mkdtempSync(join(tmpdir(), 'common-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const M: Migration[] = [
  { version: 1, up: (db) => db.exec('CREATE TABLE sales (id TEXT PRIMARY KEY)') },
  { version: 2, up: (db) => db.exec('ALTER TABLE sales ADD COLUMN cents INTEGER NOT NULL DEFAULT 0') },
  { version: 3, up: (db) => db.exec('CREATE INDEX sales_cents ON sales (cents)') },
];
const columns = (db: ReturnType<typeof openDatabase>) => (db.prepare('PRAGMA table_info(sales)').all() as { name: string }[]).map((c) => c.name);

describe('openDatabase + migrate', () => {
  it('opens in WAL with the asked durability, in a folder it creates', () => {
    const db = openDatabase(join(dir, 'new/folder/a.sqlite'), { synchronous: 'FULL' });
    expect([db.pragma('journal_mode', { simple: true }), db.pragma('synchronous', { simple: true })]).toEqual(['wal', 2]);
    db.close();
  });

  it('keeps stores readable by their owner only: folder 0700, database and WAL 0600, an old 0644 file tightened', () => {
    const file = join(dir, 'private/till.db');
    const db = openDatabase(file, { synchronous: 'FULL' });
    db.exec('CREATE TABLE t (x)');
    db.prepare('INSERT INTO t VALUES (1)').run();
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect([mode(join(dir, 'private')), mode(file), mode(file + '-wal')]).toEqual([0o700, 0o600, 0o600]);
    db.close();
    const old = join(dir, 'old.db');
    writeFileSync(old, '');
    chmodSync(old, 0o644);
    openDatabase(old, { synchronous: 'NORMAL' }).close();
    expect(mode(old)).toBe(0o600);
  });

  it('applies up to a version, then the rest, and never twice', () => {
    const file = join(dir, 'b.sqlite');
    let db = openDatabase(file, { synchronous: 'NORMAL' });
    expect(migrate(db, M, 1)).toBe(1);
    expect(columns(db)).toEqual(['id']);
    db.prepare('INSERT INTO sales (id) VALUES (?)').run('kept');
    db.close();
    db = openDatabase(file, { synchronous: 'NORMAL' });
    expect(migrate(db, M)).toBe(3);
    expect(migrate(db, M)).toBe(3);
    expect(columns(db)).toEqual(['id', 'cents']);
    expect(db.prepare('SELECT id, cents FROM sales').all()).toEqual([{ id: 'kept', cents: 0 }]);
    db.close();
  });

  it('a failing step is rolled back alone and leaves the previous version', () => {
    const db = openDatabase(join(dir, 'c.sqlite'), { synchronous: 'NORMAL' });
    const broken: Migration[] = [M[0]!, { version: 2, up: (d) => { d.exec('ALTER TABLE sales ADD COLUMN half INTEGER'); throw new Error('disk full'); } }];
    expect(() => migrate(db, broken)).toThrow('disk full');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(columns(db)).toEqual(['id']);
    db.close();
  });

  it('refuses a list with a gap or out of order', () => {
    const db = openDatabase(':memory:', { synchronous: 'NORMAL' });
    expect(() => migrate(db, [M[0]!, M[2]!])).toThrow(/out of order/);
    db.close();
  });
});
