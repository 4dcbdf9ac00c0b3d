/**
 * slipData over real HTTP on loopback (certification profile): an answer without slipData reaches
 * the till with one the switch built, at the configured width, for a sale, a retried sale and a
 * reprint; a provider's own slipData (TST010) reaches the till exactly as the provider sent it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';
import { newId, PpuClient, type PurchaseAnswer } from '../protocol';
import { CERTIFICATION_PROVIDER_ID } from '../providers';
import { startSwitch, type RunningSwitch } from '../index';
import { tillClient } from './helpers';

let sw: RunningSwitch;
let till: PpuClient;
let dir: string;
const WIDTH = 32;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switch-slip-'));
  sw = await startSwitch({ dataDir: dir, port: 0, profile: 'certification', auth: { username: 'till', password: 'pw' }, broadcastTimeoutMs: 1_000, engine: { slipWidth: WIDTH } });
  till = tillClient(sw);
});

afterAll(async () => {
  await till?.close();
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sold(meterId: string, amount = 20000): Promise<PurchaseAnswer> {
  const r = await till.purchase(purchaseRequest(meterId, amount));
  if (r.outcome !== 'successful') throw new Error(`purchase ${meterId}: ${JSON.stringify(r)}`);
  return r.body;
}

const fours = (token: string) => token.match(/.{4}/g)!.join(' ');

it('builds slipData for an answer without one: each token in fours, the charges, at the configured width', async () => {
  const body = await sold('TST007'); // a token, a debt recovery and a service charge
  const slip = body.slipData!;
  expect(slip.slipWidth).toBe(WIDTH);
  const lines = slip.messageLines ?? [];
  for (const l of lines) expect(l.text?.length).toBeLessThanOrEqual(WIDTH);
  const text = lines.map((l) => l.text).join('\n');
  expect(text).toContain(fours(body.tokens[0]!.token));
  expect(text).toContain(body.meter?.meterId);
  expect(text).toContain(body.debtRecoveryCharges![0]!.description!.slice(0, 20));
  expect(text).toContain(body.serviceCharges![0]!.description!.slice(0, 20));
  expect(lines.at(-1)?.cut).toBe(true);
});

it('passes a provider’s own slipData through unchanged (TST010)', async () => {
  const provider = sw.providers.find((p) => p.descriptor.id === CERTIFICATION_PROVIDER_ID)!;
  const direct = new PpuClient({ baseUrl: provider.baseUrl, username: provider.username, password: provider.password, timeoutMs: 5_000 });
  try {
    const own = await direct.purchase(purchaseRequest('TST010', 10000));
    if (own.outcome !== 'successful') throw new Error(JSON.stringify(own));
    const through = await sold('TST010', 10000);
    expect(through.slipData?.messageLines).toEqual(own.body.slipData?.messageLines);
    expect(through.slipData?.slipWidth).toBe(own.body.slipData?.slipWidth);
  } finally {
    await direct.close();
  }
});

it('gives a sale approved through its retry (TST011) and a reprint without originalRef a slip too', async () => {
  // As the public test server, the certification switch answers the first attempt 504; the client's /retry is approved.
  const req = purchaseRequest('TST011', 10000);
  expect((await till.purchase(req)).status).toBe(504);
  const retried = await till.retryPurchase(req);
  if (retried.outcome !== 'successful') throw new Error(JSON.stringify(retried));
  const body = retried.body;
  expect(body.slipData?.messageLines?.map((l) => l.text).join('\n')).toContain(fours(body.tokens[0]!.token));
  const reprint = await till.reprint({ ...lookupRequest('TST011'), id: newId() });
  if (reprint.outcome !== 'successful') throw new Error(JSON.stringify(reprint));
  expect(reprint.body.tokens[0]?.token).toBe(body.tokens[0]?.token);
  expect(reprint.body.slipData?.messageLines?.map((l) => l.text).join('\n')).toContain(fours(body.tokens[0]!.token));
});
