/**
 * Reads a SQLite write-ahead log (the `-wal` file a till leaves after a crash or kill) the way SQLite's
 * recovery does — header, salts, the running checksum over every frame — but says what recovery keeps
 * quiet: a frame that fails its checksum while committed frames of the same log follow it. SQLite
 * would stop at the bad frame and drop every sale after it without a word. A bad frame with no commit
 * after it is the torn tail of a transaction that never committed, which is normal after a crash.
 * Format: https://www.sqlite.org/fileformat.html#the_write_ahead_log
 */
import { existsSync, readFileSync } from 'node:fs';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

/** SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from s1/s2. */
function checksum(data: Buffer, s1: number, s2: number, bigEndian: boolean): [number, number] {
  for (let i = 0; i < data.length; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s1 = (s1 + x0 + s2) >>> 0;
    s2 = (s2 + x1 + s1) >>> 0;
  }
  return [s1, s2];
}

/** Damage in the WAL beside `dbFile`, in the manager's words; null when there is none (or no WAL). */
export function walDamage(dbFile: string): string | null {
  const file = `${dbFile}-wal`;
  if (!existsSync(file)) return null;
  const wal = readFileSync(file);
  if (wal.length < WAL_HEADER) return null; // an empty log: nothing was ever written to it
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return 'its write-ahead log (till.db-wal) has a damaged header';
  const bigEndian = magic === 0x377f0683;
  const pageSize = wal.readUInt32BE(8);
  const salt = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let [s1, s2] = checksum(wal.subarray(0, 24), 0, 0, bigEndian);
  if (s1 !== wal.readUInt32BE(24) || s2 !== wal.readUInt32BE(28)) return 'its write-ahead log (till.db-wal) has a damaged header';
  const frameSize = FRAME_HEADER + pageSize;
  let badFrame = -1;
  for (let n = 0, at = WAL_HEADER; at + frameSize <= wal.length; n++, at += frameSize) {
    const ownLog = wal.readUInt32BE(at + 8) === salt[0] && wal.readUInt32BE(at + 12) === salt[1];
    if (!ownLog) continue; // a frame left from before the log was last reset: recovery ignores it, rightly
    const commit = wal.readUInt32BE(at + 4) !== 0;
    if (badFrame >= 0) {
      if (commit) return `its write-ahead log (till.db-wal) fails its checksum at frame ${badFrame + 1}, before committed writes that SQLite would drop`;
      continue;
    }
    [s1, s2] = checksum(Buffer.concat([wal.subarray(at, at + 8), wal.subarray(at + FRAME_HEADER, at + frameSize)]), s1, s2, bigEndian);
    if (s1 !== wal.readUInt32BE(at + 16) || s2 !== wal.readUInt32BE(at + 20)) badFrame = n;
  }
  return null;
}
