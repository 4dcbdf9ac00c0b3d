/**
 * Every route of the browser host, walked over real HTTP against a real till runtime (embedded
 * switch, virtual printer on TCP, SQLite files): with the launch token but no sign-in, every method
 * but the public ones and every print-job file is refused; a cashier gets no manager method, no
 * field-tech tool unless Settings allow it, and then only her own sales' slips (files and job list);
 * a manager gets every slip. The route list itself is
 * read from the server, so a route added later without a case here fails the walk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { METHODS, TOKEN_HEADER, type MethodName } from '../api/contract';
import type { ProvisionedOperator } from '../till/service';
import { startTillRuntime, type TillRuntime } from '../till/runtime';
import { SESSION_COOKIE, startBrowserHost, type BrowserHost } from './browser-host';
import { browserClient, type BrowserClient } from './test/browser-client';

const OPERATORS: ProvisionedOperator[] = [
  { id: 'thandi', name: 'Thandi', role: 'cashier', pin: '2580' },
  { id: 'lerato', name: 'Lerato', role: 'cashier', pin: '3691' },
  { id: 'sipho', name: 'Sipho', role: 'manager', pin: '7913' },
];

let dir: string;
let runtime: TillRuntime;
let host: BrowserHost;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'till-routes-'));
  runtime = await startTillRuntime({ dataDir: dir, mode: 'browser', fileUrls: true, workerIntervalMs: 0, operators: OPERATORS, env: {} });
  host = await startBrowserHost({ invokeAs: runtime.backend.invokeAs, rendererDir: '/nonexistent' });
});
afterAll(async () => {
  await host?.close();
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function signedIn(id: string, pin: string): Promise<BrowserClient> {
  const b = browserClient(host.url, host.token);
  const r = await b.signIn({ operatorId: id, pin });
  if (!r.ok) throw new Error(r.error.message);
  return b;
}

/** Sells one demo token and answers the virtual printer job number of its slip. */
async function sell(b: BrowserClient): Promise<string> {
  const opened = await b.openShift({ floatCents: 0 }); // sign-in opens no drawer session; an open one is answered as it is
  if (!opened.ok) throw new Error(opened.error.message);
  const p = await b.purchase({ meterId: '00100000017', amountCents: 5000, tender: { type: 'CASH' } });
  if (!p.ok) throw new Error(p.error.message);
  for (let i = 0; i < 100; i++) {
    const s = await b.getSale({ saleId: p.value.saleId, waitMs: 200 });
    if (s.ok && s.value.slip.printed) break;
  }
  const job = runtime.virtualPrinter?.jobs().find((j) => j.text.includes(p.value.saleId.slice(-8)));
  if (!job) throw new Error('the sale printed no slip');
  return String(job.n);
}

const file = (n: string, ext: string, cookie: string | null, token = host.token) =>
  fetch(`${host.url}/print-jobs/${n}.${ext}?token=${encodeURIComponent(token)}`, { headers: cookie ? { cookie } : {} });

async function call(method: string, cookie: string | null): Promise<{ status: number; body: { ok: boolean; error?: { code: string } } }> {
  const res = await fetch(`${host.url}/api/${method}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, ...(cookie ? { cookie } : {}) } });
  return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string } } };
}

const methods = Object.keys(METHODS) as MethodName[];

it('the host has exactly the routes this walk covers', () => {
  const routes = host.app.printRoutes({ commonPrefix: false });
  const paths = [...routes.matchAll(/[─└├]+ (\S+) \(([A-Z, ]+)\)/g)].map((m) => `${m[2]} /${m[1]!.replace(/^\//, '')}`).sort();
  expect(paths).toEqual(['GET, HEAD /', 'GET, HEAD /print-jobs/:n.:ext', 'POST /api/:method']);
});

it('without a sign-in: every method but the public ones answers NOT_SIGNED_IN, and no slip file is served', async () => {
  const thandi = await signedIn('thandi', '2580');
  const n = await sell(thandi);
  for (const m of methods) {
    const r = await call(m, null);
    if (METHODS[m].role === 'public') continue;
    expect(r.body, m).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  }
  for (const ext of ['png', 'bin']) {
    expect((await file(n, ext, null)).status, ext).toBe(401);
    expect((await file(n, ext, `${SESSION_COOKIE}=made-up`)).status, ext).toBe(401);
    // The session without the launch token gets nothing either.
    expect((await file(n, ext, thandi.cookie(), 'wrong')).status, ext).toBe(401);
  }
  const home = await fetch(`${host.url}/`);
  expect(home.status).toBe(200);
  expect(await home.text()).not.toMatch(/\d{4} \d{4} \d{4} \d{4} \d{4}/);
});

it("a cashier: no manager method, only her own sales' slips; a manager sees them all", async () => {
  const thandi = await signedIn('thandi', '2580');
  const lerato = await signedIn('lerato', '3691');
  const sipho = await signedIn('sipho', '7913');
  const own = await sell(thandi);
  const other = await sell(lerato);
  const managers = await sell(sipho);

  // signOut last: it ends the session the walk is made on.
  for (const m of [...methods.filter((x) => x !== 'signOut'), 'signOut' as const]) {
    const r = await call(m, thandi.cookie());
    // The field-tech tools too, while Settings keep them from cashiers (the default).
    if (METHODS[m].role === 'manager' || METHODS[m].role === 'fieldTech') expect(r.body, m).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    else expect(['NOT_SIGNED_IN', 'FORBIDDEN'], m).not.toContain(r.body.error?.code);
  }
  const again = await signedIn('thandi', '2580');
  expect((await sipho.setSettings({ security: { cashierFieldTools: true } })).ok).toBe(true);

  for (const ext of ['png', 'bin']) {
    const mine = await file(own, ext, again.cookie());
    expect(mine.status, ext).toBe(200);
    expect((await mine.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await file(other, ext, again.cookie())).status, ext).toBe(404);
    expect((await file(managers, ext, again.cookie())).status, ext).toBe(404);
    for (const n of [own, other, managers]) expect((await file(n, ext, sipho.cookie())).status, `${ext} ${n}`).toBe(200);
  }
  const listed = await again.virtualPrinterJobs({});
  expect(listed.ok && listed.value.jobs.map((j) => j.id)).toContain(own);
  expect(listed.ok && listed.value.jobs.map((j) => j.id)).not.toContain(other);
  expect(listed.ok && listed.value.jobs.map((j) => j.id)).not.toContain(managers);
  expect(await again.virtualPrinterFile({ id: other, kind: 'png' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  const all = await sipho.virtualPrinterJobs({});
  expect(all.ok && all.value.jobs.map((j) => j.id)).toEqual(expect.arrayContaining([own, other, managers]));
});
