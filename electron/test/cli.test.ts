/**
 * `ppu-till` as a script sees it: real processes over a real data directory with the embedded demo
 * switch. Exit codes as documented: 0 sold, 2 refused or failed (a blocked meter's refused lookup, an
 * amount outside the meter's limits, providers down, no drawer session open), 3 pending (providers not
 * answering, made so with --simulate), 1 an argument the command line cannot read; the
 * drawer session the first sale opened with --float, its X-read and its blind close, which the
 * manager's end of day takes as counted. A sale's time is printed in the system's zone (TZ); a
 * token's units in the slip's unit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_METERS } from '../../switch-core/providers/demo';

const dataDir = mkdtempSync(join(tmpdir(), 'till-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** "2026-12-07 18:52": an instant on a Johannesburg wall clock (Intl, on the test's side). */
function johannesburg(ms: number): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: 'Africa/Johannesburg', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

function till(...args: string[]): { code: number | null; out: string } {
  return run({ PPU_TILL_PIN: '2580' }, ...args);
}
function run(env: Record<string, string>, ...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['scripts/bin/ppu-till.js', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('ppu-till exit codes', () => {
  it('0 when sold, 2 when a blocked meter is refused, 2 when the providers are down, 3 when they do not answer', () => {
    const changed = run({ PPU_TILL_PIN: '1111', PPU_TILL_NEW_PIN: '2580' }, 'change-pin'); // the default PIN must go first
    expect(changed.code, changed.out).toBe(0);
    const closed = till('sell', DEMO_METERS.plain, '20'); // sign-in opens no drawer session
    expect(closed.code, closed.out).toBe(2);
    expect(closed.out).toMatch(/--float/);
    // In a South African shop: the sale's time is printed in the shop's zone, not UTC.
    const before = Date.now();
    const sold = run({ PPU_TILL_PIN: '2580', TZ: 'Africa/Johannesburg' }, 'sell', DEMO_METERS.plain, '20', '--float', '500');
    const after = Date.now();
    expect(sold.code, sold.out).toBe(0);
    expect(sold.out).toMatch(/SUCCEEDED/);
    const printed = /SUCCEEDED {2}(\d{4}-\d\d-\d\d \d\d:\d\d) {2}meter/.exec(sold.out)?.[1];
    expect([johannesburg(before), johannesburg(after)], sold.out).toContain(printed);
    // A token's units carry the unit its slip prints: kWh for electricity, kL for water.
    expect(sold.out).toMatch(/STD +[\d ]+ {2}\d+(\.\d+)? kWh$/m);
    const water = till('sell', DEMO_METERS.water, '100');
    expect(water.code, water.out).toBe(0);
    expect(water.out).toMatch(/STD +[\d ]+ {2}\d+(\.\d+)? kL$/m);

    const blocked = till('sell', DEMO_METERS.blocked, '20');
    expect(blocked.code, blocked.out).toBe(2);
    expect(blocked.out).toMatch(/blocked/i);

    const unreadable = till('sell', DEMO_METERS.plain, 'twenty');
    expect(unreadable.code, unreadable.out).toBe(1);
    expect(unreadable.out).toMatch(/Amount must be rands/);

    // An amount the meter does not take is a refused sale, as a refused meter is: nothing charged, exit 2.
    const small = till('sell', DEMO_METERS.plain, '5');
    expect(small.code, small.out).toBe(2);
    expect(small.out).toMatch(/The smallest amount for this meter is R ?10\.00/);
    const large = till('sell', DEMO_METERS.plain, '3000.01');
    expect(large.code, large.out).toBe(2);
    expect(large.out).toMatch(/The largest amount for this meter is R ?3 ?000\.00/);

    const down = till('sell', DEMO_METERS.plain, '20', '--simulate', 'down');
    expect(down.code, down.out).toBe(2);

    const pending = till('sell', DEMO_METERS.plain, '20', '--simulate', 'no-answer', '--wait', '1500');
    expect(pending.code, pending.out).toBe(3);
    expect(pending.out).toMatch(/PENDING/);

    const wrong = till('sell', DEMO_METERS.plain, '20', '--simulate', 'sideways');
    expect(wrong.code, wrong.out).toBe(1);

    // The session the first sale opened: its X-read has no expected figure; the blind close shows it.
    const x = till('x-read');
    expect(x.code, x.out).toBe(0);
    expect(x.out).toMatch(/X-READ[\s\S]*Opening float\s+R500\.00/);
    expect(x.out).not.toMatch(/Expected/);
    const close = till('close-session', '--cash', '620');
    expect(close.code, close.out).toBe(0);
    expect(close.out).toMatch(/Expected\s+R640\.00/); // float 500 + sold 20 + water 100 + pending 20 held
    expect(close.out).toMatch(/SHORT\s+-R20\.00/);

    // The manager's end of day takes that blind count as the session's own: nothing to retype, nothing "not counted".
    const manager = run({ PPU_TILL_PIN: '9999', PPU_TILL_NEW_PIN: '7913' }, '--operator', 'manager', 'change-pin');
    expect(manager.code, manager.out).toBe(0);
    const eod = run({ PPU_TILL_PIN: '7913' }, '--operator', 'manager', 'eod');
    expect(eod.code, eod.out).toBe(0);
    expect(eod.out).toMatch(/Cash\n\s+Expected\s+R640\.00\n(\s+incl\. held for pending\s+R20\.00\n)?\s+Counted\s+R620\.00\n\s+SHORT\s+-R20\.00/);
    expect(eod.out).not.toMatch(/not counted/);
  }, 300_000);
});
