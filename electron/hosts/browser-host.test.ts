/** Browser host over real HTTP: the token is required, arguments are validated, results are the contract's. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpTillApi } from '../api/http-client';
import { createSlipPrinter } from '../till/printing';
import { createTillBackend, type TillBackend } from '../till/service';
import { openTillStore } from '../till/store/repository';
import { memorySecrets, memorySink } from '../till/test/harness';
import { startBrowserHost, type BrowserHost } from './browser-host';

let host: BrowserHost;
let backend: TillBackend;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-host-'));
  const store = openTillStore(join(dir, 'till.db'));
  backend = createTillBackend({ store, printer: createSlipPrinter(() => memorySink(), () => 80, join(dir, 'print-jobs.db')), secrets: memorySecrets(), mode: 'browser', workerIntervalMs: 0 });
  host = await startBrowserHost({ invoke: backend.invoke, rendererDir: '/nonexistent' });
});
afterAll(async () => {
  await host?.close();
  await backend?.close();
});

it('refuses calls without the per-launch token', async () => {
  const bad = createHttpTillApi(host.url, 'wrong');
  expect(await bad.status({})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  const res = await fetch(`${host.url}/api/status`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(401);
});

it('serves the TillApi with the token: sign-in, roles, validation errors per field', async () => {
  expect(host.openUrl).toContain(`token=${encodeURIComponent(host.token)}`);
  const api = createHttpTillApi(host.url, host.token);
  expect(await api.lookupMeter({ meterId: '1' })).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  expect(await api.signIn({ operatorId: 'cashier', pin: '12' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'pin' } });
  expect(await api.signIn({ operatorId: 'cashier', pin: '1111' })).toMatchObject({ ok: true, value: { operator: { id: 'cashier', role: 'cashier' } } });
  expect(await api.getSettings({})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  expect(await api.purchase({ meterId: '12345678901', amountCents: 1000, tender: { type: 'CASH' } })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', field: 'meterId' } });
  const status = await api.status({});
  expect(status).toMatchObject({ ok: true, value: { mode: 'browser', pendingCount: 0, operator: { id: 'cashier' } } });
});
