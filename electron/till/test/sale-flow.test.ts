/** The till against a real PPU v3 server over HTTP: every outcome class, retries, pending/cancel, advices, duplicates. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PpuClient, type PurchaseRequest } from '../../../switch-core/protocol';
import { startTarget, startTill, waitSale, type Target, type TestTill } from './harness';

let target: Target;
let till: TestTill;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.close();
});
// Each test has its own till (own database) and a healthy switch: no test depends on another's sales.
beforeEach(async () => {
  till = await startTill(target);
});
afterEach(async () => {
  await till?.backend.close();
  till?.backend.store.close();
  await target.up();
  target.setBehaviour({ serverErrorRate: 0, latencyMs: 0, timeoutRate: 0 });
});

const cash = { type: 'CASH' as const };

async function sell(meterId: string, amountCents: number) {
  const lk = await till.api.lookupMeter({ meterId });
  expect(lk.ok, JSON.stringify(lk)).toBe(true);
  const p = await till.api.purchase({ lookupRef: lk.ok ? lk.value.lookupRef : undefined, meterId, amountCents, tender: cash });
  expect(p.ok, JSON.stringify(p)).toBe(true);
  return p.ok ? p.value : (null as never);
}

describe(`till sale flow (against the ${process.env.TILL_TEST_PROVIDER_ONLY ? 'provider' : 'switch or provider'})`, () => {
  it('success: tokens shown grouped, slip printed, confirmation delivered', async () => {
    const jobsBefore = till.sink.jobs.length;
    const sale = await sell('TST001', 10000);
    const done = await waitSale(till.api, sale.saleId, (s) => s === 'succeeded' || s === 'failed');
    expect(done.state).toBe('succeeded');
    expect(done.tokens[0]?.grouped).toMatch(/^\d{4}( \d{4}){4}$/);
    expect(target.purchaseCount(sale.saleId)).toBe(1);
    await till.backend.idle();
    await till.backend.tick();
    const after = await till.api.getTransaction({ saleId: sale.saleId });
    expect(after.ok && after.value.sale.slip.printed).toBe(true);
    expect(after.ok && after.value.advices[0]).toMatchObject({ kind: 'confirmation', status: 'delivered' });
    expect(till.sink.jobs.length).toBeGreaterThan(jobsBefore);
    // Pressing Sell again for the same lookup answers the same sale, never a second one.
    const again = await till.api.purchase({ lookupRef: (await till.backend.store.getSale(sale.saleId))!.lookupRef!, meterId: 'TST001', amountCents: 10000, tender: cash });
    expect(again.ok && again.value.saleId).toBe(sale.saleId);
  });

  it('failed: a clear reason and nothing charged', async () => {
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 5000, tender: cash });
    const sale = p.ok ? p.value : (null as never);
    const done = await waitSale(till.api, sale.saleId, (s) => s !== 'purchasing' && s !== 'retrying');
    expect(done.state).toBe('failed');
    expect(done.failure?.message).toMatch(/Nothing was charged/);
    expect(target.purchaseCount(sale.saleId)).toBe(0);
  });

  it('refuses a bad meter number and an unknown meter before selling', async () => {
    const bad = await till.api.lookupMeter({ meterId: '12345678901' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'meterId' } });
    const unknown = await till.api.lookupMeter({ meterId: 'NOSUCH1' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'DECLINED' } });
  });

  it('unknown then retried to success: a 500/504 answer, the same purchase id is retried', async () => {
    // TST011 answers 504 first (the certification switch passes it on, as the test server); a 500 is injected at the switch too.
    const lk = await till.api.lookupMeter({ meterId: 'TST011' });
    if (target.kind === 'switch') target.setBehaviour({ serverErrorRate: 1 });
    const p = await till.api.purchase({ lookupRef: lk.ok ? lk.value.lookupRef : undefined, meterId: 'TST011', amountCents: 10000, tender: cash });
    const sale = p.ok ? p.value : (null as never);
    if (target.kind === 'switch') {
      await waitSale(till.api, sale.saleId, (s) => s !== 'purchasing');
      target.setBehaviour({ serverErrorRate: 0 });
    }
    const done = await waitSale(till.api, sale.saleId, (s) => s === 'succeeded' || s === 'failed');
    expect(done.state).toBe('succeeded');
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    const tx = await till.api.getTransaction({ saleId: sale.saleId });
    const ops = tx.ok ? tx.value.traces.map((t) => `${t.operation}:${t.status}`) : [];
    expect(ops[0]).toMatch(/^purchase:50[04]$/);
    expect(ops).toContain('purchaseRetry:201');
    expect(target.purchaseCount(sale.saleId)).toBe(1);
  });

  it('a pending purchase cancelled by the manager gets a delivered reversal', async () => {
    target.setBehaviour({ serverErrorRate: 1 });
    const lk = await till.api.lookupMeter({ meterId: 'TST001' }); // lookups fail too: sell without one
    expect(lk.ok).toBe(false);
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'DEBIT_CARD', maskedCard: '123456******7890' } });
    expect(p.ok).toBe(true);
    const saleId = p.ok ? p.value.saleId : '';
    await waitSale(till.api, saleId, (s) => s === 'retrying' || s === 'pending');
    const left = await till.api.leavePending({ saleId });
    expect(left.ok && left.value.state).toBe('pending');
    await till.backend.idle();
    const pendingView = await till.api.getSale({ saleId });
    expect(pendingView.ok && pendingView.value.slip).toMatchObject({ kind: 'pending', printed: true }); // customer keeps the reference
    const cancelled = await till.api.cancelPending({ saleId });
    expect(cancelled.ok && cancelled.value.state).toBe('cancelled');
    expect(cancelled.ok && cancelled.value.cancelled?.by).toBe('manager');
    target.setBehaviour({ serverErrorRate: 0 });
    for (let i = 0; i < 100; i++) {
      await till.backend.tick();
      const q = await till.api.getTransaction({ saleId });
      if (q.ok && q.value.advices.some((a) => a.kind === 'reversal' && a.status !== 'queued')) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const tx = await till.api.getTransaction({ saleId });
    expect(tx.ok && tx.value.advices.find((a) => a.kind === 'reversal')?.status).toBe('delivered');
    const queue = await till.api.listQueue({});
    expect(queue.ok && queue.value.some((q) => q.saleId === saleId)).toBe(false);
  });

  it('advices wait while the switch is down and are delivered, in order, afterwards', async () => {
    const sale = await sell('TST003', 10000);
    await waitSale(till.api, sale.saleId, (s) => s === 'succeeded');
    // The switch goes away: a sale stays unknown, is left pending and cancelled; its reversal must wait.
    await target.down();
    const p2 = await till.api.purchase({ meterId: 'TST004', amountCents: 10000, tender: cash });
    const id2 = p2.ok ? p2.value.saleId : '';
    await waitSale(till.api, id2, (s) => s === 'retrying' || s === 'pending');
    await till.api.leavePending({ saleId: id2 });
    await till.api.cancelPending({ saleId: id2 });
    for (let i = 0; i < 5; i++) {
      await till.backend.tick();
      await new Promise((r) => setTimeout(r, 40));
    }
    const held = await till.api.listQueue({});
    const advices = held.ok ? held.value.filter((q) => q.kind !== 'purchase') : [];
    expect(advices.find((q) => q.saleId === id2 && q.kind === 'reversal')?.status).toBe('queued');
    expect(advices[0]?.attempts).toBeGreaterThanOrEqual(1); // the head is repeated, with its age and last error
    expect(advices[0]?.lastError).toBeTruthy();
    await target.up();
    for (let i = 0; i < 200; i++) {
      await till.backend.tick();
      const st = await till.api.status({});
      if (st.ok && st.value.adviceCount === 0) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const st = await till.api.status({});
    expect(st.ok && st.value.adviceCount).toBe(0);
  });

  it('duplicate protection: a sale that reached the switch before the till crashed is retried under its id and sold once', async () => {
    await target.down();
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
    const saleId = p.ok ? p.value.saleId : '';
    await waitSale(till.api, saleId, (s) => s === 'retrying' || s === 'pending');
    await till.backend.close(); // the till "crashes" with the sale unknown
    await target.up();
    // …but the first send had in fact reached the switch:
    const req = JSON.parse(till.backend.store.getSale(saleId)!.requestJson) as PurchaseRequest;
    const direct = new PpuClient({ baseUrl: target.url, username: target.username, password: target.password });
    const first = await direct.purchase(req);
    expect(first.outcome).toBe('successful');
    const again = await direct.purchase(req);
    // The same purchase again is answered with the sale, not sold again.
    expect(again.outcome === 'successful' && again.body.tokens).toEqual(first.outcome === 'successful' && first.body.tokens);
    await direct.close();
    till.backend.store.close();
    till = await startTill(target, { dir: till.dir }); // restart on the same database
    const done = await waitSale(till.api, saleId, (s) => s === 'succeeded' || s === 'failed');
    expect(done.state).toBe('succeeded');
    expect(done.tokens.map((t) => t.token)).toEqual(first.outcome === 'successful' ? first.body.tokens.map((t) => t.token) : []);
    expect(target.purchaseCount(saleId)).toBe(1);
  });

  it('no sale without an open drawer session: after the blind close the till refuses, and sells again once a session is open', async () => {
    const closed = await till.api.closeShift({ counted: { CASH: 50_000 } });
    expect(closed.ok).toBe(true);
    const refused = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NO_SHIFT', message: expect.stringMatching(/Open it with the float/) } });
    const list = await till.api.listTransactions({});
    expect(list.ok && list.value.length).toBe(0); // nothing stored, nothing sent
    expect((await till.api.openShift({ floatCents: 20_000 })).ok).toBe(true);
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
    expect(p.ok && (await waitSale(till.api, p.value.saleId, (s) => s === 'succeeded')).state).toBe('succeeded');
  });

  it('the cashier waits for the set number of retries, then the sale is left pending by itself with its slip', async () => {
    expect((await till.api.setSettings({ timeouts: { foregroundRetries: 2 } })).ok).toBe(true);
    await target.down();
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
    const saleId = p.ok ? p.value.saleId : '';
    const pending = await waitSale(till.api, saleId, (s) => s === 'pending');
    expect(pending.attempts).toBe(3); // the first send and the 2 retries the cashier waited for
    await till.backend.idle();
    // Exactly those three went out, the first as a purchase: the first send is counted in the row the
    // sale is stored with, so the cashier never waits through a send more than the setting says.
    const sends = await till.api.getTransaction({ saleId });
    expect(sends.ok && sends.value.traces.filter((t) => t.operation === 'purchase' || t.operation === 'purchaseRetry').map((t) => t.operation)).toEqual(['purchase', 'purchaseRetry', 'purchaseRetry']);
    const view = await till.api.getSale({ saleId });
    expect(view.ok && view.value.slip).toMatchObject({ kind: 'pending', printed: true });
  });

  it('an answer that arrives after the manager cancelled changes nothing, and the reversal goes out after it', async () => {
    target.setBehaviour({ latencyMs: 1200 });
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
    const saleId = p.ok ? p.value.saleId : '';
    expect((await till.api.leavePending({ saleId })).ok).toBe(true);
    const cancelled = await till.api.cancelPending({ saleId });
    expect(cancelled.ok && cancelled.value.state).toBe('cancelled');
    await till.backend.idle(); // the purchase still in flight is answered (successfully) now
    const settledView = await till.api.getSale({ saleId });
    for (let i = 0; i < 100; i++) {
      await till.backend.tick();
      const tx = await till.api.getTransaction({ saleId });
      if (tx.ok && tx.value.advices.some((a) => a.kind === 'reversal' && a.status !== 'queued')) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const tx = await till.api.getTransaction({ saleId });
    if (!tx.ok || !settledView.ok) throw new Error('no transaction');
    expect(tx.value.sale).toMatchObject({ state: 'cancelled', tokens: [] });
    expect(tx.value.sale.version).toBe(settledView.value.version); // the late answer wrote nothing
    expect(target.purchaseCount(saleId)).toBe(1); // the utility did sell…
    const purchase = tx.value.traces.find((t) => t.operation === 'purchase')!;
    const reversal = tx.value.traces.find((t) => t.operation === 'reversal');
    expect(tx.value.advices.find((a) => a.kind === 'reversal')?.status).toBe('delivered'); // …and the reversal covers it,
    expect(Date.parse(reversal!.at)).toBeGreaterThanOrEqual(Date.parse(purchase.at) + purchase.ms - 5); // sent after the sale's answer
  });

  it('a second sale to a meter with a pending sale needs a manager who names that pending sale', async () => {
    // Its retries minutes apart: the pending sale stays open while the switch is back for the lookups.
    expect((await till.api.setSettings({ timeouts: { retryBaseMs: 600_000, retryMaxMs: 600_000 } })).ok).toBe(true);
    await target.down();
    const first = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: cash });
    const pendingId = first.ok ? first.value.saleId : '';
    await waitSale(till.api, pendingId, (s) => s === 'retrying' || s === 'pending');
    await till.api.leavePending({ saleId: pendingId });
    await target.up();
    // The lookup flags it first, with the reference the pending slip prints, before any amount is typed.
    const flagged = await till.api.lookupMeter({ meterId: 'TST001' });
    expect(flagged.ok && flagged.value.openSale).toMatchObject({ saleId: pendingId, state: 'pending', amountCents: 10000 });
    const clear = await till.api.lookupMeter({ meterId: 'TST003' });
    expect(clear.ok && clear.value.openSale).toBeNull();
    target.setBehaviour({ serverErrorRate: 1 }); // the pending sale stays open while the cashier tries again
    await till.api.signIn({ operatorId: 'cashier', pin: '1111' });
    const again = { meterId: 'TST001', amountCents: 10000, tender: cash };
    const refused = await till.api.purchase(again);
    expect(refused).toMatchObject({ ok: false, error: { code: 'NEEDS_APPROVAL', pendingSaleId: pendingId } });
    expect(!refused.ok && refused.error.message).toContain(`reference ${pendingId.slice(-8)},`); // the pending slip's short reference and why
    expect(!refused.ok && refused.error.message).not.toContain(pendingId);
    expect(!refused.ok && refused.error.message).toMatch(/charge the customer twice/);
    const byCashier = await till.api.purchase({ ...again, approval: { managerId: 'cashier', pin: '1111', pendingSaleId: pendingId } });
    expect(byCashier).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    const wrongPin = await till.api.purchase({ ...again, approval: { managerId: 'manager', pin: '1234', pendingSaleId: pendingId } });
    expect(wrongPin).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
    const otherRef = await till.api.purchase({ ...again, approval: { managerId: 'manager', pin: '9999', pendingSaleId: '00000000-0000-4000-8000-000000000000' } });
    expect(otherRef).toMatchObject({ ok: false, error: { code: 'NEEDS_APPROVAL' } });
    expect(till.backend.store.findSales({ meterId: 'TST001' }).length).toBe(1); // nothing refused was stored or sent
    const other = await till.api.purchase({ meterId: 'TST003', amountCents: 10000, tender: cash }); // other meters sell as usual
    expect(other.ok).toBe(true);
    target.setBehaviour({ serverErrorRate: 0 });
    const approved = await till.api.purchase({ ...again, approval: { managerId: 'manager', pin: '9999', pendingSaleId: pendingId } });
    expect(approved.ok, JSON.stringify(approved)).toBe(true);
    const row = till.backend.store.getSale(approved.ok ? approved.value.saleId : '');
    expect(row).toMatchObject({ approvedBy: 'manager', approvedOver: pendingId, operatorId: 'cashier' });
  });

  it('roles: a cashier may not reprint; a manager reprint is marked and logged', async () => {
    const { saleId } = await sell('TST001', 10000);
    await waitSale(till.api, saleId, (s) => s === 'succeeded');
    await till.api.signOut({});
    await till.api.signIn({ operatorId: 'cashier', pin: '1111' });
    expect(await till.api.reprintLocal({ saleId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await till.api.signIn({ operatorId: 'manager', pin: '9999' });
    const r = await till.api.reprintLocal({ saleId });
    expect(r).toMatchObject({ ok: true, value: { printed: true, reprintCount: 1 } });
    const tx = await till.api.getTransaction({ saleId });
    expect(tx.ok && tx.value.reprints[0]).toMatchObject({ operatorId: 'manager', source: 'local' });
    const fromSwitch = await till.api.reprintFromSwitch({ saleId });
    expect(fromSwitch, JSON.stringify(fromSwitch)).toMatchObject({ ok: true, value: { printed: true } });
    const original = await till.api.getSale({ saleId });
    expect(fromSwitch.ok && fromSwitch.value.tokens.map((t) => t.token)).toEqual(original.ok ? original.value.tokens.map((t) => t.token) : []);
    expect(await till.api.signIn({ operatorId: 'manager', pin: '0000' })).toMatchObject({ ok: false, error: { code: 'WRONG_PIN' } });
  });

  it('end-of-day report totals per utility, tender and cashier, with CSV', async () => {
    const a = await sell('TST001', 10000);
    await waitSale(till.api, a.saleId, (s) => s === 'succeeded');
    const b = await till.api.purchase({ meterId: 'TST003', amountCents: 10000, tender: { type: 'DEBIT_CARD', maskedCard: '123456******7890' } });
    await waitSale(till.api, b.ok ? b.value.saleId : '', (s) => s === 'succeeded');
    const f = await till.api.purchase({ meterId: 'TST001', amountCents: 5000, tender: cash }); // INVALID_AMOUNT
    await waitSale(till.api, f.ok ? f.value.saleId : '', (s) => s === 'failed');
    const r = await till.api.eodReport({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.succeeded).toEqual({ count: 2, amountCents: 20000 });
    expect(r.value.failedCount).toBe(1);
    expect(r.value.byTender).toEqual([
      { key: 'CASH', label: 'Cash', count: 1, amountCents: 10000 },
      { key: 'DEBIT_CARD', label: 'Debit card', count: 1, amountCents: 10000 },
    ]);
    expect(r.value.byCashier).toEqual([{ key: 'manager', label: 'Manager', count: 2, amountCents: 20000 }]);
    const csv = r.value.csv.split('\r\n');
    expect(csv[0]).toBe('date,reference,meter,state,tender,amount,cashier,utility,provider');
    expect(csv.filter((l) => l.split(',')[3] === 'sold').map((l) => l.split(',').slice(4, 6).join(' ')).sort()).toEqual(['Cash 100.00', 'Debit card 100.00']);
  });

  it('settings: invalid values refused per field, nothing half-applied', async () => {
    const before = await till.api.getSettings({});
    const bad = await till.api.setSettings({ terminalId: 'SHORT', merchantName: 'New name', merchantType: 'abc' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', fields: { terminalId: expect.any(String), merchantType: expect.any(String) } } });
    const after = await till.api.getSettings({});
    expect(after).toEqual(before);
  });

  it('console views are proxied to the switch admin API', async () => {
    if (target.kind !== 'switch') return void console.log('console proxy test needs the switch (provider-only run)');
    const meter = await till.api.meterDetail({ meterId: 'TST001' });
    expect(meter).toMatchObject({ ok: true, value: { meterId: 'TST001' } });
    const search = await till.api.meterSearch({ prefix: 'TST00' });
    expect(search.ok && search.value.meters.length).toBeGreaterThan(0);
    const routing = await till.api.routing({});
    expect(routing.ok && routing.value.utilities.length).toBeGreaterThan(0);
    const providers = await till.api.providers({});
    expect(providers.ok && providers.value.providers.length).toBe(11);
    const id = providers.ok ? providers.value.providers[0]!.id : '';
    const set = await till.api.setProviderBehaviour({ providerId: id, patch: { latencyMs: 5 } });
    expect(set.ok, JSON.stringify(set)).toBe(true);
    await till.api.setProviderBehaviour({ providerId: id, patch: { latencyMs: 0 } });
    const { saleId } = await sell('TST001', 10000);
    await waitSale(till.api, saleId, (s) => s === 'succeeded');
    const txs = await till.api.switchTransactions({ q: saleId });
    expect(txs.ok && txs.value.transactions.length).toBeGreaterThan(0);
    expect(await till.api.meterDetail({ meterId: 'NOPE99' })).toMatchObject({ ok: false });
  });
});
