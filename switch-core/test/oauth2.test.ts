/** OAuth2 on the switch's PPU API (--oauth2) and toward providers that use it (client-credentials grant). */
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PpuClient } from '../protocol';
import { lookupRequest } from '../protocol/test/fixtures';
import { startSwitch, type RunningSwitch } from '../index';
import { bearerSource } from '../oauth2/client-credentials';
import { parseProvidersFile } from '../config/providers-file';
import { purchaseRequest } from '../protocol/test/fixtures';

const TTL_S = 2;
let sw: RunningSwitch;
let plain: RunningSwitch;

beforeAll(async () => {
  sw = await startSwitch({ dataDir: mkdtempSync(join(tmpdir(), 'oauth2-')), port: 0, profile: 'certification', auth: { username: 'till', password: 'till-secret' }, oauth2: { tokenTtlSeconds: TTL_S } });
  plain = await startSwitch({ dataDir: mkdtempSync(join(tmpdir(), 'no-oauth2-')), port: 0, profile: 'certification', auth: { username: 'till', password: 'till-secret' } });
});
afterAll(async () => {
  await sw?.close();
  await plain?.close();
});

const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
const tokenAt = (s: RunningSwitch, body: string, authorization?: string) =>
  fetch(`${s.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) }, body });
const lookupWith = (s: RunningSwitch, authorization: string | null) =>
  fetch(`${s.url}/prepaidutility/v3/meterLookups/${crypto.randomUUID()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: '{}',
  });
async function token(): Promise<string> {
  const res = await tokenAt(sw, 'grant_type=client_credentials', basic('till', 'till-secret'));
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('OAuth2 on the switch (--oauth2)', () => {
  it('issues a short-lived bearer token for the client credentials (basic header or form fields), not cached', async () => {
    const res = await tokenAt(sw, 'grant_type=client_credentials', basic('till', 'till-secret'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: TTL_S, access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    const form = await tokenAt(sw, 'grant_type=client_credentials&client_id=till&client_secret=till-secret');
    expect(form.status).toBe(200);
  });

  it('refuses wrong client credentials (401 invalid_client) and other grants (400)', async () => {
    const wrong = await tokenAt(sw, 'grant_type=client_credentials', basic('till', 'nope'));
    expect([wrong.status, await wrong.json()]).toEqual([401, expect.objectContaining({ error: 'invalid_client' })]);
    const grant = await tokenAt(sw, 'grant_type=password&username=till&password=till-secret', basic('till', 'till-secret'));
    expect([grant.status, await grant.json()]).toEqual([400, expect.objectContaining({ error: 'unsupported_grant_type' })]);
  });

  it('a PPU client with the bearer token is served', async () => {
    const bearer = `Bearer ${await token()}`;
    const client = new PpuClient({ baseUrl: sw.url, username: '', password: '', authorization: async () => bearer });
    expect((await client.meterLookup(lookupRequest('TST001'))).outcome).toBe('successful');
    await client.close();
  });

  it('a missing, wrong or tampered token gets 401 with WWW-Authenticate: Bearer', async () => {
    const missing = await lookupWith(sw, null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer realm="ppu-switch"/);
    const t = await token();
    const tampered = t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of ['not-a-token', tampered]) {
      const res = await lookupWith(sw, `Bearer ${bad}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    }
  });

  it('an expired token gets 401', async () => {
    const bearer = `Bearer ${await token()}`;
    expect((await lookupWith(sw, bearer)).status).toBe(400); // accepted (the empty body is then a FORMAT_ERROR)
    await new Promise((r) => setTimeout(r, TTL_S * 1000 + 1100));
    const res = await lookupWith(sw, bearer);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('basic auth keeps working', async () => {
    expect((await lookupWith(sw, basic('till', 'till-secret'))).status).toBe(400);
  });

  it('without --oauth2 there is no token endpoint and bearer tokens are refused', async () => {
    expect((await tokenAt(plain, 'grant_type=client_credentials', basic('till', 'till-secret'))).status).toBe(404);
    const res = await lookupWith(plain, `Bearer ${await token()}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
  });
});

describe('OAuth2 toward a provider (client-credentials grant)', () => {
  let server: Server;
  let url: string;
  let fetches = 0;
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        fetches++;
        const ok = req.headers.authorization === basic('shop', 's%3Acret') && body === 'grant_type=client_credentials&scope=ppu';
        res.writeHead(ok ? answer.status : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? answer.body : { error: 'invalid_client' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/token`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('fetches a token once, shares it between concurrent requests and renews it near expiry', async () => {
    fetches = 0;
    answer = { status: 200, body: { access_token: 'tok-1', token_type: 'bearer', expires_in: 100 } };
    let now = 1_000_000;
    const header = bearerSource({ tokenUrl: url, clientId: 'shop', clientSecret: 's:cret', scope: 'ppu' }, () => now);
    expect(await Promise.all([header(), header(), header()])).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
    now += 80_000;
    expect(await header()).toBe('Bearer tok-1');
    expect(fetches).toBe(1);
    answer = { status: 200, body: { access_token: 'tok-2', token_type: 'Bearer', expires_in: 100 } };
    now += 15_000; // 95 s into a 100 s token: renewed before it expires
    expect(await header()).toBe('Bearer tok-2');
    expect(fetches).toBe(2);
  });

  it('a refused token request leaves the exchange unsent with the reason, never a crash', async () => {
    answer = { status: 200, body: {} };
    const header = bearerSource({ tokenUrl: url, clientId: 'shop', clientSecret: 'wrong' });
    const client = new PpuClient({ baseUrl: sw.url, username: '', password: '', authorization: header });
    const r = await client.meterLookup(lookupRequest('TST001'));
    expect(r).toMatchObject({ outcome: 'unknown', status: null, reason: 'authorization: token endpoint answered HTTP 401' });
    await client.close();
  });
});

describe('a switch whose provider uses OAuth2', () => {
  const front = async (secret: string): Promise<RunningSwitch> => {
    const file = parseProvidersFile(
      {
        providers: [
          {
            id: 'EXT1',
            name: 'Upstream',
            baseUrl: sw.url,
            auth: { type: 'oauth2', tokenUrl: `${sw.url}/oauth2/token`, clientId: 'till', clientSecretEnv: 'SECRET' },
            capabilities: ['retries'],
            utilityTypes: ['ELECTRICITY'],
          },
        ],
      },
      { SECRET: secret },
      () => Buffer.alloc(0),
    );
    if (!file.ok) throw new Error(file.message);
    return startSwitch({
      dataDir: mkdtempSync(join(tmpdir(), 'oauth2-front-')),
      port: 0,
      auth: { username: 'shop', password: 'shop-pw' },
      providers: file.value.providers,
      contractSeed: { ...file.value.seed, contractTable: [{ meterId: 'TST001', utilityId: 'U', support: { EXT1: 'SUPPORTED' } }] },
    });
  };

  it('sells with a bearer token from the provider; a refused token means nothing was sent (503, not an unknown outcome)', async () => {
    for (const [secret, expected] of [
      ['till-secret', { outcome: 'successful', status: 201 }],
      ['wrong', { outcome: 'failed', status: 503, error: { errorType: 'UPSTREAM_UNAVAILABLE' } }],
    ] as const) {
      const s = await front(secret);
      const client = new PpuClient({ baseUrl: s.url, username: 'shop', password: 'shop-pw' });
      try {
        expect(await client.purchase(purchaseRequest('TST001', 10000))).toMatchObject(expected);
      } finally {
        await client.close();
        await s.close();
      }
    }
  });
});
