/**
 * HTTP basic auth on every request (PPU v3 and admin alike): 401 with WWW-Authenticate otherwise.
 * Credentials come from configuration; comparison is constant-time over digests so neither the
 * password nor its length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function basicAuthChecker(username: string, password: string): (header: string | undefined) => boolean {
  const expected = digest(`${username}:${password}`);
  return (header) => {
    if (!header || !header.startsWith('Basic ')) return false;
    const given = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    return timingSafeEqual(digest(given), expected);
  };
}
