/**
 * Files and start-up, as `ppu-till` leaves them in real processes: a fresh till's first commands end
 * with their background work finished (no "database connection is not open" from a backup cut off
 * at exit); backups and the virtual printer's slips are 0600 in 0700 folders, and a PIN change is
 * backed up at once; a disk too small to start says so in one line (a 3 MB tmpfs, mounted when the
 * test runs as root — elsewhere that case skips, saying why).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEMO_METERS } from '../../switch-core/providers/demo';
import { startTillRuntime } from '../till/runtime';

const dataDir = mkdtempSync(join(tmpdir(), 'till-files-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(dir: string, env: Record<string, string>, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['scripts/bin/ppu-till.js', '--data-dir', dir, '--operator', 'manager', ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

it("a fresh till's first commands finish their background work; backups and slips are the owner's alone", () => {
  const changed = run(dataDir, { PPU_TILL_PIN: '9999', PPU_TILL_NEW_PIN: '4826' }, 'change-pin');
  expect(changed.code, changed.out + changed.err).toBe(0);
  const sold = run(dataDir, { PPU_TILL_PIN: '4826' }, 'sell', DEMO_METERS.plain, '20', '--float', '500');
  expect(sold.code, sold.out + sold.err).toBe(0);
  for (const r of [changed, sold]) expect(r.out + r.err).not.toMatch(/background error|connection is not open/);

  const backups = join(dataDir, 'backups');
  expect(mode(dataDir)).toBe('700');
  expect(mode(backups)).toBe('700');
  const names = readdirSync(backups);
  expect(names.some((n) => n.endsWith('-operators.db')), names.join(' ')).toBe(true);
  for (const n of names) expect(mode(join(backups, n)), n).toBe('600');
  const slips = join(dataDir, 'virtual-printer');
  expect(mode(slips)).toBe('700');
  const files = readdirSync(slips);
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) expect(mode(join(slips, f)), f).toBe('600');
}, 200_000);

it("closing a fresh till while its first backup runs waits for the backup (five fresh tills, closed the moment it starts)", async () => {
  const logs: string[] = [];
  for (let i = 0; i < 5; i++) {
    const dir = join(dataDir, `fresh-${i}`);
    const rt = await startTillRuntime({ dataDir: dir, mode: 'cli', embedSwitch: false, virtualPrinter: false, workerIntervalMs: 1, log: (l) => logs.push(l) });
    while (!existsSync(join(dir, 'backups'))) await new Promise((r) => setImmediate(r));
    await rt.close();
  }
  expect(logs.filter((l) => /background error/.test(l))).toEqual([]);
});

it('a disk too small to start says so in one line', (ctx) => {
  if (process.getuid?.() !== 0) {
    console.log('skipped: mounting a 3 MB tmpfs needs root');
    return ctx.skip();
  }
  const mnt = mkdtempSync(join(tmpdir(), 'till-tiny-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt]);
  try {
    mkdirSync(join(mnt, 'till'));
    const r = run(join(mnt, 'till'), { PPU_TILL_PIN: '9999' }, 'backups');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n'), r.err).toHaveLength(1);
    expect(r.err).toMatch(/^ppu-till: The till's disk is too full to start \(.* free, at least 4\.0 MB needed in .*\)\. Free space on the disk, then start the till again\.$/m);
  } finally {
    execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  }
}, 120_000);
