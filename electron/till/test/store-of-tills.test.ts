/**
 * A store of two tills on one switch, all real processes: `ppu-switch serve` (certification profile,
 * store users for two stores) and `ppu-till` runs on two data directories. Each till is itself (its
 * own terminal id, the store as originator.merchant); a sale of till A is found and printed as a COPY
 * at till B by meter and by short reference, and both tills and the switch record the reprint; the
 * store's end of day on either till is the sum of both tills'; a till killed mid-sale reconciles once
 * its sale settles; and store A's credentials asking for store B get 403 and no row.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EodReport, ReconcileReport, SaleView, StoreEodReport, StoreReprintEntry, StoreSale } from '../../api/contract';
import { PpuClient } from '../../../switch-core/protocol';
import { purchaseRequest, TEST_ORIGINATOR } from '../../../switch-core/protocol/test/fixtures';
import { startSwitchProcess, type SwitchProcess } from '../../../switch-core/test/cli-process';
import { openTillStore } from '../store/repository';
import type { StoredSettings } from '../settings';
import { runTill, startTillProcess, valueOf } from './till-process';

const STORE = 'STORE0000000001';
const OTHER = 'STORE0000000002';
const dir = mkdtempSync(join(tmpdir(), 'store-of-tills-'));
const A = join(dir, 'till-a');
const B = join(dir, 'till-b');
let sw: SwitchProcess;

const tillEnv = (user: string) => ({
  PPU_TILL_SWITCH_URL: sw.url,
  PPU_TILL_SWITCH_USERNAME: user,
  PPU_TILL_SWITCH_PASSWORD: `${user}-secret`,
  PPU_TILL_MERCHANT_ID: STORE,
  PPU_TILL_MERCHANT_NAME: 'Main Street Spar',
  PPU_TILL_OPERATORS: 'mgr:manager:4826:Mandla,cas:cashier:5937:Carol',
});
const asManager = (user: string) => ({ ...tillEnv(user), PPU_TILL_PIN: '4826' });
const asCashier = (user: string) => ({ ...tillEnv(user), PPU_TILL_PIN: '5937' });
const tillA = (args: string[], who = asManager) => runTill(A, ['--operator', who === asManager ? 'mgr' : 'cas', ...args], who('till-a'));
const tillB = (args: string[], who = asManager) => runTill(B, ['--operator', who === asManager ? 'mgr' : 'cas', ...args], who('till-b'));
const basic = (user: string, password: string) => ({ authorization: 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64') });
const settingsOf = (dataDir: string) => {
  const store = openTillStore(join(dataDir, 'till.db'));
  try {
    return store.getSetting<StoredSettings>('settings')!;
  } finally {
    store.close();
  }
};
// A card sale is sent only with the card terminal's approval, as at the screen.
const sell = async (till: typeof tillA, meter: string, rands: string, tender = 'CASH') =>
  valueOf<SaleView>(await till(['--json', 'sell', meter, rands, '--tender', tender, ...(tender === 'CASH' ? [] : ['--card-approval', 'A1B2C3']), '--float', '0'], asCashier));

beforeAll(async () => {
  sw = await startSwitchProcess([
    '--profile', 'certification', '--tst011-delay', '4000', '--data', join(dir, 'switch'), '--auth', 'op:op-secret',
    '--store-user', `till-a:till-a-secret:${STORE}`, '--store-user', `till-b:till-b-secret:${STORE}`, '--store-user', `other:other-secret:${OTHER}`,
  ]);
}, 60_000);
afterAll(() => sw?.stop());

describe('two tills of one store on one switch', () => {
  const sold: SaleView[] = [];

  it('each till is itself: its own 8-character terminal id, the store as originator.merchant', async () => {
    sold.push(await sell(tillA, 'TST004', '100'));
    sold.push(await sell(tillA, 'TST001', '100', 'DEBIT_CARD'));
    sold.push(await sell(tillB, 'TST007', '200'));
    expect(sold.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const [a, b] = [settingsOf(A), settingsOf(B)];
    expect(a.terminalId).toMatch(/^[A-Z0-9]{8}$/);
    expect(b.terminalId).toMatch(/^[A-Z0-9]{8}$/);
    expect(a.terminalId).not.toBe(b.terminalId);
    const tx = (await (await fetch(`${sw.url}/admin/v1/transactions/${sold[0]!.saleId}`, { headers: basic('op', 'op-secret') })).json()) as { transaction: { request: { originator: { terminalId: string; merchant: { merchantId: string; merchantName: { name: string } } } } } };
    expect(tx.transaction.request.originator).toMatchObject({ terminalId: a.terminalId, merchant: { merchantId: STORE, merchantName: { name: 'Main Street Spar' } } });
  }, 120_000);

  it("till B finds till A's sale by meter and by short reference and prints a COPY naming till A, its time and reference", async () => {
    const aId = settingsOf(A).terminalId;
    const bId = settingsOf(B).terminalId;
    const sale = sold[0]!;
    const found = valueOf<StoreSale[]>(await tillB(['--json', 'store-find', '--ref', sale.saleId.slice(-8)]));
    expect(found).toEqual([expect.objectContaining({ purchaseId: sale.saleId, terminalId: aId, meterId: 'TST004', amountCents: 10000, state: 'sold' })]);

    const byMeter = await tillB(['store-reprint', 'TST004']);
    expect(byMeter.code).toBe(0);
    expect(byMeter.out).toContain(`sale ${sale.saleId} of till ${aId}`);
    const byRef = await tillB(['store-reprint', 'TST004', '--ref', sale.saleId.slice(-8)]);
    expect(byRef.code).toBe(0);

    const jobs = join(B, 'virtual-printer');
    // B's own sale slip is there too: the copies are the slips naming A's sale.
    const copies = readdirSync(jobs).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(jobs, f), 'utf8')).filter((t) => t.includes(sale.saleId));
    expect(copies).toHaveLength(2);
    for (const text of copies) {
      expect(text).toContain('*** COPY ***');
      expect(text).toContain(`Sold at till ${aId}`);
      expect(text).toContain(sale.saleId);
      expect(text).toContain('1111 1111 1111 1111 1111');
    }
    // Recorded on both tills and at the switch.
    expect(valueOf<StoreReprintEntry[]>(await tillB(['--json', 'store-reprints']))).toHaveLength(2);
    const onA = valueOf<StoreReprintEntry[]>(await tillA(['--json', 'store-reprints']));
    expect(onA.map((r) => [r.purchaseId, r.soldAt, r.reprintedAt, r.operatorId])).toEqual([
      [sale.saleId, aId, bId, 'mgr'],
      [sale.saleId, aId, bId, 'mgr'],
    ]);
    const atSwitch = (await (await fetch(`${sw.url}/admin/v1/transactions?type=REPRINT&q=${sale.saleId}`, { headers: basic('op', 'op-secret') })).json()) as { transactions: { status: string }[] };
    expect(atSwitch.transactions.map((t) => t.status)).toEqual(['SUCCESSFUL', 'SUCCESSFUL']);
  }, 120_000);

  it("the store's end of day on either till is the sum of both tills' own", async () => {
    const own = await Promise.all([tillA(['--json', 'eod']), tillB(['--json', 'eod'])]).then((r) => r.map((x) => valueOf<EodReport>(x)));
    const store = await Promise.all([tillA(['--json', 'store-eod']), tillB(['--json', 'store-eod'])]).then((r) => r.map((x) => valueOf<StoreEodReport>(x)));
    const sum = { soldCount: own[0]!.succeeded.count + own[1]!.succeeded.count, soldCents: own[0]!.succeeded.amountCents + own[1]!.succeeded.amountCents };
    expect(sum).toEqual({ soldCount: 3, soldCents: 40000 });
    for (const s of store) {
      expect({ soldCount: s.total.soldCount, soldCents: s.total.soldCents }).toEqual(sum);
      expect(s.byTill.map((t) => [t.key, t.soldCents])).toEqual([[settingsOf(A).terminalId, 20000], [settingsOf(B).terminalId, 20000]].sort());
      expect(s.byTender.map((t) => [t.key, t.soldCents])).toEqual([['CASH', 30000], ['DEBIT_CARD', 10000]]);
      expect(s.byCashier.map((t) => [t.label, t.soldCents])).toEqual([['Carol', 40000]]);
    }
    expect(store[0]!.csv).toBe(store[1]!.csv);
  }, 120_000);

  it('a till killed mid-sale reconciles with the switch once its retry has settled the sale', async () => {
    // TST011's first purchase waits 4 s at the switch: the till dies while it waits.
    const run = startTillProcess(A, ['--operator', 'cas', 'sell', 'TST011', '100', '--float', '0'], asCashier('till-a'));
    const seen = async () => ((await (await fetch(`${sw.url}/admin/v1/transactions?meter=TST011&type=PURCHASE`, { headers: basic('op', 'op-secret') })).json()) as { transactions: unknown[] }).transactions.length;
    for (let i = 0; i < 300 && (await seen()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    run.child.kill('SIGKILL');
    await run.done;

    const open = await tillA(['--json', 'reconcile']);
    expect(open.code).toBe(1);
    const before = valueOf<ReconcileReport>(open);
    expect(before.rows.find((r) => r.meterId === 'TST011')).toMatchObject({ verdict: 'amounts-differ', till: { state: 'pending', chargedCents: null } });

    // Started again, the till retries the same purchase id until the switch answers.
    for (let i = 0; i < 20; i++) {
      const q = valueOf<{ kind: string }[]>(await tillA(['--json', 'pending']));
      if (!q.some((x) => x.kind === 'sale')) break;
    }
    const settled = await tillA(['--json', 'reconcile']);
    const after = valueOf<ReconcileReport>(settled);
    expect(after.rows.find((r) => r.meterId === 'TST011')).toMatchObject({ verdict: 'matched', till: { state: 'sold', chargedCents: 10000 }, switch: { state: 'sold', chargedCents: 10000 } });
    expect(after.counts).toEqual({ matched: 3, 'only-till': 0, 'only-switch': 0, 'amounts-differ': 0 });
    expect(settled.code).toBe(0);
  }, 180_000);

  it("store A's credentials asking for store B get 403 and no row; selling as store B is refused", async () => {
    const other = new PpuClient({ baseUrl: sw.url, username: 'other', password: 'other-secret', timeoutMs: 20_000 });
    const mine = new PpuClient({ baseUrl: sw.url, username: 'till-a', password: 'till-a-secret', timeoutMs: 20_000 });
    try {
      const otherOriginator = { ...TEST_ORIGINATOR, merchant: { ...TEST_ORIGINATOR.merchant, merchantId: OTHER } };
      const theirs = await other.purchase({ ...purchaseRequest('TST001', 10000), originator: otherOriginator });
      expect(theirs.outcome).toBe('successful');
      const theirId = theirs.outcome === 'successful' ? theirs.body.id : '';

      for (const path of [`/store/v1/merchants/${OTHER}/transactions`, `/store/v1/merchants/${OTHER}/transactions/${theirId}`, '/admin/v1/transactions']) {
        const res = await fetch(sw.url + path, { headers: basic('till-a', 'till-a-secret') });
        const text = await res.text();
        expect([path, res.status]).toEqual([path, 403]);
        expect(text).not.toContain(theirId);
        expect(text).not.toContain('"transactions"');
      }
      const ownList = await (await fetch(`${sw.url}/store/v1/merchants/${STORE}/transactions?q=${theirId}`, { headers: basic('till-a', 'till-a-secret') })).text();
      expect(ownList).not.toContain(theirId);
      // The operator reads any store.
      const asOperator = await fetch(`${sw.url}/store/v1/merchants/${OTHER}/transactions/${theirId}`, { headers: basic('op', 'op-secret') });
      expect(asOperator.status).toBe(200);

      const posing = await mine.purchase({ ...purchaseRequest('TST001', 10000), originator: otherOriginator });
      expect(posing).toMatchObject({ outcome: 'failed', status: 403, error: { errorType: 'INVALID_MERCHANT' } });
      const { purchaseAmount: _a, tenders: _t, ...bare } = purchaseRequest('TST001', 10000);
      const ownOriginator = { ...TEST_ORIGINATOR, merchant: { ...TEST_ORIGINATOR.merchant, merchantId: STORE } };
      const reprintTheirs = await mine.reprint({ ...bare, originator: ownOriginator, originalRef: theirId });
      expect(reprintTheirs).toMatchObject({ outcome: 'failed', status: 403, error: { errorType: 'INVALID_MERCHANT' } });
    } finally {
      await other.close();
      await mine.close();
    }
  }, 60_000);
});
