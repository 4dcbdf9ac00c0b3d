/**
 * The advice queue's finality rule over real HTTP on loopback: only 202 and 400 end an advice; a
 * 404 (or anything else) is repeated with backoff, and an advice still without a final answer at
 * the age limit is parked as needing reconciliation, with an alert, in the admin API's queue — and
 * the advices behind it go on. A stand-in in front of a simulated provider gives the answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEMO_METERS, startSimulatedProviders } from '../providers';
import { purchaseRequest } from '../protocol/test/fixtures';
import { newId, type PpuClient } from '../protocol';
import { startSwitch } from '../index';
import { admin, tillClient, until, type TxDetail } from './helpers';
import { startStandIn } from './stand-in-provider';

const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

interface Advice {
  id: string;
  attempts: number;
  status: string;
  lastError: string | null;
}

it('repeats an advice answered 404 until the provider takes it, parks one that never gets a final answer, and fails one answered 400', async () => {
  const sims = await startSimulatedProviders({ profile: 'demo' });
  closers.push(() => sims.close());
  const ranked = sims.get('P04'); // Cape Town's first ranked provider (EasyPay)
  const script = new Map<string, number[]>(); // advice id → statuses to answer before passing on
  const standIn = await startStandIn(ranked, {
    answer: ({ path }) => {
      const adviceId = /\/(?:confirmations|reversals)\/([^/?]+)/.exec(path)?.[1];
      const next = adviceId ? script.get(adviceId)?.shift() : undefined;
      if (next === undefined) return null;
      return { status: next, body: { id: adviceId, errorType: next === 400 ? 'FORMAT_ERROR' : 'UNABLE_TO_LOCATE_RECORD', errorMessage: `scripted ${next}`, requestType: 'CONFIRMATION_ADVICE' } };
    },
  });
  closers.push(() => standIn.close());
  const dir = mkdtempSync(join(tmpdir(), 'switch-parking-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const sw = await startSwitch({
    dataDir: dir,
    port: 0,
    auth: { username: 'till', password: 'pw' },
    providers: sims.providers.map((p) => (p.descriptor.id === 'P04' ? standIn.endpoint : p)),
    contractSeed: sims.seed,
    engine: { backoff: { baseMs: 20, maxMs: 40 }, adviceMaxAgeMs: 600 },
  });
  closers.push(() => sw.close());
  const till: PpuClient = tillClient(sw);
  closers.push(() => till.close());

  const sell = async () => {
    const p = purchaseRequest(DEMO_METERS.plain, 5000);
    expect((await till.purchase(p)).outcome).toBe('successful');
    expect((await admin(sw).get<TxDetail>(`/transactions/${p.id}`)).body.transaction.providerId).toBe('P04');
    return p;
  };
  const adviceOf = (p: { id: string }) => ({ id: newId(), requestId: p.id, time: new Date().toISOString(), thirdPartyIdentifiers: [], tenders: [{ tenderType: 'CASH' as const, amount: { amount: 5000, currency: '710' } }] });

  const [first, second, third] = [await sell(), await sell(), await sell()];
  const late = adviceOf(first); // 404 twice, then the provider's own 202
  const never = adviceOf(second); // 404 for ever
  const refused = adviceOf(third); // 400: final
  script.set(late.id, [404, 404]);
  script.set(never.id, Array<number>(1000).fill(404));
  script.set(refused.id, [400]);
  expect((await till.confirm(late)).status).toBe(202);
  expect((await till.confirm(never)).status).toBe(202);
  expect((await till.reverse({ ...refused, reversalReason: 'CANCELLED' })).status).toBe(202);

  const queue = async () => (await admin(sw).get<{ queue: Advice[]; needsReconciliation: number }>('/advices')).body;
  const settled = await until(async () => {
    const q = await queue();
    const done = [late, never, refused].map((a) => q.queue.find((x) => x.id === a.id)!);
    return done.every((a) => a.status !== 'PENDING') ? done : null;
  }, 200, 25);
  const [lateA, neverA, refusedA] = settled;
  expect(lateA).toMatchObject({ status: 'DELIVERED', attempts: 3 });
  expect(neverA).toMatchObject({ status: 'NEEDS_RECONCILIATION', lastError: expect.stringContaining('HTTP 404') });
  expect(neverA!.attempts).toBeGreaterThan(2);
  expect(refusedA).toMatchObject({ status: 'FAILED', attempts: 1 });

  const parked = await admin(sw).get<{ queue: Advice[]; needsReconciliation: number }>('/advices?status=NEEDS_RECONCILIATION');
  expect(parked.body.queue.map((a) => a.id)).toEqual([never.id]);
  expect(parked.body.needsReconciliation).toBe(1);
  const alerts = (await admin(sw).get<{ alerts: { kind: string; adviceId?: string; providerId: string; message: string }[] }>('/alerts')).body.alerts;
  const alert = alerts.find((a) => a.kind === 'ADVICE_NEEDS_RECONCILIATION');
  expect(alert).toMatchObject({ adviceId: never.id, providerId: 'P04' });
  expect(alert?.message).toMatch(/reconcile/);
  expect((await admin(sw).get('/advices?status=LOST')).status).toBe(400);
});
