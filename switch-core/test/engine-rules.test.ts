/**
 * The engine's rules from issue 9 end to end over real HTTP on loopback against the demo profile's
 * simulated providers: a purchase for a meter the contract table does not know is routed (never
 * UNKNOWN_METER_ID while a provider supports it), and an empty meter number is refused before
 * anything is stored or broadcast.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';
import type { PpuClient } from '../protocol';
import { startSwitch, type RunningSwitch } from '../index';
import { admin, tillClient, type MeterDetail, type TxDetail } from './helpers';

let sw: RunningSwitch;
let till: PpuClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switch-rules-'));
  sw = await startSwitch({ dataDir: dir, port: 0, profile: 'demo', auth: { username: 'till', password: 'pw' }, broadcastTimeoutMs: 2_000 });
  till = tillClient(sw);
});

afterAll(async () => {
  await till?.close();
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const requestsSoFar = async () =>
  (await admin(sw).get<{ providers: { requests: number }[] }>('/providers')).body.providers.reduce((sum, p) => sum + p.requests, 0);

// First in the file: no broadcast of an earlier test is still being answered while it counts.
describe('an empty meter number', () => {
  it('is a FORMAT_ERROR for a lookup and a purchase, with nothing stored and nothing sent to a provider', async () => {
    const before = await requestsSoFar();
    const lookup = lookupRequest('');
    const purchase = purchaseRequest('', 5000);
    for (const [req, send] of [
      [lookup, () => till.meterLookup(lookup)],
      [purchase, () => till.purchase(purchase)],
    ] as const) {
      const r = await send();
      expect(r.status).toBe(400);
      expect(r.outcome === 'failed' && r.error?.errorType).toBe('FORMAT_ERROR');
      expect(JSON.stringify(r.outcome === 'failed' && r.error?.detailMessage)).toContain('meter.meterId');
      sw.engine.flushTraces();
      expect((await admin(sw).get(`/transactions/${req.id}`)).status).toBe(404);
    }
    expect((await admin(sw).get<{ meters: { meterId: string }[] }>('/meters?limit=1')).body.meters[0]?.meterId).not.toBe('');
    expect(await requestsSoFar()).toBe(before);
  });
});

describe('a purchase for a meter the contract table does not know', () => {
  // Cape Town meters outside the contract table: iPay (excluded for Cape Town) tends to answer the
  // broadcast first, so a purchase that routed on the first Supported answer found nobody to use.
  it.each(['00128217734', '00128217908'])('%s: broadcasts as a lookup would and sells through a provider it may use', async (meterId) => {
    expect((await admin(sw).get(`/meters/${meterId}`)).status).toBe(404);
    const req = purchaseRequest(meterId, 5000);
    const r = await till.purchase(req);
    expect(r.outcome === 'failed' ? r.error : null).toBeNull();
    expect(r.status).toBe(201);
    const providerId = (await admin(sw).get<TxDetail>(`/transactions/${req.id}`)).body.transaction.providerId;
    const meter = (await admin(sw).get<MeterDetail>(`/meters/${meterId}`)).body;
    expect(meter.utility?.name).toBe('City of Cape Town');
    expect(meter.providers.find((p) => p.providerId === providerId)?.status).toBe('SUPPORTED');
    expect(providerId).not.toBe('P01'); // iPay is excluded for Cape Town
  });
});

describe('a reprint without originalRef', () => {
  it("returns the meter's last token, from the provider that issued it", async () => {
    const meterId = '00128217734'; // sold above; sold twice more here
    const sold = [];
    for (const amount of [3000, 4000]) {
      const req = purchaseRequest(meterId, amount);
      const r = await till.purchase(req);
      if (r.outcome !== 'successful') throw new Error(`purchase failed: ${JSON.stringify(r)}`);
      sold.push({ id: req.id, token: r.body.tokens[0]?.token });
    }
    const last = sold[1]!;
    expect(last.token).not.toBe(sold[0]!.token);
    const reprint = { ...lookupRequest(meterId) };
    const r = await till.reprint(reprint);
    expect(r.outcome === 'successful' ? r.body.tokens[0]?.token : r).toBe(last.token);
    const providerOf = async (id: string) => (await admin(sw).get<TxDetail>(`/transactions/${id}`)).body.transaction.providerId;
    expect(await providerOf(reprint.id)).toBe(await providerOf(last.id));
  });
});

describe('POST /events/tokenPurchases', () => {
  const notify = (purchaseId: string | null, body: unknown) =>
    fetch(`${sw.url}/prepaidutility/v3/events/tokenPurchases${purchaseId === null ? '' : `?purchaseId=${purchaseId}`}`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from('till:pw').toString('base64'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('accepts the notification of a purchase with 202 and files it under that purchase; an unknown purchase is 404, a missing id 400', async () => {
    const req = purchaseRequest('00128217908', 2500);
    const sold = await till.purchase(req);
    if (sold.outcome !== 'successful') throw new Error(`purchase failed: ${JSON.stringify(sold)}`);
    const res = await notify(req.id, sold.body);
    expect(res.status).toBe(202);
    sw.engine.flushTraces();
    const detail = (await admin(sw).get<TxDetail>(`/transactions/${req.id}`)).body;
    expect(detail.traces.filter((t) => t.operation === 'notifyTokenPurchase').map((t) => t.status)).toEqual([202]);
    expect(detail.transaction.status).toBe('SUCCESSFUL');

    const stranger = purchaseRequest('00128217908', 2500);
    const unknown = await notify(stranger.id, { ...sold.body, id: stranger.id });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errorType: string }).errorType).toBe('UNABLE_TO_LOCATE_RECORD');
    const missing = await notify(null, sold.body);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errorType: string }).errorType).toBe('FORMAT_ERROR');
  });
});
