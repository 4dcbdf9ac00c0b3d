/**
 * Who may call the switch (PPU v3 and admin alike): HTTP basic auth with the switch credentials and,
 * when OAuth2 is on, a bearer token from the switch's own token endpoint (client-credentials grant,
 * the same credentials as client id and secret). Tokens are short-lived HS256 JWTs signed with a key
 * made at start (jose): a restart invalidates them and clients simply fetch a new one. Credential
 * comparison is constant-time over digests so neither the password nor its length leaks by timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SignJWT, jwtVerify } from 'jose';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Checks a client id and secret against the switch credentials. */
export function credentialsChecker(username: string, password: string): (id: string, secret: string) => boolean {
  const expected = digest(`${username}:${password}`);
  return (id, secret) => timingSafeEqual(digest(`${id}:${secret}`), expected);
}

/** The `Authorization: Basic …` header, split into its user and password (null when it is not one). */
export function basicCredentials(header: string | undefined): { id: string; secret: string } | null {
  if (!header || !header.startsWith('Basic ')) return null;
  const given = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = given.indexOf(':');
  return i < 0 ? null : { id: given.slice(0, i), secret: given.slice(i + 1) };
}

export interface BearerTokens {
  /** A signed token for this client, valid for the configured lifetime. */
  issue(clientId: string): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }>;
  /** True only for a token this switch signed, not yet expired. */
  verify(token: string): Promise<boolean>;
}

const ISSUER = 'ppu-switch';
const AUDIENCE = 'prepaidutility/v3';

export function bearerTokens(ttlSeconds: number): BearerTokens {
  const key = randomBytes(32);
  return {
    async issue(clientId) {
      const access_token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(clientId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
      return { access_token, token_type: 'Bearer', expires_in: ttlSeconds };
    },
    async verify(token) {
      try {
        await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp'] });
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** RFC 6749 §2.3.1 form-encodes id and secret inside the basic header; many clients send them raw. */
function formDecoded(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * The client-credentials token endpoint (RFC 6749 §4.4): the client authenticates with HTTP basic or
 * `client_id`/`client_secret` form fields; errors are `{error, error_description}` (§5.2); nothing is cached.
 */
export function registerTokenEndpoint(app: FastifyInstance, path: string, tokens: BearerTokens, clientMatches: (id: string, secret: string) => boolean): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });
  app.post(path, async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const form = (request.body ?? {}) as Record<string, unknown>;
    const fromHeader = basicCredentials(request.headers.authorization);
    const fromForm = typeof form.client_id === 'string' && typeof form.client_secret === 'string' ? { id: form.client_id, secret: form.client_secret } : null;
    const matched = fromHeader
      ? clientMatches(fromHeader.id, fromHeader.secret) || clientMatches(formDecoded(fromHeader.id), formDecoded(fromHeader.secret))
      : fromForm !== null && clientMatches(fromForm.id, fromForm.secret);
    if (!matched) {
      return reply
        .code(401)
        .header('www-authenticate', 'Basic realm="ppu-switch", charset="UTF-8"')
        .send({ error: 'invalid_client', error_description: 'client id or secret wrong (they are the switch credentials)' });
    }
    if (form.grant_type !== 'client_credentials') {
      return reply.code(400).send({ error: 'unsupported_grant_type', error_description: 'only grant_type=client_credentials is served' });
    }
    return reply.code(200).send(await tokens.issue(fromHeader?.id ?? fromForm?.id ?? ''));
  });
}
