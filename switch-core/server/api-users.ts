/**
 * The switch's API users: the operator (the switch credentials, `--auth`), who reads everything, and
 * store users bound to one merchant (`--store-user USER:PASSWORD:MERCHANTID`, a till's credentials),
 * who may sell only as that merchant and read only that merchant's transactions. Passwords are
 * compared as digests in constant time, as auth.ts does for the operator.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface StoreUser {
  username: string;
  password: string;
  /** originator.merchant.merchantId of the store (15 characters, as the interface requires). */
  merchantId: string;
}

export type ApiUser = { kind: 'operator'; id: string } | { kind: 'store'; id: string; merchantId: string };

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `USER:PASSWORD:MERCHANTID` (the merchant id after the last colon, so a password may hold colons). */
export function parseStoreUser(text: string): { ok: true; value: StoreUser } | { ok: false; message: string } {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last <= first + 1) return { ok: false, message: 'expected USER:PASSWORD:MERCHANTID' };
  const merchantId = text.slice(last + 1);
  if (merchantId.length !== 15) return { ok: false, message: `the merchant id must be 15 characters (originator.merchant.merchantId), not "${merchantId}"` };
  return { ok: true, value: { username: text.slice(0, first), password: text.slice(first + 1, last), merchantId } };
}

/** Who a user name and password are: the operator, a store's user, or nobody (null). */
export function apiUserResolver(operator: { username: string; password: string }, stores: readonly StoreUser[]): (id: string, secret: string) => ApiUser | null {
  const users = [
    { expected: digest(`${operator.username}:${operator.password}`), user: { kind: 'operator', id: operator.username } as ApiUser },
    ...stores.map((s) => ({ expected: digest(`${s.username}:${s.password}`), user: { kind: 'store', id: s.username, merchantId: s.merchantId } as ApiUser })),
  ];
  return (id, secret) => {
    const given = digest(`${id}:${secret}`);
    let found: ApiUser | null = null;
    // Every entry is compared, so the time does not say which (or whether any) matched.
    for (const u of users) if (timingSafeEqual(given, u.expected) && found === null) found = u.user;
    return found;
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request's credentials name (set by the auth hook; null on the routes without auth). */
    apiUser: ApiUser | null;
  }
}
