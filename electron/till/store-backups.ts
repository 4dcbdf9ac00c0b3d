/**
 * The till database's health and backups: `PRAGMA quick_check` before the till uses its file,
 * online backups with better-sqlite3's backup API (after every PIN or operator change, at shift close,
 * hourly while selling and daily; the last BACKUPS_KEPT kept; 0600 files in a 0700 folder), and restore from a chosen good backup — the damaged file is kept beside it, never deleted.
 */
import Database from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { walDamage } from './wal-check';

/** Two days of hourly backups while selling, or two weeks of a quiet till's daily ones. */
export const BACKUPS_KEPT = 48;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type BackupReason = 'shift-close' | 'daily' | 'hourly' | 'operators' | 'manual';
const NAME = /^till-(\d{8}T\d{6}\d{3}Z)-([a-z-]+)\.db$/;

export interface BackupInfo {
  name: string;
  at: string;
  reason: string;
  bytes: number;
}

/**
 * Damage found in a database file, in the manager's words; null when the file is sound (or absent on
 * a new till). Checked before anything opens it: a missing or empty file where backups exist (a till
 * that had sales, not a new one), a write-ahead log that fails its checksums (wal-check.ts), pages
 * that fail `quick_check`.
 */
export function checkDatabase(file: string, backupsDir?: string): string | null {
  const hadBackups = backupsDir !== undefined && existsSync(backupsDir) && readdirSync(backupsDir).some((n) => NAME.test(n));
  if (!existsSync(file)) return hadBackups ? 'the database file is missing, and this till has backups' : null;
  if (statSync(file).size === 0 && hadBackups) return 'the database file is empty (0 bytes), and this till has backups';
  const wal = walDamage(file);
  if (wal) return wal;
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check.replace(/\s*\n\s*/g, ' ')).filter((r) => r !== 'ok');
    return problems.length === 0 ? null : `quick_check found ${problems.length} problem(s): ${problems.slice(0, 3).join('; ')}`;
  } catch (err) {
    return `the file cannot be read as a database (${(err as { code?: string }).code ?? ''} ${(err as Error).message})`.replace(/\( /, '(');
  } finally {
    db?.close();
  }
}

export interface StoreBackups {
  /** Takes an online backup of the open database now; prunes to the last BACKUPS_KEPT. */
  backup(reason: BackupReason): Promise<BackupInfo>;
  /** An hourly backup when the newest is an hour old and a sale was made since (`soldSince`), a daily one when it is a day old. */
  backupIfDue(now: number, soldSince: (at: string) => boolean): Promise<BackupInfo | null>;
  /** Newest first. */
  list(): BackupInfo[];
  /** The newest backup that passes quick_check. */
  newestGood(): BackupInfo | null;
  /**
   * Puts backup `name` in place of the database file (which must not be open): the damaged file and
   * its WAL are kept as `<file>.damaged-<time>`. Answers where the damaged file went.
   */
  restore(name: string, now: number): { keptAs: string };
}

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:.]/g, '').replace(/(\d{6})(\d{3})Z$/, '$1$2Z');

/** `db()`: the open database to back up (null while the till runs on a damaged file). */
export function storeBackups(file: string, dir: string, db: () => Database.Database | null, clock: () => number = Date.now): StoreBackups {
  function list(): BackupInfo[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((name) => ({ name, m: NAME.exec(name) }))
      .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
      .map(({ name, m }) => ({ name, at: m[1]!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/, '$1-$2-$3T$4:$5:$6.$7Z'), reason: m[2]!, bytes: statSync(join(dir, name)).size }))
      .sort((a, b) => b.name.localeCompare(a.name));
  }
  async function backup(reason: BackupReason): Promise<BackupInfo> {
    const open = db();
    if (!open) throw new Error('the database is damaged: there is nothing sound to back up');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const name = `till-${stamp(clock())}-${reason}.db`;
    // Made 0600 before SQLite writes into it: a backup holds PIN hashes and every token sold.
    writeFileSync(join(dir, name), '', { mode: 0o600 });
    await open.backup(join(dir, name));
    for (const old of list().slice(BACKUPS_KEPT)) rmSync(join(dir, old.name), { force: true });
    return list().find((b) => b.name === name)!;
  }
  return {
    backup,
    async backupIfDue(now, soldSince) {
      const newest = list()[0];
      if (!newest || now - Date.parse(newest.at) >= DAY_MS) return backup('daily');
      if (now - Date.parse(newest.at) >= HOUR_MS && soldSince(newest.at)) return backup('hourly');
      return null;
    },
    list,
    newestGood: () => list().find((b) => checkDatabase(join(dir, b.name)) === null) ?? null,
    restore(name, now) {
      const chosen = list().find((b) => b.name === basename(name));
      if (!chosen) throw new Error(`no backup named ${name}`);
      const damage = checkDatabase(join(dir, chosen.name));
      if (damage) throw new Error(`backup ${chosen.name} is damaged too: ${damage}`);
      const keptAs = `${file}.damaged-${stamp(now)}`;
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, keptAs + suffix);
      copyFileSync(join(dir, chosen.name), file);
      return { keptAs };
    },
  };
}
