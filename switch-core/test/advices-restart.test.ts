/**
 * Must-deliver advices across a switch restart, and the certification scenario TST011 (a purchase
 * that times out at the provider and whose retry is approved), over real HTTP on loopback. The
 * simulated providers run outside the switch here so they outlive its restart, as real ones would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_METERS, startSimulatedProviders } from '../providers';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';
import { newId } from '../protocol';
import { startSwitch, type RunningSwitch } from '../index';
import { admin, tillClient, until, type MeterDetail, type TxDetail } from './helpers';

const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Queue {
  queue: { id: string; purchaseId: string; kind: string; providerId: string; attempts: number; status: string; lastError: string | null }[];
}

describe('advice queue', () => {
  it('acknowledges a confirmation at once, keeps it while the provider is down, and delivers it after a switch restart', async () => {
    const sims = await startSimulatedProviders({ profile: 'demo', behaviours: { P09: { latencyMs: 0 } } });
    closers.push(() => sims.close());
    const dir = mkdtempSync(join(tmpdir(), 'switch-advice-'));
    dirs.push(dir);
    const opts = {
      dataDir: dir,
      port: 0,
      auth: { username: 'till', password: 'pw' },
      providers: sims.providers,
      contractSeed: sims.seed,
      providerTimeoutMs: 500,
      engine: { backoff: { baseMs: 20, maxMs: 100 } },
    };
    let sw: RunningSwitch = await startSwitch(opts);
    let till = tillClient(sw);
    const purchase = purchaseRequest(DEMO_METERS.plain, 5000);
    expect((await till.purchase(purchase)).outcome).toBe('successful');
    const providerId = (await admin(sw).get<TxDetail>(`/transactions/${purchase.id}`)).body.transaction.providerId!;
    sims.get(providerId).setBehaviour({ down: true });

    const advice = { id: newId(), requestId: purchase.id, time: new Date().toISOString(), thirdPartyIdentifiers: [], tenders: [{ tenderType: 'CASH' as const, amount: { amount: 5000, currency: '710' } }] };
    const ack = await till.confirm(advice);
    expect(ack.status).toBe(202);
    // The same advice repeated by a till that missed the 202 is acknowledged again.
    expect((await till.confirm(advice)).status).toBe(202);
    await until(async () => (await admin(sw).get<Queue>('/advices')).body.queue.find((a) => a.id === advice.id && a.attempts >= 2 && a.status === 'PENDING'));
    await till.close();
    await sw.close();

    sims.get(providerId).setBehaviour({ down: false });
    sw = await startSwitch(opts);
    closers.push(() => sw.close());
    till = tillClient(sw);
    closers.push(() => till.close());
    const delivered = await until(async () => (await admin(sw).get<Queue>('/advices')).body.queue.find((a) => a.id === advice.id && a.status === 'DELIVERED'));
    expect(delivered).toMatchObject({ kind: 'confirmation', purchaseId: purchase.id, providerId });
    const tx = (await admin(sw).get<TxDetail>(`/transactions/${advice.id}`)).body;
    expect(tx.transaction.status).toBe('SUCCESSFUL');
    expect(tx.traces.some((t) => t.direction === 'switch->provider' && t.status === 202)).toBe(true);
  });

  it('a confirmation the switch recorded but died before queueing is queued when the till repeats it, never refused as a duplicate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switch-advice-cut-'));
    dirs.push(dir);
    const sw = await startSwitch({ dataDir: dir, port: 0, auth: { username: 'till', password: 'pw' }, profile: 'demo' });
    closers.push(() => sw.close());
    const till = tillClient(sw);
    closers.push(() => till.close());
    const purchase = purchaseRequest(DEMO_METERS.plain, 5000);
    expect((await till.purchase(purchase)).outcome).toBe('successful');
    const advice = { id: newId(), requestId: purchase.id, time: new Date().toISOString(), thirdPartyIdentifiers: [], tenders: [{ tenderType: 'CASH' as const, amount: { amount: 5000, currency: '710' } }] };
    // What a SIGKILL between the two writes leaves: the advice's transaction row, no queued advice.
    await sw.store.insertTransaction({ id: advice.id, type: 'CONFIRMATION', meterId: purchase.meter.meterId, providerId: null, status: 'UNKNOWN', amount: 5000, startedAt: new Date().toISOString(), purchaseId: purchase.id, request: advice });
    expect((await till.confirm(advice)).status).toBe(202);
    const queued = await until(async () => (await admin(sw).get<Queue>('/advices')).body.queue.find((a) => a.id === advice.id));
    expect(queued).toMatchObject({ kind: 'confirmation', purchaseId: purchase.id });
  });
});

describe('certification profile', () => {
  it('TST011: the provider times out, the switch retries at the same provider and the purchase is approved; a re-broadcast refreshes the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switch-cert-'));
    dirs.push(dir);
    // The certification profile passes TST011's 504 to the till (as the test server); here the switch's own retry is on.
    const sw = await startSwitch({ dataDir: dir, port: 0, profile: 'certification', auth: { username: 'till', password: 'pw' }, broadcastTimeoutMs: 1000, engine: { unknownOutcomeRetries: 1 } });
    closers.push(() => sw.close());
    const till = tillClient(sw);
    closers.push(() => till.close());
    expect((await till.meterLookup(lookupRequest('TST001'))).outcome).toBe('successful');
    const unknownMeter = await till.meterLookup(lookupRequest('NOPE999'));
    expect(unknownMeter.outcome === 'failed' && unknownMeter.error?.errorType).toBe('UNKNOWN_METER_ID');
    const p = purchaseRequest('TST011', 10000);
    const r = await till.purchase(p);
    expect(r.outcome).toBe('successful');
    const d = (await admin(sw).get<TxDetail>(`/transactions/${p.id}`)).body;
    const sent = d.traces.filter((t) => t.direction === 'switch->provider');
    expect(sent.map((t) => t.operation)).toEqual(['purchase', 'purchaseRetry']);
    expect(new Set(sent.map((t) => t.providerId)).size).toBe(1);

    // Periodic re-broadcast (run on demand here): every meter asked again, statuses refreshed.
    const serving = sw.providers.find((x) => x.descriptor.id === sent[0]!.providerId)!;
    serving.setBehaviour({ refusedMeters: ['TST001'] });
    const before = (await admin(sw).get<MeterDetail>('/meters/TST001')).body;
    expect(before.providers.find((x) => x.providerId === serving.descriptor.id)?.status).toBe('SUPPORTED');
    const run = await admin(sw).post<{ meters: number }>('/rebroadcast');
    expect(run.body.meters).toBeGreaterThanOrEqual(11);
    const after = (await admin(sw).get<MeterDetail>('/meters/TST001')).body;
    expect(after.providers.find((x) => x.providerId === serving.descriptor.id)?.status).toBe('NOT_SUPPORTED');
    expect(after.providers.every((x) => x.status !== 'UNCONFIRMED')).toBe(true);
  });
});
