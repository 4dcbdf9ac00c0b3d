/** Browser host over real HTTP: the token is required, arguments are validated, results are the contract's. */
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TOKEN_HEADER } from '../api/contract';
import { createSlipPrinter } from '../till/printing';
import { DEFAULT_OPERATORS, createTillBackend, type TillBackend } from '../till/service';
import { openTillStore } from '../till/store/repository';
import { memorySecrets, memorySink } from '../till/test/harness';
import { startBrowserHost, type BrowserHost } from './browser-host';
import { browserClient } from './test/browser-client';

let host: BrowserHost;
let backend: TillBackend;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-host-'));
  const store = openTillStore(join(dir, 'till.db'));
  backend = createTillBackend({ store, printer: createSlipPrinter(() => memorySink(), () => 80, join(dir, 'print-jobs.db')), secrets: memorySecrets(), mode: 'browser', workerIntervalMs: 0, operators: DEFAULT_OPERATORS });
  host = await startBrowserHost({ invokeAs: backend.invokeAs, rendererDir: '/nonexistent' });
});
afterAll(async () => {
  await host?.close();
  await backend?.close();
});

it('refuses calls without the per-launch token', async () => {
  const bad = browserClient(host.url, 'wrong');
  expect(await bad.status({})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  const res = await fetch(`${host.url}/api/status`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(401);
});

it('serves the TillApi with the token: sign-in, roles, validation errors per field', async () => {
  expect(host.openUrl).toContain(`token=${encodeURIComponent(host.token)}`);
  const api = browserClient(host.url, host.token);
  expect(await api.lookupMeter({ meterId: '1' })).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  expect(await api.signIn({ operatorId: 'cashier', pin: '12' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'pin' } });
  expect(await api.signIn({ operatorId: 'cashier', pin: '1111' })).toMatchObject({ ok: true, value: { operator: { id: 'cashier', role: 'cashier' } } });
  expect(await api.getSettings({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await api.purchase({ meterId: '12345678901', amountCents: 1000, tender: { type: 'CASH' } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'meterId' } });
  const status = await api.status({});
  expect(status).toMatchObject({ ok: true, value: { mode: 'browser', pendingCount: 0, operator: { id: 'cashier' } } });
});

/** A raw request with chosen Host and Origin headers (fetch does not let a caller set Host). */
function rawPost(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(host.url);
    const req = request({ host: u.hostname, port: Number(u.port), method: 'POST', path, headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, ...headers } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

it('refuses a foreign Host (DNS rebinding) and a foreign Origin even with the launch token', async () => {
  const own = new URL(host.url).host;
  expect(await rawPost('/api/status', { host: own })).toBe(200);
  expect(await rawPost('/api/status', { host: `localhost:${new URL(host.url).port}`, origin: `http://localhost:${new URL(host.url).port}` })).toBe(200);
  expect(await rawPost('/api/status', { host: `attacker.example:${new URL(host.url).port}` })).toBe(421);
  expect(await rawPost('/api/status', { host: own, origin: 'https://attacker.example' })).toBe(403);
  expect(await rawPost('/api/status', { host: own, origin: `http://127.0.0.1:${Number(new URL(host.url).port) + 1}` })).toBe(403);
  expect(await rawPost('/api/status', { host: own, origin: 'null' })).toBe(403);
});

it('trades the launch token in the address for an access cookie and drops it from the address', async () => {
  const opened = await fetch(`${host.openUrl}&screen=x`, { redirect: 'manual' });
  expect(opened.status).toBe(303);
  expect(opened.headers.get('location')).toBe('/?screen=x'); // not bookmarked, not on screen
  const cookie = /^till_access=[^;]+/.exec(opened.headers.get('set-cookie') ?? '')?.[0];
  expect(opened.headers.get('set-cookie')).toMatch(/HttpOnly.*SameSite=Strict|SameSite=Strict.*HttpOnly/);
  const withCookie = await fetch(`${host.url}/api/status`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', cookie: cookie ?? '' } });
  expect(withCookie.status).toBe(200); // the cookie alone admits, as the launch token did
  const wrong = await fetch(`${host.url}/?token=not-the-token`, { redirect: 'manual' });
  expect(wrong.status).toBe(303);
  expect(wrong.headers.get('set-cookie')).toBeNull();
  const forged = await fetch(`${host.url}/api/status`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', cookie: 'till_access=forged' } });
  expect(forged.status).toBe(401);
});
