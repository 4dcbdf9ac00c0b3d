/**
 * A damaged till database: checked at start, refused with a manager-level message (no sales, no
 * "Nothing pending", no totals read from it), kept as it is, and restored from the newest good
 * backup — a real SQLite file, really damaged, backed up with better-sqlite3's online backup.
 */
import { existsSync, mkdtempSync, openSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { apiFromInvoke, type TillApi } from '../../api/contract';
import { startTillRuntime, type TillRuntime } from '../runtime';

let rt: TillRuntime | null = null;
afterEach(async () => {
  await rt?.close();
  rt = null;
});

async function start(dataDir: string): Promise<TillApi> {
  rt = await startTillRuntime({ dataDir, mode: 'cli', embedSwitch: false, virtualPrinter: false, workerIntervalMs: 0 });
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
  expect(backups.ok && backups.value.backups.map((b) => b.reason)).toEqual(['shift-close']);
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
