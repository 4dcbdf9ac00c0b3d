/**
 * Drawer sessions, roles and PINs over a real till store file and a real switch over HTTP, with a
 * real virtual printer on TCP: sign-in opens no session; a session opens with its float, takes drops,
 * its X-read shows nothing expected, and its close is blind (expected and variance only in the
 * answer to the saved count); pending cash counts as held, and stays held in the closed session's
 * figures when the sale is cancelled after the count; only a manager closes another's session;
 * the Z-read lists open sessions and the day closes only when none is; a cashier's virtual printer
 * shows her own slips and never a report; PIN rules for saveOperator and the approval lockout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_WIDTHS } from '../../api/contract';
import { startTarget, startTillOnVirtualPrinter, waitSale, type Target, type TestTill } from './harness';

let target: Target;
let till: TestTill;
let stop: () => Promise<void>;

beforeAll(async () => {
  target = await startTarget();
  ({ till, close: stop } = await startTillOnVirtualPrinter(target, 'drawer-sessions'));
});
afterAll(async () => {
  target?.setBehaviour({ timeoutRate: 0 });
  await stop?.();
  await target?.close();
});

const pins = { cashier: '1111', manager: '9999' };
const as = async (operatorId: 'cashier' | 'manager') => {
  const r = await till.api.signIn({ operatorId, pin: pins[operatorId] });
  expect(r.ok, JSON.stringify(r)).toBe(true);
};
async function sell(meterId: string): Promise<string> {
  const p = await till.api.purchase({ meterId, amountCents: 10000, tender: { type: 'CASH' } });
  if (!p.ok) throw new Error(p.error.message);
  return p.value.saleId;
}

describe('drawer sessions', () => {
  it('sign-in opens no session: a cashier without one is told to open it with her float, and nothing is sent', async () => {
    await as('cashier');
    const own = await till.api.shiftReport({});
    if (!own.ok) throw new Error(own.error.message);
    expect((await till.api.closeShift({ counted: { CASH: 50_000 } })).ok).toBe(true); // the harness opened one
    await till.api.signOut({});
    const signed = await till.api.signIn({ operatorId: 'cashier', pin: '1111' });
    expect(signed.ok && signed.value.shift).toBeNull();
    const refused = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NO_SHIFT', message: expect.stringMatching(/Open it with the float in your drawer/) } });
    expect(till.backend.store.findSales({ operatorId: 'cashier' }).length).toBe(0);
  });

  it('a session: float at opening, drops, an X-read with nothing expected, a blind close whose answer shows expected and the variance; pending cash is held', async () => {
    await as('cashier');
    const opened = await till.api.openShift({ floatCents: 50_000 });
    expect(opened).toMatchObject({ ok: true, value: { floatCents: 50_000, closedAt: null } });
    const sold = await sell('TST001');
    await waitSale(till.api, sold, (s) => s === 'succeeded');
    target.setBehaviour({ timeoutRate: 1 });
    const pending = await sell('TST003');
    expect((await till.api.leavePending({ saleId: pending })).ok).toBe(true);
    expect((await till.api.addCashDrop({ amountCents: 15_000 })).ok).toBe(true);

    const x = await till.api.shiftReport({});
    if (!x.ok) throw new Error(x.error.message);
    expect(x.value).toMatchObject({ kind: 'X-read', floatCents: 50_000, dropsCents: 15_000, sold: { count: 1, amountCents: 10_000 }, counted: null, cashUp: null, varianceCents: null });
    expect(x.value.pending.map((p) => p.saleId)).toEqual([pending]);
    expect(x.value.lines.join('\n')).not.toMatch(/Expected|SHORT|OVER|R550\.00/); // blind: nothing says what the drawer should hold

    // Float 500 + sold 100 + pending cash held 100 − drop 150 = R550 expected; R545 counted is R5 short.
    const closed = await till.api.closeShift({ counted: { CASH: 54_500 } });
    if (!closed.ok) throw new Error(closed.error.message);
    expect(closed.value).toMatchObject({ kind: 'session close', counted: { CASH: 54_500 }, varianceCents: -500 });
    expect(closed.value.cashUp?.find((c) => c.tender === 'CASH')).toMatchObject({ expectedCents: 55_000, countedCents: 54_500, differenceCents: -500 });
    expect(closed.value.lines.join('\n')).toMatch(/SHORT\s+-R5\.00/);
    expect(till.backend.store.getShift(closed.value.shift.id)).toMatchObject({ counted: { CASH: 54_500 }, closedBy: 'cashier' });

    for (const columns of REPORT_WIDTHS) {
      const r = await till.api.shiftReport({ shiftId: closed.value.shift.id, columns });
      if (!r.ok) throw new Error(r.error.message);
      for (const line of r.value.lines) expect(line.length, line).toBeLessThanOrEqual(columns);
      expect(Math.max(...r.value.lines.map((l) => l.length))).toBe(columns); // label/value lines fill the width
    }
    target.setBehaviour({ timeoutRate: 0 });
  });

  it("only a manager closes another's session; the Z-read lists the open ones and the day closes only when none is open", async () => {
    await as('cashier');
    expect((await till.api.openShift({ floatCents: 30_000 })).ok).toBe(true);
    const mine = await till.api.shiftReport({});
    const cashierShift = mine.ok ? mine.value.shift.id : '';
    await as('manager');
    const managerShift = till.backend.store.currentShift('manager')!.id;
    await as('cashier');
    expect(await till.api.closeShift({ shiftId: managerShift, counted: { CASH: 0 } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await till.api.zRead({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await as('manager');
    const z = await till.api.zRead({});
    if (!z.ok) throw new Error(z.error.message);
    expect(z.value.openSessions.map((s) => s.shift.id).sort()).toEqual([cashierShift, managerShift].sort());
    expect(z.value.lines.join('\n')).toMatch(/STILL OPEN: 2/);
    expect(await till.api.closeDay({})).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/Cashier One \(open since/) } });

    expect((await till.api.closeShift({ shiftId: cashierShift, counted: { CASH: 30_000 } })).ok).toBe(true);
    expect((await till.api.closeShift({ counted: { CASH: 50_000 } })).ok).toBe(true);
    const day = await till.api.closeDay({});
    if (!day.ok) throw new Error(day.error.message);
    expect(day.value).toMatchObject({ zNumber: 1, openSessions: [] });
    expect(day.value.sessions.find((s) => s.shift.id === cashierShift)).toMatchObject({ shift: { closedBy: 'Manager' }, countedCashCents: 30_000, varianceCents: 0 });
    const next = await till.api.zRead({});
    expect(next.ok && next.value.sessions).toEqual([]);
    expect(await till.api.closeDay({})).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/Nothing to close/) } });
  });

  it('a closed session stays as it was counted: a pending cash sale it held, cancelled after the close, is still held there', async () => {
    await as('cashier');
    expect((await till.api.openShift({ floatCents: 20_000 })).ok).toBe(true);
    target.setBehaviour({ timeoutRate: 1 });
    const pending = await sell('TST001');
    expect((await till.api.leavePending({ saleId: pending })).ok).toBe(true);
    target.setBehaviour({ timeoutRate: 0 });
    // Float 200 + pending cash held 100: the cashier counts R300, and her drawer balances.
    const closed = await till.api.closeShift({ counted: { CASH: 30_000 } });
    if (!closed.ok) throw new Error(closed.error.message);
    expect(closed.value.varianceCents).toBe(0);

    await as('manager');
    expect(await till.api.cancelPending({ saleId: pending })).toMatchObject({ ok: true, value: { state: 'cancelled' } });
    const again = await till.api.shiftReport({ shiftId: closed.value.shift.id });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.value).toMatchObject({ varianceCents: 0, pending: [{ saleId: pending }] });
    expect(again.value.cashUp?.find((c) => c.tender === 'CASH')).toMatchObject({ expectedCents: 30_000, countedCents: 30_000 });
    expect(again.value.lines.join('\n')).toMatch(/Balances/);
    const z = await till.api.zRead({});
    expect(z.ok && z.value.sessions.find((x) => x.shift.id === closed.value.shift.id)).toMatchObject({ expectedCashCents: 30_000, varianceCents: 0 });
    // The day's own list is as things are now: the sale is no longer pending.
    expect(z.ok && z.value.pending.map((p) => p.saleId)).not.toContain(pending);
  }, 60_000);
});

describe('roles: the virtual printer and the field-tech screens', () => {
  it("a cashier sees only her own sales' slips, never a report, and only when Settings show her the field-tech screens", async () => {
    await as('manager');
    expect((await till.api.openShift({ floatCents: 0 })).ok).toBe(true);
    const managerSale = await sell('TST001');
    await waitSale(till.api, managerSale, (s) => s === 'succeeded');
    await as('cashier');
    expect((await till.api.openShift({ floatCents: 10_000 })).ok).toBe(true);
    const cashierSale = await sell('TST001');
    await waitSale(till.api, cashierSale, (s) => s === 'succeeded');
    expect((await till.api.printShiftReport({})).ok).toBe(true); // her own X-read: a report all the same
    await till.backend.tick(); // prints what queued behind a drain already under way
    await till.backend.idle();

    expect(await till.api.virtualPrinterJobs({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await till.api.virtualMeterEnter({ meter: '00100000017', token: '1' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await as('manager');
    const all = await till.api.virtualPrinterJobs({ limit: 200 });
    if (!all.ok) throw new Error(all.error.message);
    const text = (j: { text: string }) => j.text;
    expect(all.value.jobs.map(text).join('\n')).toMatch(/X-READ/);
    expect((await till.api.setSettings({ security: { cashierFieldTools: true } })).ok).toBe(true);

    await as('cashier');
    const seen = await till.api.virtualPrinterJobs({ limit: 200 });
    if (!seen.ok) throw new Error(seen.error.message);
    const hers = till.backend.store.findSales({ operatorId: 'cashier' }).map((r) => r.id);
    const refOf = (j: { text: string }) => hers.find((id) => j.text.replace(/\s/g, '').includes(id.slice(-8)));
    expect(seen.value.jobs.length).toBeGreaterThan(0);
    for (const j of seen.value.jobs) expect(refOf(j), j.text).toBeDefined();
    expect(seen.value.jobs.some((j) => refOf(j) === cashierSale)).toBe(true);
    expect(seen.value.jobs.map(text).join('\n')).not.toMatch(/READ|SESSION CLOSE/);
    expect(seen.value.jobs.length).toBeLessThan(all.value.jobs.length);
    const report = all.value.jobs.find((j) => /X-READ|Z-READ|SESSION CLOSE/.test(j.text))!;
    expect(await till.api.virtualPrinterFile({ id: report.id, kind: 'png' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await till.api.virtualPrinterFile({ id: seen.value.jobs[0]!.id, kind: 'png' })).ok).toBe(true);
    await as('manager');
    expect((await till.api.setSettings({ security: { cashierFieldTools: false } })).ok).toBe(true);
  });
});

describe('PINs', () => {
  it('saveOperator keeps the PIN rules, and a manager changing their own PIN gives the current one', async () => {
    await as('manager');
    for (const pin of ['1111', '1234', '9999', '4321']) {
      expect(await till.api.saveOperator({ id: 'sipho', name: 'Sipho', role: 'cashier', pin })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'pin' } });
    }
    expect(await till.api.saveOperator({ id: 'sipho', name: 'Sipho', role: 'cashier', pin: '4826' })).toMatchObject({ ok: true });
    expect(await till.api.saveOperator({ id: 'manager', name: 'Manager', role: 'manager', pin: '5173' })).toMatchObject({ ok: false, error: { field: 'currentPin' } });
    expect(await till.api.saveOperator({ id: 'manager', name: 'Manager', role: 'manager', pin: '5173', currentPin: '1357' })).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    expect(await till.api.saveOperator({ id: 'manager', name: 'Manager', role: 'manager', pin: '5173', currentPin: '9999' })).toMatchObject({ ok: true });
    pins.manager = '5173';
    await as('manager');
    expect((await till.api.saveOperator({ id: 'manager', name: 'Manager', role: 'manager', pin: '9999', currentPin: '5173' })).ok).toBe(false); // a shipped PIN, even one's own
    expect(await till.api.changePin({ currentPin: '12', newPin: '5555' })).toMatchObject({ ok: false, error: { message: 'Your current PIN must be 4 to 8 digits.' } });
  });

  it("the manager's approval PIN locks after five wrong tries: then even the right PIN does not approve, until a manager unlocks", async () => {
    await as('manager');
    target.setBehaviour({ timeoutRate: 1 });
    const first = await sell('TST004');
    expect((await till.api.leavePending({ saleId: first })).ok).toBe(true);
    const again = { meterId: 'TST004', amountCents: 10000, tender: { type: 'CASH' as const } };
    for (let i = 0; i < 5; i++) {
      expect(await till.api.purchase({ ...again, approval: { managerId: 'manager', pin: '2580', pendingSaleId: first } })).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    }
    const locked = await till.api.purchase({ ...again, approval: { managerId: 'manager', pin: pins.manager, pendingSaleId: first } });
    expect(locked).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    expect(till.backend.store.findSales({ meterId: 'TST004' }).length).toBe(1); // nothing approved, nothing sent
    expect(till.backend.store.getOperator('manager')!.pinState.lockedUntil).not.toBeNull();
    expect((await till.api.unlockOperator({ operatorId: 'manager' })).ok).toBe(true);
    target.setBehaviour({ timeoutRate: 0 });
    const approved = await till.api.purchase({ ...again, approval: { managerId: 'manager', pin: pins.manager, pendingSaleId: first } });
    expect(approved.ok, JSON.stringify(approved)).toBe(true);
  });
});
