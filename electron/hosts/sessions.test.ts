/**
 * Sign-in sessions and PIN rules over the browser host's real HTTP: each browser has its own sign-in
 * (an HttpOnly SameSite=Strict cookie), the launch token alone gets nothing, sessions end at sign-out
 * and when idle, five wrong PINs lock (the sixth is refused unchecked, even when right), unknown ids
 * read exactly like wrong PINs, and a fresh till's default PINs must be changed before any sale.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlipPrinter } from '../till/printing';
import { createTillBackend, type ProvisionedOperator, type TillBackend } from '../till/service';
import { UNKNOWN_PIN_IDS_KEPT, openTillStore } from '../till/store/repository';
import { memorySecrets, memorySink } from '../till/test/harness';
import { SESSION_COOKIE, startBrowserHost, type BrowserHost } from './browser-host';
import { browserClient, type BrowserClient } from './test/browser-client';

const PROVISIONED: ProvisionedOperator[] = [
  { id: 'thandi', name: 'Thandi', role: 'cashier', pin: '2580' },
  { id: 'sipho', name: 'Sipho', role: 'manager', pin: '7913' },
];

interface Till {
  host: BrowserHost;
  backend: TillBackend;
  clock: { now: number };
  dir: string;
}
const open: Till[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) {
    await t.host.close();
    await t.backend.close();
  }
});

async function startTill(operators?: ProvisionedOperator[], reuse?: Till): Promise<Till> {
  const dir = reuse?.dir ?? mkdtempSync(join(tmpdir(), 'till-sessions-'));
  const clock = reuse?.clock ?? { now: Date.parse('2026-11-30T08:00:00Z') };
  const backend = createTillBackend({
    store: openTillStore(join(dir, 'till.db')),
    printer: createSlipPrinter(() => memorySink(), () => 80, join(dir, 'print-jobs.db')),
    secrets: memorySecrets(),
    mode: 'browser',
    workerIntervalMs: 0,
    clock: () => clock.now,
    operators,
  });
  const host = await startBrowserHost({ invokeAs: backend.invokeAs, rendererDir: '/nonexistent' });
  const till = { host, backend, clock, dir };
  open.push(till);
  return till;
}

/** One browser: the launch token plus its own cookie jar, as Chromium keeps it for the page. */
const browser = (till: Till): BrowserClient => browserClient(till.host.url, till.host.token);

describe('a session per sign-in', () => {
  it('a second client with the launch token but no sign-in gets nothing; each browser acts as its own operator', async () => {
    const till = await startTill(PROVISIONED);
    const counter = browser(till);
    const office = browser(till);
    const stranger = browser(till);
    expect(await counter.signIn({ operatorId: 'thandi', pin: '2580' })).toMatchObject({ ok: true, value: { operator: { id: 'thandi' } } });
    expect(await office.signIn({ operatorId: 'sipho', pin: '7913' })).toMatchObject({ ok: true, value: { operator: { id: 'sipho' } } });

    expect(await stranger.listOperators({})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(await stranger.saveOperator({ id: 'mallory', name: 'Mallory', role: 'manager', pin: '4826' })).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(await stranger.status({})).toMatchObject({ ok: true, value: { operator: null } });
    expect(await counter.status({})).toMatchObject({ ok: true, value: { operator: { id: 'thandi' } } });
    expect(await counter.listOperators({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await office.listOperators({})).toMatchObject({ ok: true });

    const line = counter.setCookieHeaders.find((l) => l.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Strict/i);
  });

  it('sign-out ends that session only, and its old cookie is worth nothing afterwards', async () => {
    const till = await startTill(PROVISIONED);
    const a = browser(till);
    const b = browser(till);
    await a.signIn({ operatorId: 'sipho', pin: '7913' });
    await b.signIn({ operatorId: 'thandi', pin: '2580' });
    const oldCookie = a.cookie();
    expect(await a.signOut({})).toMatchObject({ ok: true, value: { operator: null } });
    expect(a.cookie()).toBeNull();
    const replay = await fetch(`${till.host.url}/api/listOperators`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-till-token': till.host.token, cookie: oldCookie ?? '' }, body: '{}' });
    expect(await replay.json()).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
    expect(await b.status({})).toMatchObject({ ok: true, value: { operator: { id: 'thandi' } } });
  });

  it('ends a session left idle longer than the setting (background polls do not count as use)', async () => {
    const till = await startTill(PROVISIONED);
    const a = browser(till);
    await a.signIn({ operatorId: 'sipho', pin: '7913' });
    expect(await a.setSettings({ security: { sessionIdleMinutes: 5 } })).toMatchObject({ ok: true });
    till.clock.now += 4 * 60_000;
    expect(await a.listOperators({})).toMatchObject({ ok: true });
    for (let i = 0; i < 4; i++) {
      till.clock.now += 60_000;
      await a.status({});
    }
    till.clock.now += 61_000;
    expect(await a.listOperators({})).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN', message: expect.stringContaining('after 5 minutes without use') } });
  });
});

describe('wrong PINs', () => {
  it('locks after five wrong PINs; the sixth is refused without being checked, even when right; a manager unlocks', async () => {
    const till = await startTill(PROVISIONED);
    const counter = browser(till);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await counter.signIn({ operatorId: 'thandi', pin: '0000' });
      codes.push(r.ok ? 'ok' : r.error.code);
    }
    expect(codes).toEqual(['WRONG_PIN', 'WRONG_PIN', 'WRONG_PIN', 'WRONG_PIN', 'PIN_LOCKED']);
    const sixth = await counter.signIn({ operatorId: 'thandi', pin: '2580' });
    expect(sixth).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED', message: expect.stringContaining('30 seconds') } });

    const office = browser(till);
    await office.signIn({ operatorId: 'sipho', pin: '7913' });
    const list = await office.listOperators({});
    expect(list.ok && list.value.find((o) => o.id === 'thandi')?.lockedUntil).toBeTruthy();
    expect(await office.unlockOperator({ operatorId: 'thandi' })).toMatchObject({ ok: true, value: { lockedUntil: null } });
    expect(await counter.signIn({ operatorId: 'thandi', pin: '2580' })).toMatchObject({ ok: true });
  });

  it('waits twice as long after the next five, and a restart does not clear it', async () => {
    const till = await startTill(PROVISIONED);
    const c = browser(till);
    for (let i = 0; i < 5; i++) await c.signIn({ operatorId: 'thandi', pin: '0000' });
    till.clock.now += 31_000;
    for (let i = 0; i < 5; i++) await c.signIn({ operatorId: 'thandi', pin: '0000' });
    till.clock.now += 31_000;
    expect(await c.signIn({ operatorId: 'thandi', pin: '2580' })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    await till.host.close();
    await till.backend.close();
    open.splice(open.indexOf(till), 1);
    const restarted = await startTill(PROVISIONED, till);
    const again = browser(restarted);
    expect(await again.signIn({ operatorId: 'thandi', pin: '2580' })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    restarted.clock.now += 30_000;
    expect(await again.signIn({ operatorId: 'thandi', pin: '2580' })).toMatchObject({ ok: true });
  });

  it('an unknown operator id reads exactly like a wrong PIN and locks the same way', async () => {
    const till = await startTill(PROVISIONED);
    const c = browser(till);
    const known = await c.signIn({ operatorId: 'thandi', pin: '0000' });
    const unknown = await c.signIn({ operatorId: 'nobody', pin: '0000' });
    expect(unknown).toEqual(known);
    for (let i = 0; i < 4; i++) await c.signIn({ operatorId: 'nobody', pin: '0000' });
    expect(await c.signIn({ operatorId: 'nobody', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    // The unknown id's lockout is on disk like a real one's: a restart keeps it, to the second.
    await till.host.close();
    await till.backend.close();
    open.splice(open.indexOf(till), 1);
    const restarted = await startTill(PROVISIONED, till);
    const again = browser(restarted);
    const locked = await again.signIn({ operatorId: 'nobody', pin: '0000' });
    expect(locked).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    expect(locked.ok ? '' : locked.error.message).toMatch(/30 seconds/);
  });

  it('a flood of other guessed ids does not clear a running lockout; the kept ids stay bounded', async () => {
    const till = await startTill(PROVISIONED);
    const c = browser(till);
    for (let i = 0; i < 5; i++) await c.signIn({ operatorId: 'nobody', pin: '0000' });
    // As after UNKNOWN_PIN_IDS_KEPT other guesses (written at once: 10,000 scrypt checks would take minutes).
    const { db } = till.backend.store;
    // Each newer than the lock, so "oldest first" alone would drop the locked id.
    const at = new Date(till.clock.now + 500).toISOString();
    db.transaction(() => {
      const ins = db.prepare(`INSERT INTO unknown_pin_ids (id, failed_pins, lockouts, locked_until, updated_at) VALUES (?, 1, 0, NULL, ?)`);
      for (let i = 0; i < UNKNOWN_PIN_IDS_KEPT; i++) ins.run(`guess-${i}`, at);
    })();
    till.clock.now += 1000;
    for (let i = 0; i < 3; i++) await c.signIn({ operatorId: `late-guess-${i}`, pin: '0000' });
    expect(await c.signIn({ operatorId: 'nobody', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'PIN_LOCKED' } });
    expect((db.prepare(`SELECT COUNT(*) AS n FROM unknown_pin_ids`).get() as { n: number }).n).toBe(UNKNOWN_PIN_IDS_KEPT);
  });
});

describe('default PINs', () => {
  it('a fresh till with the shipped operators must have its PINs changed before any sale or setting', async () => {
    const till = await startTill();
    const c = browser(till);
    expect(await c.signIn({ operatorId: 'manager', pin: '9999' })).toMatchObject({ ok: true, value: { mustChangePin: true } });
    expect(await c.lookupMeter({ meterId: '00100000017' })).toMatchObject({ ok: false, error: { code: 'PIN_CHANGE_REQUIRED' } });
    expect(await c.getSettings({})).toMatchObject({ ok: false, error: { code: 'PIN_CHANGE_REQUIRED' } });
    expect(await c.changePin({ currentPin: '9999', newPin: '1234' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'newPin' } });
    expect(await c.changePin({ currentPin: '9999', newPin: '1111' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'newPin' } });
    expect(await c.changePin({ currentPin: '0000', newPin: '4826' })).toMatchObject({ ok: false, error: { code: 'WRONG_PIN', field: 'currentPin' } });
    expect(await c.changePin({ currentPin: '9999', newPin: '4826' })).toMatchObject({ ok: true, value: { mustChangePin: false } });
    expect(await c.getSettings({})).toMatchObject({ ok: true });
    await c.signOut({});
    expect(await c.signIn({ operatorId: 'manager', pin: '9999' })).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    expect(await c.signIn({ operatorId: 'manager', pin: '4826' })).toMatchObject({ ok: true, value: { mustChangePin: false } });
  });

  it("a PIN a manager sets for someone else must be changed at that operator's next sign-in; PIN length is a setting", async () => {
    const till = await startTill(PROVISIONED);
    const office = browser(till);
    await office.signIn({ operatorId: 'sipho', pin: '7913' });
    expect(await office.setSettings({ security: { pinMinLength: 6 } })).toMatchObject({ ok: true });
    expect(await office.saveOperator({ id: 'lerato', name: 'Lerato', role: 'cashier', pin: '35791' })).toMatchObject({ ok: false, error: { field: 'pin' } });
    expect(await office.saveOperator({ id: 'lerato', name: 'Lerato', role: 'cashier', pin: '357913' })).toMatchObject({ ok: true });
    const counter = browser(till);
    expect(await counter.signIn({ operatorId: 'lerato', pin: '357913' })).toMatchObject({ ok: true, value: { mustChangePin: true } });
    expect(await counter.changePin({ currentPin: '357913', newPin: '2468' })).toMatchObject({ ok: false, error: { field: 'newPin', message: expect.stringContaining('at least 6') } });
    expect(await counter.changePin({ currentPin: '357913', newPin: '246801' })).toMatchObject({ ok: true, value: { mustChangePin: false } });
  });
});
