/**
 * The virtual meters' state in SQLite (one file per state directory, one row per meter PAN): keys,
 * credit register, remembered TIDs, a held key change section and the keypad lockout, plus the
 * meter settings (how many TIDs a meter remembers). The meter logic itself is switch-core/sts/meter.ts.
 */
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate, openDatabase, type Migration } from '../../common/sqlite';
import { DEFAULT_METER_SETTINGS, type HeldSection, type MeterSettings, type MeterState } from '../sts';

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'virtual meters and settings',
    up(db) {
      db.exec(`
        CREATE TABLE meters (
          pan TEXT PRIMARY KEY,
          decoder_key TEXT NOT NULL,
          key_type INTEGER NOT NULL,
          key_revision INTEGER NOT NULL,
          key_expiry INTEGER NOT NULL,
          tariff_index INTEGER NOT NULL,
          base_date INTEGER NOT NULL,
          credit_tenths INTEGER NOT NULL,
          tids TEXT NOT NULL,
          held TEXT,
          bad_entries INTEGER NOT NULL,
          lockouts INTEGER NOT NULL,
          locked_until INTEGER NOT NULL
        );
        CREATE TABLE settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      `);
    },
  },
];

interface MeterRow {
  pan: string;
  decoder_key: string;
  key_type: number;
  key_revision: number;
  key_expiry: number;
  tariff_index: number;
  base_date: number;
  credit_tenths: number;
  tids: string;
  held: string | null;
  bad_entries: number;
  lockouts: number;
  locked_until: number;
}

export const STATE_FILE = 'virtual-meters.sqlite';

export class VirtualMeterStore {
  private readonly db: Database.Database;

  constructor(dir: string) {
    this.db = openDatabase(join(dir, STATE_FILE), { synchronous: 'FULL' });
    migrate(this.db, MIGRATIONS);
  }

  settings(): MeterSettings {
    const row = this.db.prepare<[], { value: number }>(`SELECT value FROM settings WHERE name = 'tid_memory'`).get();
    return { ...DEFAULT_METER_SETTINGS, ...(row ? { tidMemory: row.value } : {}) };
  }

  setTidMemory(n: number): void {
    this.db.prepare(`INSERT INTO settings (name, value) VALUES ('tid_memory', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value`).run(n);
  }

  get(pan: string): MeterState | undefined {
    const r = this.db.prepare<[string], MeterRow>('SELECT * FROM meters WHERE pan = ?').get(pan);
    if (!r) return undefined;
    return {
      pan: r.pan,
      decoderKey: r.decoder_key,
      keyType: r.key_type as MeterState['keyType'],
      keyRevision: r.key_revision,
      keyExpiry: r.key_expiry,
      tariffIndex: r.tariff_index,
      baseDate: r.base_date as MeterState['baseDate'],
      creditTenths: r.credit_tenths,
      tids: JSON.parse(r.tids) as number[],
      held: r.held === null ? null : (JSON.parse(r.held) as HeldSection),
      badEntries: r.bad_entries,
      lockouts: r.lockouts,
      lockedUntil: r.locked_until,
    };
  }

  put(s: MeterState): void {
    this.db
      .prepare(
        `INSERT INTO meters VALUES (@pan, @decoder_key, @key_type, @key_revision, @key_expiry, @tariff_index, @base_date, @credit_tenths, @tids, @held, @bad_entries, @lockouts, @locked_until)
         ON CONFLICT(pan) DO UPDATE SET decoder_key = excluded.decoder_key, key_type = excluded.key_type, key_revision = excluded.key_revision,
           key_expiry = excluded.key_expiry, tariff_index = excluded.tariff_index, base_date = excluded.base_date, credit_tenths = excluded.credit_tenths,
           tids = excluded.tids, held = excluded.held, bad_entries = excluded.bad_entries, lockouts = excluded.lockouts, locked_until = excluded.locked_until`,
      )
      .run({
        pan: s.pan,
        decoder_key: s.decoderKey,
        key_type: s.keyType,
        key_revision: s.keyRevision,
        key_expiry: s.keyExpiry,
        tariff_index: s.tariffIndex,
        base_date: s.baseDate,
        credit_tenths: s.creditTenths,
        tids: JSON.stringify(s.tids),
        held: s.held === null ? null : JSON.stringify(s.held),
        bad_entries: s.badEntries,
        lockouts: s.lockouts,
        locked_until: s.lockedUntil,
      });
  }

  close(): void {
    this.db.close();
  }
}
