/**
 * The load balancer's view of a switch node over real HTTP: GET /healthz answers without credentials,
 * 200 while the store answers its check, 503 with the reason when the check fails or hangs, and the
 * node keeps serving (and turns healthy again) afterwards. Everything else still wants credentials.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSwitch, type RunningSwitch } from '../index';
import { HEALTH_CHECK_TIMEOUT_MS } from '../server/health-routes';

let dir: string;
let sw: RunningSwitch;
/** What the store's check does next: the test flips it as a database would go down and come back. */
let storeCheck: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switch-health-'));
  sw = await startSwitch({ dataDir: dir, profile: 'certification', auth: { username: 'till', password: 'pw' }, health: () => storeCheck() });
});
afterAll(async () => {
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function probe(): Promise<{ status: number; body: unknown }> {
  const res = await fetch(sw.url + '/healthz');
  return { status: res.status, body: await res.json() };
}

it('answers 200 {"status":"ok"} to a probe without credentials while the store answers', async () => {
  storeCheck = async () => undefined;
  expect(await probe()).toEqual({ status: 200, body: { status: 'ok' } });
  expect((await fetch(sw.url + '/healthz', { method: 'HEAD' })).status).toBe(200);
});

it('answers 503 with the reason while the store fails its check, and 200 again once it is back', async () => {
  storeCheck = async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  };
  expect(await probe()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'the store did not answer: connect ECONNREFUSED 127.0.0.1:5432' } });
  storeCheck = async () => undefined;
  expect(await probe()).toEqual({ status: 200, body: { status: 'ok' } });
});

it('answers 503 in bounded time when the store check hangs', async () => {
  storeCheck = () => new Promise<void>(() => undefined);
  expect(await probe()).toEqual({ status: 503, body: { status: 'unavailable', reason: `the store did not answer within ${HEALTH_CHECK_TIMEOUT_MS} ms` } });
  storeCheck = async () => undefined;
});

it('still wants credentials everywhere else', async () => {
  expect((await fetch(sw.url + '/admin/v1/health')).status).toBe(401);
  const withAuth = await fetch(sw.url + '/admin/v1/health', { headers: { authorization: 'Basic ' + Buffer.from('till:pw').toString('base64') } });
  expect(withAuth.status).toBe(200);
});

it("by default asks the switch's own store: a closed store makes the node unhealthy", async () => {
  const ownDir = mkdtempSync(join(tmpdir(), 'switch-health-default-'));
  const own = await startSwitch({ dataDir: ownDir, profile: 'certification', auth: { username: 'till', password: 'pw' } });
  try {
    expect((await fetch(own.url + '/healthz')).status).toBe(200);
    await own.store.close();
    const res = await fetch(own.url + '/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^the store did not answer: .*not open/) });
  } finally {
    await own.close();
    rmSync(ownDir, { recursive: true, force: true });
  }
});
