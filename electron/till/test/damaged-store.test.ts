/**
 * A damaged till database: checked at start, refused with a manager-level message (no sales, no
 * "Nothing pending", no totals read from it), kept as it is, and restored from the newest good
 * backup — a real SQLite file, really damaged, backed up with better-sqlite3's online backup. Damage
 * includes an empty file where backups exist and a write-ahead log that fails its checksums (left by
 * a till killed mid-day, 64 bytes spoilt); a backup from before a PIN change is restored with the
 * PIN valid in it, by `ppu-till restore` in a process of its own, with no PIN change asked first.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { apiFromInvoke, type TillApi } from '../../api/contract';
import { startTillRuntime, type TillRuntime } from '../runtime';
import { waitSale } from './harness';

let rt: TillRuntime | null = null;
afterEach(async () => {
  await rt?.close();
  rt = null;
});

async function start(dataDir: string, embedSwitch = false, virtualPrinter = false): Promise<TillApi> {
  rt = await startTillRuntime({ dataDir, mode: 'cli', embedSwitch, virtualPrinter, workerIntervalMs: 0 });
  return apiFromInvoke(rt.backend.invoke);
}
async function stop(): Promise<void> {
  await rt?.close();
  rt = null;
}

it('a damaged database is refused with its message, kept, and restored from the newest good backup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-damaged-'));
  let api = await start(dir);
  await api.signIn({ operatorId: 'manager', pin: '9999' });
  expect((await api.changePin({ currentPin: '9999', newPin: '4826' })).ok).toBe(true); // a fresh till's default PIN is changed first
  expect((await api.openShift({ floatCents: 0 })).ok).toBe(true);
  const sale = await api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } }); // no switch: it stays open
  expect(sale.ok).toBe(true);
  expect((await api.closeShift({ counted: { CASH: 0 } })).ok).toBe(true); // a session's close takes a backup
  let backups = await api.listBackups({});
  for (let i = 0; i < 100 && backups.ok && backups.value.backups.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    backups = await api.listBackups({});
  }
  expect(backups.ok && backups.value.backups.map((b) => b.reason)).toEqual(['shift-close', 'operators']);
  await stop();

  // Damage pages in the middle of the file (its header stays readable).
  const file = join(dir, 'till.db');
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(3 * 4096, 0x5a), 0, 3 * 4096, 2 * 4096);
  closeSync(fd);

  api = await start(dir);
  const st = await api.status({});
  expect(st.ok && st.value.storage).toMatchObject({ state: 'damaged', message: expect.stringMatching(/database is damaged.*restore the newest good backup, till-.*-shift-close\.db.*damaged file is kept/) });
  expect(st.ok && [st.value.pendingCount, st.value.adviceCount]).toEqual([null, null]); // unknown, never "nothing pending"
  expect((await api.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(false); // operators come from the backup, not defaults
  expect((await api.signIn({ operatorId: 'manager', pin: '4826' })).ok).toBe(true);
  for (const refused of [
    await api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } }),
    await api.listQueue({}),
    await api.eodReport({}),
    await api.listTransactions({}),
  ]) {
    expect(refused).toMatchObject({ ok: false, error: { code: 'STORE_DAMAGED', message: expect.stringMatching(/sells nothing until a manager restores it/) } });
  }
  const list = await api.listBackups({});
  expect(list.ok && list.value.damaged).toMatch(/quick_check|cannot be read/);
  const name = list.ok ? list.value.newestGood! : '';
  const restored = await api.restoreBackup({ name });
  expect(restored).toMatchObject({ ok: true, value: { restoredFrom: name, message: expect.stringMatching(/start it again/) } });
  const keptAs = restored.ok ? restored.value.keptAs : '';
  expect(existsSync(keptAs)).toBe(true); // the damaged file is kept
  await stop();

  api = await start(dir);
  const after = await api.status({});
  expect(after.ok && after.value.storage.state).toBe('ok');
  await api.signIn({ operatorId: 'manager', pin: '4826' });
  const sales = await api.listTransactions({});
  expect(sales.ok && sales.value.map((s) => s.saleId)).toEqual([sale.ok ? sale.value.saleId : '']);
});

it('a file that is not a database at all is refused with its message, not a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-damaged-'));
  writeFileSync(join(dir, 'till.db'), Buffer.alloc(8192, 0x41));
  const api = await start(dir);
  const st = await api.status({});
  expect(st.ok && st.value.storage).toMatchObject({ state: 'damaged', message: expect.stringMatching(/cannot be read as a database.*No good backup was found/) });
  await api.signIn({ operatorId: 'manager', pin: '9999' });
  expect(await api.listQueue({})).toMatchObject({ ok: false, error: { code: 'STORE_DAMAGED' } });
});

/** A fresh till whose manager chose 4826 (a backup is taken at the change). */
async function tillWithOwnPin(dir: string, embedSwitch = false): Promise<TillApi> {
  const api = await start(dir, embedSwitch);
  expect((await api.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(true);
  expect((await api.changePin({ currentPin: '9999', newPin: '4826' })).ok).toBe(true);
  return api;
}

it('an empty database file where backups exist is damage, not a new till: refused, and restored with the PIN the manager chose', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-empty-'));
  const api = await tillWithOwnPin(dir);
  const list = await api.listBackups({});
  expect(list.ok && list.value.backups.map((b) => b.reason)).toEqual(['operators']); // the PIN change was backed up at once
  await stop();
  writeFileSync(join(dir, 'till.db'), '');

  const damaged = await start(dir);
  const st = await damaged.status({});
  expect(st.ok && st.value.storage).toMatchObject({ state: 'damaged', message: expect.stringMatching(/empty \(0 bytes\)/) });
  expect((await damaged.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(false); // the shipped PIN does not come back
  expect((await damaged.signIn({ operatorId: 'manager', pin: '4826' })).ok).toBe(true);
  expect(await damaged.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } })).toMatchObject({ ok: false, error: { code: 'STORE_DAMAGED' } });
  const good = await damaged.listBackups({});
  expect(await damaged.restoreBackup({ name: good.ok ? good.value.newestGood! : '' })).toMatchObject({ ok: true });
  await stop();

  const after = await start(dir);
  expect((await after.status({})).ok && (await after.status({}))).toMatchObject({ value: { storage: { state: 'ok' } } });
  expect((await after.signIn({ operatorId: 'manager', pin: '4826' })).ok).toBe(true);
});

it('a write-ahead log that fails its checksums before committed sales is damage, not six sales silently gone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-wal-'));
  const api = await tillWithOwnPin(dir, true);
  expect((await api.openShift({ floatCents: 0 })).ok).toBe(true);
  for (let i = 0; i < 6; i++) {
    const p = await api.purchase({ meterId: '00100000017', amountCents: 5000, tender: { type: 'CASH' } });
    if (!p.ok) throw new Error(p.error.message);
    expect((await waitSale(api, p.value.saleId, (s) => s === 'succeeded')).state).toBe('succeeded');
  }
  // The files as a till killed now leaves them: the database, its log not yet checkpointed, the backups.
  const killed = mkdtempSync(join(tmpdir(), 'till-wal-killed-'));
  for (const f of ['till.db', 'till.db-wal']) copyFileSync(join(dir, f), join(killed, f));
  cpSync(join(dir, 'backups'), join(killed, 'backups'), { recursive: true });
  await stop();
  const wal = readFileSync(join(killed, 'till.db-wal'));
  const frame = 24 + wal.readUInt32BE(8);
  expect(wal.length).toBeGreaterThan(32 + 6 * frame); // the sales are in the log
  const fd = openSync(join(killed, 'till.db-wal'), 'r+');
  writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, 32 + 2 * frame + 24 + 512); // 64 bytes inside the third frame's page
  closeSync(fd);

  const damaged = await start(killed);
  const st = await damaged.status({});
  expect(st.ok && st.value.storage).toMatchObject({ state: 'damaged', message: expect.stringMatching(/write-ahead log .* fails its checksum at frame 3, before committed writes/) });
  expect((await damaged.signIn({ operatorId: 'manager', pin: '4826' })).ok).toBe(true);
  expect(await damaged.listTransactions({})).toMatchObject({ ok: false, error: { code: 'STORE_DAMAGED' } });
  const good = await damaged.listBackups({});
  expect(await damaged.restoreBackup({ name: good.ok ? good.value.newestGood! : '' })).toMatchObject({ ok: true });
  expect(existsSync(join(killed, 'till.db-wal'))).toBe(false); // the damaged log is kept aside with its database
});

it('a backup from before a PIN change is restored by `ppu-till restore` with the PIN valid in it, nothing asked first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-oldpin-'));
  let api = await start(dir);
  await rt!.backend.tick(); // a fresh till's first backup: the shipped PINs, still to be changed
  await stop();
  api = await tillWithOwnPin(dir);
  const list = await api.listBackups({});
  const names = list.ok ? list.value.backups.map((b) => b.name) : [];
  expect(names.map((n) => n.replace(/^till-\d{8}T\d{9}Z-/, ''))).toEqual(['operators.db', 'daily.db']);
  await stop();
  // The database and the newest backup (the one with 4826) both spoilt: the newest good one predates the change.
  writeFileSync(join(dir, 'backups', names[0]!), Buffer.alloc(8192, 0x41));
  writeFileSync(join(dir, 'till.db'), Buffer.alloc(8192, 0x41));

  const cli = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, ['scripts/bin/ppu-till.js', '--data-dir', dir, '--operator', 'manager', ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, ...env } });
  const restored = cli({ PPU_TILL_PIN: '9999' }, 'restore');
  expect(restored.status, restored.stdout + restored.stderr).toBe(0);
  expect(restored.stdout).toMatch(new RegExp(`Restored from ${names[1]}`));
  // The restored till is the backup's: its shipped PIN is changed now, on a sound database.
  const changed = cli({ PPU_TILL_PIN: '9999', PPU_TILL_NEW_PIN: '4826' }, 'change-pin');
  expect(changed.status, changed.stdout + changed.stderr).toBe(0);
  const after = cli({ PPU_TILL_PIN: '4826' }, 'backups');
  expect(after.status, after.stdout + after.stderr).toBe(0);
  expect(after.stdout).toMatch(/^Database OK\./);
}, 200_000);

it('completed sales the switch knows and the restored till lost come back at the next start, marked recovered', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-recover-'));
  const api = await tillWithOwnPin(dir, true); // the PIN change is backed up: the sales below are not in any backup
  expect((await api.openShift({ floatCents: 0 })).ok).toBe(true);
  const sold: { saleId: string; tokens: string[] }[] = [];
  for (let i = 0; i < 2; i++) {
    const p = await api.purchase({ meterId: '00100000017', amountCents: 5000 + 1000 * i, tender: { type: 'CASH' } });
    if (!p.ok) throw new Error(p.error.message);
    const s = await waitSale(api, p.value.saleId, (x) => x === 'succeeded');
    sold.push({ saleId: s.saleId, tokens: s.tokens.map((t) => t.grouped) });
  }
  await stop();
  writeFileSync(join(dir, 'till.db'), '');

  const damaged = await start(dir, true);
  await damaged.signIn({ operatorId: 'manager', pin: '4826' });
  const good = await damaged.listBackups({});
  expect(await damaged.restoreBackup({ name: good.ok ? good.value.newestGood! : '' })).toMatchObject({ ok: true });
  await stop();

  const after = await start(dir, true);
  await rt!.backend.recovered();
  await after.signIn({ operatorId: 'manager', pin: '4826' });
  for (const s of sold) {
    const t = await after.getTransaction({ saleId: s.saleId });
    expect(t, s.saleId).toMatchObject({ ok: true, value: { sale: { state: 'succeeded', recovered: true, amountCents: expect.any(Number) } } });
    expect(t.ok && t.value.sale.tokens.map((x) => x.grouped)).toEqual(s.tokens);
  }
  const list = await after.listTransactions({});
  expect(list.ok && list.value.map((x) => x.saleId).sort()).toEqual(sold.map((x) => x.saleId).sort());
  // Their drawer session is lost with them: they count in the day's cash-up.
  const eod = await after.eodReport({});
  expect(eod.ok && eod.value.succeeded).toEqual({ count: 2, amountCents: 11000 });
  expect(eod.ok && eod.value.cashUp.find((r) => r.tender === 'CASH')?.expectedCents).toBe(11000);
}, 120_000);

it('a card sale taken back from the switch keeps the card terminal’s approval code and masked card: its reprint shows them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-card-'));
  const api = await tillWithOwnPin(dir, true); // the newest backup: the sale below is in none
  expect((await api.openShift({ floatCents: 0 })).ok).toBe(true);
  const p = await api.purchase({ meterId: '00100000017', amountCents: 8000, tender: { type: 'DEBIT_CARD', maskedCard: '123456******7890', approvalCode: 'A1B2C3' } });
  if (!p.ok) throw new Error(p.error.message);
  expect((await waitSale(api, p.value.saleId, (x) => x === 'succeeded')).state).toBe('succeeded');

  const after = await emptiedAndRestored(dir, '4826', true); // on the virtual printer: the reprint is read back
  const t = await after.getTransaction({ saleId: p.value.saleId });
  expect(t).toMatchObject({ ok: true, value: { sale: { recovered: true, tender: { type: 'DEBIT_CARD', maskedCard: '123456******7890', approvalCode: 'A1B2C3' } } } });
  expect(await after.reprintLocal({ saleId: p.value.saleId })).toMatchObject({ ok: true, value: { printed: true } });
  const jobs = await after.virtualPrinterJobs({ limit: 1 });
  const slip = jobs.ok ? (jobs.value.jobs[0]?.text ?? '') : '';
  expect(slip).toMatch(/COPY/);
  expect(slip).toMatch(/123456\*{6}7890/);
  expect(slip).toMatch(/Approval code:\s+A1B2C3/);
}, 120_000);

/** Every provider of the embedded switch given this behaviour (its admin API, as a field tech would). */
async function providersBehave(patch: Record<string, unknown>): Promise<void> {
  const sw = rt!.embeddedSwitch!;
  const auth = `Basic ${Buffer.from(`${sw.username}:${sw.password}`).toString('base64')}`;
  const res = await fetch(`${sw.url}/admin/v1/providers`, { headers: { authorization: auth } });
  const body = (await res.json()) as { providers?: Array<{ id: string }> } | Array<{ id: string }>;
  const list = Array.isArray(body) ? body : (body.providers ?? []);
  for (const p of list) {
    const r = await fetch(`${sw.url}/admin/v1/providers/${p.id}/behaviour`, { method: 'PATCH', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(patch) });
    expect(r.status).toBe(200);
  }
}

/** Restores the newest good backup over a database emptied as if the disk had lost it, then starts the till again and waits for its comparison with the switch. */
async function emptiedAndRestored(dir: string, pin: string, virtualPrinter = false): Promise<TillApi> {
  await stop();
  writeFileSync(join(dir, 'till.db'), '');
  const damaged = await start(dir, true);
  await damaged.signIn({ operatorId: 'manager', pin });
  const good = await damaged.listBackups({});
  expect(await damaged.restoreBackup({ name: good.ok ? good.value.newestGood! : '' })).toMatchObject({ ok: true });
  await stop();
  const api = await start(dir, true, virtualPrinter);
  await rt!.backend.recovered();
  await api.signIn({ operatorId: 'manager', pin });
  return api;
}

it('a sale open when the newest backup was taken, which the switch then completed, comes back from the switch once, marked recovered, its cash counted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-open-'));
  let api = await tillWithOwnPin(dir, true);
  expect((await api.openShift({ floatCents: 0 })).ok).toBe(true);
  expect((await api.setSettings({ timeouts: { requestMs: 3000, retryBaseMs: 20, retryMaxMs: 200, foregroundRetries: 1 } })).ok).toBe(true);
  await providersBehave({ serverErrorRate: 1 });
  const p = await api.purchase({ meterId: '00100000017', amountCents: 7000, tender: { type: 'CASH' } });
  if (!p.ok) throw new Error(p.error.message);
  const saleId = p.value.saleId;
  await waitSale(api, saleId, (x) => x === 'retrying' || x === 'pending');
  // An operator change backs the till up with the sale still open; then the switch completes it.
  expect((await api.changePin({ currentPin: '4826', newPin: '4827' })).ok).toBe(true);
  await providersBehave({ serverErrorRate: 0 });
  expect((await api.retryNow({ saleId })).ok).toBe(true);
  const tokens = (await waitSale(api, saleId, (x) => x === 'succeeded')).tokens.map((t) => t.grouped);

  api = await emptiedAndRestored(dir, '4827');
  // Taken from the switch's record at start, not by a send of the till's own (no worker runs here).
  const t = await api.getTransaction({ saleId });
  // Late: the customer left long ago, so the drawer does not open for it.
  expect(t).toMatchObject({ ok: true, value: { sale: { state: 'succeeded', recovered: true, late: true, amountCents: 7000 } } });
  expect(t.ok && t.value.sale.tokens.map((x) => x.grouped)).toEqual(tokens); // the same tokens: sold once
  const eod = await api.eodReport({});
  expect(eod.ok && eod.value.succeeded).toEqual({ count: 1, amountCents: 7000 });
  expect(eod.ok && eod.value.cashUp.find((r) => r.tender === 'CASH')?.expectedCents).toBe(7000);
}, 120_000);

it('a sale in flight at the switch when the till lost it comes back pending, marked recovered, and completes with its own id', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-inflight-'));
  let api = await tillWithOwnPin(dir, true); // the PIN change is the newest backup: the sale below is in none
  expect((await api.openShift({ floatCents: 0 })).ok).toBe(true);
  expect((await api.setSettings({ timeouts: { requestMs: 3000, retryBaseMs: 20, retryMaxMs: 200, foregroundRetries: 1 } })).ok).toBe(true);
  await providersBehave({ serverErrorRate: 1 }); // the purchase takes effect at the provider; its answer is lost
  const p = await api.purchase({ meterId: '00100000017', amountCents: 6000, tender: { type: 'CASH' } });
  if (!p.ok) throw new Error(p.error.message);
  const saleId = p.value.saleId;
  await waitSale(api, saleId, (x) => x === 'retrying' || x === 'pending');

  api = await emptiedAndRestored(dir, '4826'); // the restarted switch's provider answers again
  const back = await api.getTransaction({ saleId });
  expect(back).toMatchObject({ ok: true, value: { sale: { state: 'pending', recovered: true, amountCents: 6000, tokens: [] } } });
  await rt!.backend.tick();
  const done = await waitSale(api, saleId, (x) => x === 'succeeded' || x === 'failed');
  expect(done).toMatchObject({ state: 'succeeded', recovered: true });
  expect(done.tokens).toHaveLength(1);
  const ops = await api.getTransaction({ saleId });
  expect(ops.ok && ops.value.traces.map((x) => x.operation)).toEqual(['purchaseRetry']); // the same purchase retried, never a new one
}, 120_000);
