/**
 * Who may call the switch (PPU v3 and admin alike): HTTP basic auth with the switch credentials and,
 * when OAuth2 is on, a bearer token from the switch's own token endpoint (client-credentials grant,
 * the same credentials as client id and secret). Tokens are short-lived HS256 JWTs signed with a key
 * made at start (jose): a restart invalidates them and clients simply fetch a new one. Credential
 * comparison is constant-time over digests so neither the password nor its length leaks by timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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

export function basicAuthChecker(username: string, password: string): (header: string | undefined) => boolean {
  const matches = credentialsChecker(username, password);
  return (header) => {
    const c = basicCredentials(header);
    return c !== null && matches(c.id, c.secret);
  };
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
