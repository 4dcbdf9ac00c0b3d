/**
 * The disk-space rule: a purchase leaves only when the till can record its answer — the data
 * directory has at least the margin free, and the sale's own row was written. Storage errors
 * (full disk, I/O) are recognised here so callers can keep an answer in memory instead of losing it.
 */
import { statfsSync } from 'node:fs';

/** Free space a purchase needs before it is sent: its answer, advice, traces and slip job, many times over. */
export const DISK_MARGIN_BYTES = 4 * 1024 * 1024;

/** Free bytes on the file system holding `dir` (what an unprivileged process may use). */
export function freeBytesOf(dir: string): () => number {
  return () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
}

/** A write failed because the disk (or the database's size limit) is full, or the disk failed. */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code === 'ENOSPC' || code.startsWith('SQLITE_IOERR'));
}

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The status bar's storage line, from free space, answers kept in memory and the database's check. */
export function storageStatus(free: number | undefined, unsavedCount: number, damage: string | null): { state: 'ok' | 'full' | 'damaged'; message: string; unsavedCount: number } {
  if (damage) return { state: 'damaged', message: damage, unsavedCount };
  if (unsavedCount > 0) {
    return { state: 'full', message: `The till's disk is full: ${unsavedCount} sale answer(s) are on screen but not yet saved. Free space on the till; they are saved by themselves.`, unsavedCount };
  }
  if (free !== undefined && free < DISK_MARGIN_BYTES) return { state: 'full', message: `The till's disk is nearly full (${megabytes(free)} free): no sale can be sent until space is freed.`, unsavedCount };
  return { state: 'ok', message: 'Storage OK', unsavedCount };
}
