/**
 * Browser host: serves the built renderer (dist/renderer) and the TillApi as `POST /api/<method>` on
 * 127.0.0.1 only (a fixed default port, so the address can be bookmarked), guarded by a per-launch
 * random token (header x-till-token, or ?token= for file downloads). Opening the printed address
 * trades its ?token= for an access cookie holding the till's standing key (kept in its secret
 * store), then drops the token from the address: a bookmark of the plain address works after a
 * restart, whose new launch token nobody has to copy. Every answer is a Result JSON; a wrong token
 * gets 401 with a Result too. Each sign-in
 * gets its own session, kept in an HttpOnly SameSite=Strict cookie issued afresh at every sign-in, so
 * a second tab or client with the launch token but no sign-in of its own can do nothing. A request whose
 * Host is not loopback at our port (DNS rebinding) or whose Origin is another site is refused first.
 * A virtual printer file (`GET /print-jobs/<n>.png|bin`) is the TillApi's virtualPrinterFile on the
 * caller's session: the same sign-in and the same rule of whose slips may be seen. The page itself
 * (`/`, never cached) carries the answer `POST /api/session` would give this browser, so the first
 * screen (the cashier's meter field) is drawn without waiting for a round trip; the hashed assets are
 * cached for good.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { PAGE_SESSION_ID, RENDERER_DIST, TOKEN_HEADER, TOKEN_QUERY, fail, isMethodName, type Result, type SessionInvoke, type SessionView } from '../api/contract';
import type { SecretStore } from '../till/service';
import { CSP_HEADER } from './app-protocol';
import { isOwnHost, isOwnOrigin } from './request-origin';

/** The sign-in session's cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'till_session';
/** The browser's standing access (the launch token traded in): HttpOnly, SameSite=Strict, kept across restarts. */
export const ACCESS_COOKIE = 'till_access';
/** The browser host's port unless PORT / --port says otherwise: one address a shop can bookmark. */
export const DEFAULT_BROWSER_PORT = 4730;
const ACCESS_COOKIE_DAYS = 400; // the longest a browser keeps a cookie

/** The till's standing browser key from its secret store, made once: the access cookie's value. */
export function browserAccessKey(secrets: SecretStore): string {
  const have = secrets.get('browserAccessKey');
  if (have) return have;
  const key = randomBytes(32).toString('base64url');
  secrets.set('browserAccessKey', key);
  return key;
}

const NO_ACCESS = 'This browser has no access to the till yet. Open the address the till printed at start (with its token) once.';

/** Where a page wants the session's answer: an empty JSON data block in its html (renderer/index.html has one). */
const SLOT_OPEN = `<script type="application/json" id="${PAGE_SESSION_ID}">`;
const PAGE_SESSION_SLOT = `${SLOT_OPEN}</script>`;

/**
 * The built page with the session's answer in its slot, or as it is when it has none; `<` is
 * escaped so no operator name can close the block.
 */
export async function withPageSession(html: string, session: () => Promise<Result<SessionView>>): Promise<string> {
  if (!html.includes(PAGE_SESSION_SLOT)) return html;
  const json = JSON.stringify(await session()).replace(/</g, '\\u003c');
  return html.replace(PAGE_SESSION_SLOT, () => `${SLOT_OPEN}${json}</script>`);
}

/** A refused file download's HTTP status (the API itself answers 200 with the Result). */
const STATUS_OF: Partial<Record<string, number>> = { NOT_SIGNED_IN: 401, PIN_CHANGE_REQUIRED: 403, FORBIDDEN: 403, NOT_FOUND: 404, STORE_DAMAGED: 503 };

export interface BrowserHostOptions {
  /** The back end's per-session entry (TillBackend.invokeAs). */
  invokeAs: SessionInvoke;
  port?: number;
  host?: string;
  token?: string;
  /** The standing key the access cookie carries (browserAccessKey); default one for this launch only. */
  accessKey?: string;
  /** Directory of the built renderer; default <repo>/dist/renderer. */
  rendererDir?: string;
}

export interface BrowserHost {
  url: string;
  /** The URL to open: includes the token. */
  openUrl: string;
  token: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const accessKey = opts.accessKey ?? randomBytes(32).toString('base64url');
  const same = (secret: string) => {
    const buf = Buffer.from(secret);
    return (t: unknown) => typeof t === 'string' && Buffer.byteLength(t) === buf.length && timingSafeEqual(Buffer.from(t), buf);
  };
  const valid = same(token);
  const validAccess = same(accessKey);
  /** The launch token in the header (API clients, tests) or the access cookie a browser got for it. */
  const admitted = (req: FastifyRequest) => valid(req.headers[TOKEN_HEADER]) || validAccess(req.cookies[ACCESS_COOKIE]);
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });
  const rendererDir = opts.rendererDir ?? join(REPO_ROOT, RENDERER_DIST);
  await app.register(fastifyCookie);

  // Known only once listening: the port the Host and Origin headers must name.
  let port = -1;
  app.addHook('onRequest', async (req, reply) => {
    if (!isOwnHost(req.headers.host, port)) return reply.code(421).send(fail('UNAUTHORIZED', 'Open the till at the address it printed at start (127.0.0.1).'));
    if (!isOwnOrigin(req.headers.origin, port)) return reply.code(403).send(fail('UNAUTHORIZED', 'Calls from another web site are refused.'));
    // A page opened with ?token=: the token becomes the access cookie and leaves the address (so it is not bookmarked or shown).
    if (req.method === 'GET' && !req.url.startsWith('/print-jobs/')) {
      const url = new URL(req.url, 'http://till');
      const given = url.searchParams.get(TOKEN_QUERY);
      if (given === null) return;
      if (valid(given)) void reply.setCookie(ACCESS_COOKIE, accessKey, { httpOnly: true, sameSite: 'strict', path: '/', maxAge: ACCESS_COOKIE_DAYS * 86_400 });
      url.searchParams.delete(TOKEN_QUERY);
      return reply.redirect(url.pathname + url.search, 303);
    }
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('content-security-policy', CSP_HEADER);
    return payload;
  });

  app.post<{ Params: { method: string } }>('/api/:method', async (req, reply) => {
    if (!admitted(req)) return reply.code(401).send(fail('UNAUTHORIZED', NO_ACCESS));
    const name = req.params.method;
    if (!isMethodName(name)) return reply.code(404).send(fail('NOT_FOUND', `Unknown till method "${name}".`));
    const current = req.cookies[SESSION_COOKIE] ?? null;
    const args = req.body ?? {};
    if (name === 'signIn') {
      // A fresh key at every sign-in: a key planted or seen before sign-in is worth nothing after it.
      const key = randomBytes(32).toString('base64url');
      const result = await opts.invokeAs(key, name, args);
      if (result.ok) {
        if (current) await opts.invokeAs(current, 'signOut', {});
        void reply.setCookie(SESSION_COOKIE, key, { httpOnly: true, sameSite: 'strict', path: '/' });
      }
      return reply.send(result);
    }
    const result = await opts.invokeAs(current, name, args);
    if (name === 'signOut') void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.send(result);
  });

  app.get<{ Params: { n: string; ext: string }; Querystring: Record<string, string> }>('/print-jobs/:n.:ext', async (req, reply) => {
    if (!valid(req.query[TOKEN_QUERY]) && !admitted(req)) return reply.code(401).send(fail('UNAUTHORIZED', 'Missing till token.'));
    const { n, ext } = req.params;
    if (ext !== 'png' && ext !== 'bin') return reply.code(404).send(fail('NOT_FOUND', 'No such print job.'));
    const result = await opts.invokeAs(req.cookies[SESSION_COOKIE] ?? null, 'virtualPrinterFile', { id: n, kind: ext });
    if (!result.ok) return reply.code(STATUS_OF[result.error.code] ?? 400).send(result);
    return reply
      .type(result.value.mime)
      .header('content-disposition', `${ext === 'bin' ? 'attachment' : 'inline'}; filename="slip-${n}.${ext}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(result.value.base64, 'base64'));
  });

  if (existsSync(join(rendererDir, 'index.html'))) {
    const page = async (req: FastifyRequest) =>
      withPageSession(await readFile(join(rendererDir, 'index.html'), 'utf8'), async () => (admitted(req) ? opts.invokeAs(req.cookies[SESSION_COOKIE] ?? null, 'session', {}) : fail('UNAUTHORIZED', NO_ACCESS)));
    for (const path of ['/', '/index.html']) app.get(path, async (req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(await page(req)));
    // Vite names every asset by its content hash: a file under assets/ never changes.
    await app.register(fastifyStatic, {
      root: rendererDir,
      index: false,
      setHeaders: (reply, path) => {
        if (path.startsWith(join(rendererDir, 'assets'))) void reply.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/html').send(`<!doctype html><meta charset="utf-8"><title>Till</title><p>The till's screens are not built yet. Run <code>npx vite build</code> (renderer) and reload. The API is up at /api/&lt;method&gt;.</p>`),
    );
  }

  const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  port = Number(new URL(address).port);
  const url = address.replace('[::1]', '127.0.0.1');
  return { url, openUrl: `${url}/?${TOKEN_QUERY}=${encodeURIComponent(token)}`, token, app, close: () => app.close() };
}
