/**
 * OAuth2 client-credentials grant toward a provider that uses OAuth2 instead of basic auth (RFC 6749
 * §4.4): the client authenticates at the token endpoint with HTTP basic (§2.3.1), and the bearer
 * token is cached until shortly before it expires, so a sale costs no extra round trip. Concurrent
 * requests share one token fetch. The secret never leaves this module except in that one header.
 */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { AuthorizationError } from '../protocol';

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** TLS toward the token endpoint (the provider's CA, and the client certificate for mTLS). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  timeoutMs?: number;
}

const TokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'is not "Bearer"'),
  expires_in: z.number().positive().optional(),
});

/** Without expires_in the server gives no lifetime: refetch after a minute rather than never. */
const DEFAULT_LIFETIME_S = 60;

/** Returns the Authorization header for the next request: `Bearer <token>`, fetched when none is fresh. */
export function bearerSource(c: ClientCredentials, now: () => number = Date.now): () => Promise<string> {
  let cached: { header: string; refreshAt: number } | null = null;
  let fetching: Promise<string> | null = null;
  const basic = 'Basic ' + Buffer.from(`${encodeURIComponent(c.clientId)}:${encodeURIComponent(c.clientSecret)}`).toString('base64');
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...(c.scope ? { scope: c.scope } : {}) }).toString();

  const fetchToken = async (): Promise<string> => {
    const asked = now();
    const res = await postForm(c.tokenUrl, form, basic, c.tls, c.timeoutMs ?? 10_000);
    if (res.status !== 200) throw new AuthorizationError(`token endpoint answered HTTP ${res.status}`);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new AuthorizationError('token endpoint answered something other than JSON');
    }
    const parsed = TokenAnswer.safeParse(body);
    if (!parsed.success) throw new AuthorizationError(`token endpoint answer unusable: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    const lifetimeMs = (parsed.data.expires_in ?? DEFAULT_LIFETIME_S) * 1000;
    // Renew a tenth of the lifetime early (at most 30 s) so a token never expires on its way.
    const margin = Math.min(lifetimeMs / 10, 30_000);
    const header = `Bearer ${parsed.data.access_token}`;
    cached = { header, refreshAt: asked + lifetimeMs - margin };
    return header;
  };

  return () => {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.header);
    fetching ??= fetchToken().finally(() => (fetching = null));
    return fetching;
  };
}

function postForm(url: string, form: string, authorization: string, tls: ClientCredentials['tls'], timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const secure = url.startsWith('https:');
    const options = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization, 'content-length': Buffer.byteLength(form) },
      ...(secure && tls ? tls : {}),
    };
    const req = (secure ? https.request : http.request)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', (e) => reject(new AuthorizationError(`token endpoint: ${e.message}`)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.once('error', (e) => reject(new AuthorizationError(`token endpoint: ${e.message}`)));
    req.end(form);
  });
}
