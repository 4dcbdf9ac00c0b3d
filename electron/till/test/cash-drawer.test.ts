/**
 * The cash drawer, read from the bytes the virtual printer received over TCP: a cash sale opens it
 * once, a card sale does not; a cash sale left pending opens it (the cash stays in the till) and its
 * slip shows the change, and cancelling it opens it again for the refund, recorded under the manager
 * who cancelled; a manager's "no sale" opens it with a reason that the end-of-day report shows; the
 * drawer-open sensor shows in the till's status; a cash sale still retrying when the till restarts,
 * completed afterwards by its worker, opens nothing (the cashier has moved on) and counts in the cash-up.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, startVirtualPrinter, type VirtualPrinter } from '../../../printer';
import type { SaleView } from '../../api/contract';
import { sinkFromTransport } from '../printing';
import { startTarget, startTill, waitSale, type Target, type TestTill } from './harness';

let target: Target;
let vp: VirtualPrinter;
let dir: string;
let till: TestTill;

beforeAll(async () => {
  target = await startTarget();
  dir = mkdtempSync(join(tmpdir(), 'cash-drawer-'));
  vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'vp') });
  till = await startTill(target, { dir: join(dir, 'till'), workerIntervalMs: 0, printer: sinkFromTransport(createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 1000 })) });
});
afterAll(async () => {
  await till?.backend.close();
  await vp?.close();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sell(tender: 'CASH' | 'DEBIT_CARD'): Promise<string> {
  const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: tender === 'CASH' ? { type: 'CASH' } : { type: 'DEBIT_CARD', maskedCard: '123456******7890' } });
  expect(p.ok, JSON.stringify(p)).toBe(true);
  const saleId = p.ok ? p.value.saleId : '';
  await waitSale(till.api, saleId, (s) => s === 'succeeded');
  await till.backend.idle();
  return saleId;
}

const slipOf = (saleId: string) => vp.jobs().find((j) => j.complete && j.text.includes(saleId.slice(0, 8)));

describe('cash drawer', () => {
  it('opens after a cash sale, with the pin and pulse set, and not after a card sale', async () => {
    const set = await till.api.setSettings({ printer: { drawer: { pin: 5, pulseMs: 120 } } });
    expect(set.ok).toBe(true);
    const cash = await sell('CASH');
    await expect.poll(() => slipOf(cash)).toBeDefined();
    expect(vp.drawerKicks()).toMatchObject([{ pin: 5, onMs: 120 }]);

    const card = await sell('DEBIT_CARD');
    await expect.poll(() => slipOf(card)).toBeDefined();
    expect(vp.drawerKicks()).toHaveLength(1);
  });

  it('shows the drawer-open sensor in the status, and a closed drawer when it is shut', async () => {
    await expect.poll(async () => {
      const s = await till.api.status({});
      return s.ok && s.value.printer.drawerOpen;
    }).toBe(true);
    vp.setStatus({ drawerOpen: false });
    const s = await till.api.status({});
    expect(s.ok && s.value.printer).toMatchObject({ state: 'ready', drawerOpen: false });
  });

  it("opens for a manager's no sale, with the reason in end of day", async () => {
    expect(await till.api.openDrawer({ reason: '  ' })).toMatchObject({ ok: false });
    const r = await till.api.openDrawer({ reason: 'change for the float' });
    expect(r).toMatchObject({ ok: true, value: { opened: true, message: null } });
    expect(vp.drawerKicks()).toHaveLength(2);
    const eod = await till.api.eodReport({});
    expect(eod.ok && eod.value.drawerOpens).toMatchObject([{ reason: 'change for the float', opened: true }]);
    expect(eod.ok && eod.value.lines.join('\n')).toMatch(/Drawer opened, no sale\s+1\n {2}\d\d:\d\d .+\n {4}change for the float/);
  });

  it('opens for a cash sale left pending, with the change on its slip, and again for its refund under the manager who cancelled it', async () => {
    // A till of its own with its retry worker running, as at the counter; the switch fails every send until the sale is cancelled.
    const own = await startTill(target, { dir: join(dir, 'pending'), printer: sinkFromTransport(createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 1000 })) });
    const before = vp.drawerKicks().length;
    target.setBehaviour({ serverErrorRate: 1 });
    try {
      const p = await own.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH', cashReceivedCents: 15000 } });
      expect(p.ok, JSON.stringify(p)).toBe(true);
      const saleId = p.ok ? p.value.saleId : '';
      expect(p.ok && p.value.tender).toEqual({ type: 'CASH', cashReceivedCents: 15000 });
      await waitSale(own.api, saleId, (s) => s === 'retrying' || s === 'pending');
      const left = await own.api.leavePending({ saleId });
      expect(left.ok && left.value.state, JSON.stringify(left)).toBe('pending');
      await expect.poll(() => vp.drawerKicks().length).toBe(before + 1);
      await expect.poll(() => slipOf(saleId)?.text ?? '').toMatch(/Cash received:\s+R150\.00\nChange:\s+R50\.00/);

      const cancelled = await own.api.cancelPending({ saleId });
      expect(cancelled.ok && cancelled.value.state, JSON.stringify(cancelled)).toBe('cancelled');
      await expect.poll(() => vp.drawerKicks().length).toBe(before + 2);
      const db = new Database(join(dir, 'pending', 'till.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT kind, operator_id AS operatorId FROM drawer_opens WHERE sale_id = ? ORDER BY at').all(saleId)).toEqual([
          { kind: 'sale', operatorId: 'manager' },
          { kind: 'refund', operatorId: 'manager' },
        ]);
      } finally {
        db.close();
      }
    } finally {
      target.setBehaviour({ serverErrorRate: 0 });
      await own.backend.close();
    }
  }, 60_000);

  it('stays shut for a cash sale still retrying at a restart that the till completes afterwards; its cash counts in the cash-up', async () => {
    const printer = () => sinkFromTransport(createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 1000 }));
    const own = await startTill(target, { dir: join(dir, 'resumed'), workerIntervalMs: 0, printer: printer() });
    const before = vp.drawerKicks().length;
    await target.down(); // the first send gets no answer: the sale is retrying when the till stops
    const p = await own.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } });
    expect(p.ok, JSON.stringify(p)).toBe(true);
    const saleId = p.ok ? p.value.saleId : '';
    expect((await waitSale(own.api, saleId, (s) => s !== 'purchasing')).state).toBe('retrying');
    await own.backend.close();
    own.backend.store.close();
    await target.up();

    // The till starts again on the same file; the cashier has moved on. Its worker completes the sale.
    const again = await startTill(target, { dir: join(dir, 'resumed'), workerIntervalMs: 0, printer: printer() });
    try {
      let sale: SaleView | null = null;
      for (let i = 0; i < 50 && sale?.state !== 'succeeded'; i++) {
        await again.backend.tick();
        await again.backend.idle();
        const r = await again.api.getSale({ saleId });
        sale = r.ok ? r.value : null;
      }
      expect(sale).toMatchObject({ state: 'succeeded', late: true });
      await expect.poll(() => slipOf(saleId)).toBeDefined(); // its slip still prints
      expect(vp.drawerKicks()).toHaveLength(before);
      const db = new Database(join(dir, 'resumed', 'till.db'), { readonly: true });
      try {
        expect(db.prepare('SELECT kind FROM drawer_opens WHERE sale_id = ?').all(saleId)).toEqual([]);
      } finally {
        db.close();
      }
      // The cash was taken at tender: the session expects it (float R500 + R100).
      const closed = await again.api.closeShift({ counted: { CASH: 60_000 } });
      expect(closed.ok && closed.value.cashUp?.find((c) => c.tender === 'CASH'), JSON.stringify(closed)).toMatchObject({ expectedCents: 60_000, countedCents: 60_000, differenceCents: 0 });
    } finally {
      await again.backend.close();
    }
  }, 60_000);
});
