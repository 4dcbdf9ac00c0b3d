/**
 * The page the browser host serves carries this browser's session answer (the one `POST /api/session`
 * gives), so the screens draw the right first screen without a round trip; never cached, while the
 * hashed assets are cached for good. Real HTTP on loopback, a real SQLite file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PAGE_SESSION_ID, TOKEN_HEADER, type Result, type SessionView } from '../api/contract';
import { createSlipPrinter } from '../till/printing';
import { createTillBackend, type TillBackend } from '../till/service';
import { openTillStore } from '../till/store/repository';
import { memorySecrets, memorySink } from '../till/test/harness';
import { ACCESS_COOKIE, SESSION_COOKIE, startBrowserHost, type BrowserHost } from './browser-host';

/** A name that would end the data block (and start a script) if written into the page as it is. */
const HOSTILE_NAME = 'Zanele </script><script>alert(1)</script> $& $\'';
const SLOT = `<script type="application/json" id="${PAGE_SESSION_ID}"></script>`;
const TILL_PAGE = `<!doctype html><html><head><title>Till</title>${SLOT}<script type="module" src="./assets/app-1a2b.js"></script></head><body></body></html>`;
const PLAIN_PAGE = '<!doctype html><html><head><title>No slot</title></head><body></body></html>';

let till: BrowserHost;
let plain: BrowserHost;
let backend: TillBackend;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'till-page-'));
  const built = (name: string, html: string) => {
    const out = join(dir, name);
    mkdirSync(join(out, 'assets'), { recursive: true });
    writeFileSync(join(out, 'index.html'), html);
    writeFileSync(join(out, 'assets', 'app-1a2b.js'), 'export {};\n');
    return out;
  };
  const store = openTillStore(join(dir, 'till.db'));
  const operators = [{ id: 'zanele', name: HOSTILE_NAME, role: 'cashier' as const, pin: '4826' }];
  backend = createTillBackend({ store, printer: createSlipPrinter(() => memorySink(), () => 80, join(dir, 'print-jobs.db')), secrets: memorySecrets(), mode: 'browser', workerIntervalMs: 0, operators });
  till = await startBrowserHost({ invokeAs: backend.invokeAs, rendererDir: built('till', TILL_PAGE) });
  plain = await startBrowserHost({ invokeAs: backend.invokeAs, rendererDir: built('plain', PLAIN_PAGE) });
});
afterAll(async () => {
  await till?.close();
  await plain?.close();
  await backend?.close();
});

/** The cookie pair a Set-Cookie header line sets. */
const pairOf = (res: Response, name: string) => res.headers.getSetCookie().map((l) => l.split(';')[0]!).find((p) => p.startsWith(`${name}=`)) ?? '';

/** The data block's text as a browser's parser reads it (up to the first `</script>`), parsed. */
function sessionInPage(html: string): Result<SessionView> {
  const start = html.indexOf(`id="${PAGE_SESSION_ID}">`);
  expect(start).toBeGreaterThan(0);
  const from = start + `id="${PAGE_SESSION_ID}">`.length;
  return JSON.parse(html.slice(from, html.indexOf('</script>', from))) as Result<SessionView>;
}

it("writes the signed-in operator's session into the page, as the session call answers it, and never caches the page", async () => {
  const opened = await fetch(till.openUrl, { redirect: 'manual' });
  const access = pairOf(opened, ACCESS_COOKIE);
  const signedIn = await fetch(`${till.url}/api/signIn`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: till.token }, body: JSON.stringify({ operatorId: 'zanele', pin: '4826' }) });
  const cookie = `${access}; ${pairOf(signedIn, SESSION_COOKIE)}`;

  const page = await fetch(`${till.url}/`, { headers: { cookie } });
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('cache-control')).toBe('no-store');
  const html = await page.text();
  const answer = await (await fetch(`${till.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: '{}' })).json();
  expect(sessionInPage(html)).toEqual(answer);
  expect(sessionInPage(html)).toMatchObject({ ok: true, value: { operator: { id: 'zanele', name: HOSTILE_NAME, role: 'cashier' } } });
  expect(html.match(/<script/g)).toHaveLength(2); // the name opened no script of its own
  expect(sessionInPage(await (await fetch(`${till.url}/index.html`, { headers: { cookie } })).text())).toEqual(answer);
});

it('tells a browser without access, in the page, what the session call would: open the printed address', async () => {
  const html = await (await fetch(`${till.url}/`)).text();
  expect(sessionInPage(html)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('Open the address the till printed at start') } });
});

it('serves a page without the slot as built, and caches hashed assets for good', async () => {
  expect(await (await fetch(`${plain.url}/`)).text()).toBe(PLAIN_PAGE);
  const asset = await fetch(`${till.url}/assets/app-1a2b.js`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
});
