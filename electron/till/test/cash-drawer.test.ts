/**
 * The cash drawer, read from the bytes the virtual printer received over TCP: a cash sale opens it
 * once, a card sale does not; a manager's "no sale" opens it with a reason that the end-of-day
 * report shows; the drawer-open sensor shows in the till's status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VirtualPrinter } from '../../../printer';
import { startTarget, startTillOnVirtualPrinter, waitSale, type Target, type TestTill } from './harness';

let target: Target;
let vp: VirtualPrinter;
let till: TestTill;
let stop: () => Promise<void>;

beforeAll(async () => {
  target = await startTarget();
  ({ till, vp, close: stop } = await startTillOnVirtualPrinter(target, 'cash-drawer'));
});
afterAll(async () => {
  await stop?.();
  await target?.close();
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
});
