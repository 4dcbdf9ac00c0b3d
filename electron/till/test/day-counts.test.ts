/**
 * The day's money as the drawer sessions counted it, on a real till file with the switch over HTTP:
 * the end-of-day report takes each session's own blind count (expected against counted per session,
 * the day's variance their sum) and says "not counted" only for a session that was not; the refund
 * of a pending cash sale whose session was closed is paid out of the drawer session open at the till
 * (its expected cash less the refund, so it balances when counted with the refund taken out; the drawer
 * opens for it) or, with none open, from the safe (the drawer stays shut) — each named in the Z-read;
 * a cash sale still retrying (not pending) when its session closed is paid back the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, startTill, waitSale, type Target, type TestTill } from './harness';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});

const pins = { cashier: '1111', manager: '9999' };
async function as(till: TestTill, operatorId: 'cashier' | 'manager'): Promise<void> {
  const r = await till.api.signIn({ operatorId, pin: pins[operatorId] });
  expect(r.ok, JSON.stringify(r)).toBe(true);
}
async function sold(till: TestTill): Promise<string> {
  const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10_000, tender: { type: 'CASH' } });
  if (!p.ok) throw new Error(p.error.message);
  expect((await waitSale(till.api, p.value.saleId, (s) => s === 'succeeded' || s === 'failed')).state).toBe('succeeded');
  return p.value.saleId;
}
async function leftPending(till: TestTill): Promise<string> {
  target.setBehaviour({ timeoutRate: 1 });
  const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10_000, tender: { type: 'CASH' } });
  if (!p.ok) throw new Error(p.error.message);
  expect((await till.api.leavePending({ saleId: p.value.saleId })).ok).toBe(true);
  target.setBehaviour({ timeoutRate: 0 });
  return p.value.saleId;
}
/** The drawer kicks the till sent its printer, and the openings it recorded for one sale (kinds in order). */
const kicks = (till: TestTill) => till.sink.jobs.filter((b) => b[0] === 0x1b && b[1] === 0x70).length;
const opensOf = (till: TestTill, saleId: string) => till.backend.store.drawerOpens('', '~').filter((d) => d.saleId === saleId).map((d) => d.kind);
/** The Z-read of a day whose Cashier One sales were paid back: the first from the manager's drawer, the second from the safe; it balances. */
async function zReadOfRefunds(till: TestTill, fromDrawer: string, fromSafe: string, safeCents: number) {
  const z = await till.api.zRead({});
  if (!z.ok) throw new Error(z.error.message);
  expect(z.value.refunds.map((r) => [r.saleId, r.paidFrom?.operatorName ?? 'safe', r.soldIn?.operatorName])).toEqual([
    [fromDrawer, 'Manager', 'Cashier One'],
    [fromSafe, 'safe', 'Cashier One'],
  ]);
  expect(z.value).toMatchObject({ safeRefundsCents: safeCents, varianceCents: 0 });
  return z.value;
}
async function closeOwn(till: TestTill, cashCents: number): Promise<{ shiftId: string; varianceCents: number | null }> {
  const r = await till.api.closeShift({ counted: { CASH: cashCents } });
  if (!r.ok) throw new Error(r.error.message);
  return { shiftId: r.value.shift.id, varianceCents: r.value.varianceCents };
}

describe('end of day from the sessions’ own counts', () => {
  it('two counted sessions give the day’s counted cash and summed variance; a session left open is the only one not counted', async () => {
    const till = await startTill(target); // both operators' sessions open with R500
    await as(till, 'cashier');
    await sold(till);
    expect(await closeOwn(till, 60_000)).toMatchObject({ varianceCents: 0 }); // R500 + R100: balances
    await as(till, 'manager');
    await sold(till);
    expect(await closeOwn(till, 59_500)).toMatchObject({ varianceCents: -500 }); // R5 short

    const eod = await till.api.eodReport({});
    if (!eod.ok) throw new Error(eod.error.message);
    expect(eod.value.cashUp.find((c) => c.tender === 'CASH')).toEqual({ tender: 'CASH', label: 'Cash', expectedCents: 120_000, countedCents: 119_500, differenceCents: -500, uncountedCents: 0 });
    expect(eod.value.sessions.map((s) => [s.shift.operatorName, s.countedCashCents, s.varianceCents])).toEqual([
      ['Cashier One', 60_000, 0],
      ['Manager', 59_500, -500],
    ]);
    const text = eod.value.lines.join('\n');
    expect(text).not.toMatch(/not counted/);
    expect(text).toMatch(/Cash\n\s+Expected\s+R1 ?200\.00\n\s+Counted\s+R1 ?195\.00\n\s+SHORT\s+-R5\.00/);
    expect(text).toMatch(/DRAWER SESSIONS \(2\)\nCashier One [\d:]+-[\d:]+\n\s+Float\s+R500\.00\n\s+Counted cash\s+R600\.00\n\s+Expected cash\s+R600\.00\n\s+Variance\s+balances/);

    // A third session opened and left open: named as not counted; the counted ones stand as they were.
    await as(till, 'cashier');
    expect((await till.api.openShift({ floatCents: 10_000 })).ok).toBe(true);
    await as(till, 'manager');
    const later = await till.api.eodReport({});
    if (!later.ok) throw new Error(later.error.message);
    expect(later.value.cashUp.find((c) => c.tender === 'CASH')).toMatchObject({ expectedCents: 130_000, countedCents: 119_500, differenceCents: -500, uncountedCents: 10_000 });
    expect(later.value.sessions.filter((s) => s.countedCashCents === null).map((s) => [s.shift.operatorName, s.shift.closedAt])).toEqual([['Cashier One', null]]);
    const lines = later.value.lines.join('\n');
    expect(lines.match(/not counted/g)).toHaveLength(1);
    expect(lines).toMatch(/Cashier One [\d:]+-open\n\s+Float\s+R100\.00\n\s+Counted cash\s+not counted/);
    expect(lines).toMatch(/in no count\s+R100\.00/);
    await till.backend.close();
  }, 120_000);
});

describe('the refund of a pending cash sale whose session was closed', () => {
  it('is paid out of the drawer session open at the till, which balances counted without it, and named in the Z-read; with none open, from the safe', async () => {
    const till = await startTill(target);
    await as(till, 'cashier');
    const pending = await leftPending(till);
    const cashierSession = await closeOwn(till, 60_000); // R500 float + R100 held for the pending sale
    expect(cashierSession.varianceCents).toBe(0);

    await as(till, 'manager'); // her own session is open with R500
    expect(await till.api.cancelPending({ saleId: pending })).toMatchObject({ ok: true, value: { state: 'cancelled', cancelled: { by: 'manager' }, refundFrom: 'drawer' } });
    const x = await till.api.shiftReport({});
    if (!x.ok) throw new Error(x.error.message);
    expect(x.value.refunds).toMatchObject([{ saleId: pending, amountCents: 10_000, paidFrom: { operatorName: 'Manager' }, soldIn: { shiftId: cashierSession.shiftId, operatorName: 'Cashier One' } }]);
    // Paid from her drawer: it opens for the refund (the sale's own opening, then the refund's).
    expect(opensOf(till, pending)).toEqual(['sale', 'refund']);
    await expect.poll(() => kicks(till)).toBe(2);
    // R500 float less the R100 refund handed to the customer: R400 in the drawer balances.
    const managerSession = await closeOwn(till, 40_000);
    expect(managerSession.varianceCents).toBe(0);
    const closed = await till.api.shiftReport({ shiftId: managerSession.shiftId });
    expect(closed.ok && closed.value.lines.join('\n')).toMatch(new RegExp(`Refunds paid out \\(1\\)\\s+-R100\\.00\\n\\s+ref ${pending.slice(-8)} Manager's drawer\\s+R100\\.00\\n\\s+sold in Cashier One's session`));
    // The cashier's session stays as counted: the sale still held there.
    const theirs = await till.api.shiftReport({ shiftId: cashierSession.shiftId });
    expect(theirs.ok && theirs.value.varianceCents).toBe(0);

    // Another pending sale, its session closed, and no session open at all: the refund comes from the safe.
    await as(till, 'cashier');
    expect((await till.api.openShift({ floatCents: 20_000 })).ok).toBe(true);
    const second = await leftPending(till);
    expect((await closeOwn(till, 30_000)).varianceCents).toBe(0);
    await as(till, 'manager');
    expect(await till.api.cancelPending({ saleId: second })).toMatchObject({ ok: true, value: { refundFrom: 'safe' } });
    // Paid from the safe: the drawer stays shut — no opening recorded, no kick (checked after the Z-read's print below).
    expect(opensOf(till, second)).toEqual(['sale']);

    const z = await zReadOfRefunds(till, pending, second, 10_000);
    const text = z.lines.join('\n');
    expect(text).toMatch(/Refunds paid \(2\)\s+-R200\.00\n\s+of which from the safe\s+-R100\.00/);
    expect(text).toMatch(new RegExp(`ref ${second.slice(-8)} safe\\s+R100\\.00`));
    const eod = await till.api.eodReport({});
    expect(eod.ok && eod.value.safeRefunds.map((r) => r.saleId)).toEqual([second]);
    expect(eod.ok && eod.value.cashUp.find((c) => c.tender === 'CASH')).toMatchObject({ differenceCents: 0, uncountedCents: 0 });

    // The day's close takes the safe's refund in: the next Z-read starts without it.
    expect((await till.api.closeDay({})).ok).toBe(true);
    const next = await till.api.zRead({});
    expect(next.ok && next.value.refunds).toEqual([]);
    expect(kicks(till)).toBe(3); // the two sales left pending and the one refund from a drawer
    await till.backend.close();
  }, 120_000);
});

describe('a held pending cash sale that fails on its own', () => {
  it('owes the customer her cash back: paid out of the drawer session open at the till, or from the safe with none open', async () => {
    const till = await startTill(target);
    /** A R50 cash sale (one the certification switch refuses outright) left pending while the switch is off the network. */
    async function heldWhileDown(): Promise<string> {
      await target.down();
      const p = await till.api.purchase({ meterId: 'TST001', amountCents: 5_000, tender: { type: 'CASH' } });
      if (!p.ok) throw new Error(p.error.message);
      await waitSale(till.api, p.value.saleId, (s) => s === 'retrying' || s === 'pending');
      expect((await till.api.leavePending({ saleId: p.value.saleId })).ok).toBe(true);
      return p.value.saleId;
    }
    /** The switch back: the retry's answer is the provider's refusal, final. */
    async function failsOnItsOwn(saleId: string, refundFrom: 'drawer' | 'safe'): Promise<void> {
      await target.up();
      const done = await waitSale(till.api, saleId, (s) => s !== 'pending');
      expect(done).toMatchObject({ state: 'failed', refundFrom }); // what the cashier's notice of the failure says
    }

    await as(till, 'cashier');
    const first = await heldWhileDown();
    expect((await closeOwn(till, 55_000)).varianceCents).toBe(0); // R500 float + R50 held
    await failsOnItsOwn(first, 'drawer');
    await as(till, 'manager'); // her session, open with R500, pays the R50 back
    const x = await till.api.shiftReport({});
    if (!x.ok) throw new Error(x.error.message);
    expect(x.value.refunds).toMatchObject([{ saleId: first, amountCents: 5_000, paidFrom: { operatorName: 'Manager' }, soldIn: { operatorName: 'Cashier One' } }]);
    expect((await closeOwn(till, 45_000)).varianceCents).toBe(0); // R500 less the R50 handed back: balances

    await as(till, 'cashier');
    expect((await till.api.openShift({ floatCents: 20_000 })).ok).toBe(true);
    const second = await heldWhileDown();
    expect((await closeOwn(till, 25_000)).varianceCents).toBe(0);
    await failsOnItsOwn(second, 'safe'); // no drawer session open at the till: from the safe
    await as(till, 'manager');
    await zReadOfRefunds(till, first, second, 5_000);
    // Failed in the background with nobody at the counter: the drawer opened only for the two sales taken.
    expect([first, second].map((id) => opensOf(till, id))).toEqual([['sale'], ['sale']]);
    await till.backend.close();
  }, 120_000);
});

describe('a cash sale still retrying when its session closes, that then fails', () => {
  it('is paid back like a pending one: out of the drawer session open at the till, which balances counted without it', async () => {
    const till = await startTill(target);
    // Retries ten minutes apart: the sale stays retrying (not pending) until the test says retry now.
    expect((await till.api.setSettings({ timeouts: { retryBaseMs: 600_000, retryMaxMs: 600_000 } })).ok).toBe(true);
    await as(till, 'cashier');
    await target.down(); // no answer: the sale waits at the counter, retrying
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 5_000, tender: { type: 'CASH' } });
    if (!p.ok) throw new Error(p.error.message);
    const saleId = p.value.saleId;
    expect((await waitSale(till.api, saleId, (s) => s !== 'purchasing')).state).toBe('retrying');
    // Her session closes with the R50 held (R500 float + R50): balances.
    const closed = await closeOwn(till, 55_000);
    expect(closed.varianceCents).toBe(0);
    expect(await till.api.getSale({ saleId })).toMatchObject({ ok: true, value: { state: 'retrying' } });

    // The switch back: the retry's answer is the refusal, final (the certification switch refuses R50 for TST001).
    await target.up();
    expect(await till.api.retryNow({ saleId })).toMatchObject({ ok: true, value: { state: 'failed', refundFrom: 'drawer' } });
    await as(till, 'manager'); // her session, open with R500, pays the R50 back
    const x = await till.api.shiftReport({});
    if (!x.ok) throw new Error(x.error.message);
    expect(x.value.refunds).toMatchObject([{ saleId, amountCents: 5_000, paidFrom: { operatorName: 'Manager' }, soldIn: { shiftId: closed.shiftId, operatorName: 'Cashier One' } }]);
    expect((await closeOwn(till, 45_000)).varianceCents).toBe(0); // R500 less the R50 handed back: balances
    // The cashier's session stays as counted, the sale still held in it.
    const theirs = await till.api.shiftReport({ shiftId: closed.shiftId });
    expect(theirs.ok && theirs.value.varianceCents).toBe(0);
    await till.backend.close();
  }, 120_000);
});
