/**
 * The disk-space rule against the real switch: a sale is sent only when the till can record its
 * answer, and an answer that arrives when the disk has just filled still reaches the cashier with
 * its token, is kept in memory, and is written the moment space returns. The "full disk" is the
 * store's writes failing with SQLite's own error for a full disk (SqliteError SQLITE_FULL).
 * (Capping the file with max_page_count does not work: rows still fit in the slack of existing pages.)
 */
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { DISK_MARGIN_BYTES } from '../disk-space';
import { startTarget, startTill, waitSale, type Target, type TestTill } from './harness';

let target: Target;
let till: TestTill | null = null;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});
afterEach(async () => {
  target.setBehaviour({ latencyMs: 0 });
  originals.clear();
  await till?.backend.close();
  till?.backend.store.close();
  till = null;
});

const cash = { type: 'CASH' as const };
/**
 * The "disk" fills: while full, every write of the till's store fails as SQLite fails on a full
 * disk (better-sqlite3's SqliteError, code SQLITE_FULL); reads still work. `false`: space returns.
 */
function fillDisk(t: TestTill, full: boolean): void {
  const store = t.backend.store as unknown as Record<string, unknown>;
  for (const name of WRITES) {
    const real = (originals.get(name) ?? store[name]) as (...a: unknown[]) => unknown;
    originals.set(name, real);
    store[name] = full
      ? () => {
          throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
        }
      : real;
  }
}
const WRITES = ['insertSale', 'transitionSale', 'updateAdvice', 'addTrace', 'addReprint', 'upsertOperator', 'openShift', 'closeShift', 'setSetting'] as const;
const originals = new Map<string, unknown>();

it('under the free-space margin nothing is sent: a clear refusal, no sale stored', async () => {
  let free = DISK_MARGIN_BYTES - 1;
  till = await startTill(target, { freeBytes: () => free });
  const refused = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
  expect(refused).toMatchObject({ ok: false, error: { code: 'DISK_FULL', message: expect.stringMatching(/NOT sent and nothing was charged/) } });
  expect(till.backend.store.findSales({}).length).toBe(0);
  const st = await till.api.status({});
  expect(st.ok && st.value.storage).toMatchObject({ state: 'full', message: expect.stringMatching(/nearly full/) });
  free = DISK_MARGIN_BYTES * 10;
  const sold = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
  expect(sold.ok && (await waitSale(till.api, sold.value.saleId, (s) => s === 'succeeded')).state).toBe('succeeded');
});

it('when the sale itself cannot be written, nothing is sent', async () => {
  till = await startTill(target);
  fillDisk(till, true);
  const refused = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
  fillDisk(till, false);
  expect(refused).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
  expect(till.backend.store.findSales({}).length).toBe(0);
});

it('an answer that cannot be written still shows its token, is kept, and is written when space returns', async () => {
  till = await startTill(target);
  target.setBehaviour({ latencyMs: 600 }); // the disk fills while the purchase is on its way
  const p = await till.api.purchase({ meterId: 'TST003', amountCents: 10000, tender: cash });
  if (!p.ok) throw new Error(p.error.message);
  const saleId = p.value.saleId;
  fillDisk(till, true);
  const shown = await waitSale(till.api, saleId, (s) => s === 'succeeded' || s === 'failed');
  expect(shown).toMatchObject({ state: 'succeeded', saved: false });
  expect(shown.tokens.length).toBe(2); // the cashier sees the tokens (TST003: standard + free)
  expect(target.purchaseCount(saleId)).toBe(1); // the switch sold
  expect(till.backend.store.getSale(saleId)!.tokenText).toBeNull(); // not on disk yet
  const st = await till.api.status({});
  expect(st.ok && st.value.storage).toMatchObject({ state: 'full', unsavedCount: 1 });
  expect(st.ok && st.value.lastBackgroundError?.message).toMatch(/kept in memory/);
  await till.backend.tick(); // still full: kept, not sent again
  expect(till.backend.store.getSale(saleId)!.state).not.toBe('succeeded');

  fillDisk(till, false); // space returns
  await till.backend.tick();
  const row = till.backend.store.getSale(saleId)!;
  expect(row.state).toBe('succeeded');
  expect(row.tokenText).toBe(shown.tokens.map((t) => t.token).join(' '));
  const after = await till.api.getSale({ saleId });
  expect(after.ok && after.value.saved).toBe(true);
  const st2 = await till.api.status({});
  expect(st2.ok && st2.value.storage).toMatchObject({ state: 'ok', unsavedCount: 0 });
  await till.backend.idle();
  await till.backend.tick();
  const tx = await till.api.getTransaction({ saleId });
  expect(tx.ok && tx.value.sale.slip.printed).toBe(true);
  expect(tx.ok && tx.value.advices.map((a) => `${a.kind}:${a.status}`)).toEqual(['confirmation:delivered']);
});
