/**
 * The first purchase on a meter the contract table does not know yet goes where the utility ranks
 * it: the switch waits for the ranked provider's answer (bounded by the broadcast's timeout) before
 * choosing an unranked provider that answered first. Two stand-ins of the public test server over
 * real HTTP: the unranked one answers at once, the ranked one 300 ms later.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { purchaseRequest } from '../protocol/test/fixtures';
import { startSwitch, type RunningSwitch } from '../index';
import type { ProviderEndpoint } from '../providers/types';
import { tillClient } from './helpers';
import { PUBLIC_METERS, startPublicTestServer, type PublicTestServer } from './public-test-server';

let fast: PublicTestServer;
let ranked: PublicTestServer;
let sw: RunningSwitch;
const dir = mkdtempSync(join(tmpdir(), 'first-purchase-'));

const endpoint = (id: string, server: PublicTestServer): ProviderEndpoint => ({
  descriptor: { id, name: id, capabilities: { retries: true, reprints: false, trialPurchases: false, faultReports: false, keyChange: false }, utilityTypes: ['ELECTRICITY'] },
  baseUrl: server.origin,
  username: server.username,
  password: server.password,
});

beforeAll(async () => {
  fast = await startPublicTestServer();
  ranked = await startPublicTestServer({ latencyMs: 300 });
  sw = await startSwitch({
    dataDir: dir,
    port: 0,
    auth: { username: 'till', password: 'pw' },
    providers: [endpoint('FAST', fast), endpoint('RANKED', ranked)],
    // The public server's utility, as its answers name it, ranks RANKED; FAST is unranked.
    contractSeed: { utilities: [{ id: 'U-ETS', name: 'Electrum Test Server', utilityType: 'ELECTRICITY', ranked: ['RANKED'], excluded: [] }], contractTable: [], weights: {} },
  });
});
afterAll(async () => {
  await sw?.close();
  await fast?.close();
  await ranked?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("sends the first purchase on each unknown meter to the utility's ranked provider, not the unranked one that answered first (4 of 4)", async () => {
  const till = tillClient(sw);
  const meters = ['TST001', 'TST003', 'TST004', 'TST005'];
  for (const meterId of meters) {
    const amount = Number(PUBLIC_METERS.find((m) => m.meterId === meterId)!.testCaseAmount);
    const r = await till.purchase(purchaseRequest(meterId, amount));
    expect(r.outcome, JSON.stringify(r)).toBe('successful');
  }
  const soldAt = (server: PublicTestServer) => meters.filter((m) => server.requests.some((q) => /^\/tokenPurchases\/[^/]+$/.test(q.path) && (q.body.meter as { meterId?: string }).meterId === m));
  expect({ ranked: soldAt(ranked), fast: soldAt(fast) }).toEqual({ ranked: meters, fast: [] });
  await till.close();
});
