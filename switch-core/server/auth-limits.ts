/**
 * What a wrong password costs at the switch: failures are counted per client address and per user
 * name; past a few, each further wrong answer is slowed (doubling, capped), and past more the address
 * — or the user name, for addresses that have not signed in rightly — is locked for a while: its
 * requests are refused (429) without their credentials being checked, so guessing gains nothing.
 * An address that authenticated rightly lately (the tills) is never locked, only slowed, so the right
 * client keeps working while someone guesses beside it. Each lock raises one alert. Pure state over
 * a clock; the server hook in app.ts applies it, and index.ts files each alert in the store's alerts.
 */
import { backoffMs } from '../../common/backoff';
import type { AuthAlert } from '../engine/model';

export interface AuthLimits {
  /** Failures (per address, per user) after which each wrong answer is slowed. */
  slowAfter: number;
  /** First slowed answer's delay; doubles with each further failure, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Failures from one address that lock it. */
  lockAddressAfter: number;
  /** Failures naming one user (from any addresses) that lock the name for addresses not known good. */
  lockUserAfter: number;
  lockMs: number;
  /** Failures are forgotten after this long without one. */
  windowMs: number;
  /** An address that authenticated rightly within this long is known good. */
  knownGoodMs: number;
  /** Addresses and user names tracked at most (the oldest forgotten first). */
  maxTracked: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  slowAfter: 3,
  firstDelayMs: 250,
  maxDelayMs: 4_000,
  lockAddressAfter: 20,
  lockUserAfter: 50,
  lockMs: 15 * 60_000,
  windowMs: 15 * 60_000,
  knownGoodMs: 24 * 3_600_000,
  maxTracked: 10_000,
};

interface Count {
  failures: number;
  last: number;
  lockedUntil: number;
}

export type { AuthAlert };

export interface AuthGuard {
  /** Why a request from `address` naming `user` is refused unchecked now, or null when it may be checked. */
  refusal(address: string, user: string | null): string | null;
  /** Counts a failure; answers how long to hold the answer back. */
  failed(address: string, user: string | null): number;
  succeeded(address: string): void;
}

/** A lockout's alert as one line on standard error. */
export function alertLine(a: AuthAlert): void {
  console.error(`ALERT ${a.kind} ${a.at}: ${a.message}`);
}

export function createAuthGuard(limits: AuthLimits, onAlert: (a: AuthAlert) => void, clock: () => number = Date.now): AuthGuard {
  const byAddress = new Map<string, Count>();
  const byUser = new Map<string, Count>();
  const knownGood = new Map<string, number>();

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    map.set(key, value);
    if (map.size > limits.maxTracked) map.delete(map.keys().next().value!);
  };
  const current = (map: Map<string, Count>, key: string, now: number): Count => {
    const c = map.get(key);
    if (!c || (now - c.last > limits.windowMs && c.lockedUntil <= now)) return { failures: 0, last: now, lockedUntil: 0 };
    return c;
  };
  const isKnownGood = (address: string, now: number) => now - (knownGood.get(address) ?? -Infinity) < limits.knownGoodMs;
  const minutes = Math.round(limits.lockMs / 60_000);

  return {
    refusal(address, user) {
      const now = clock();
      if (isKnownGood(address, now)) return null;
      if ((byAddress.get(address)?.lockedUntil ?? 0) > now) return `too many failed sign-ins from ${address}: locked for up to ${minutes} minutes`;
      if (user !== null && (byUser.get(user)?.lockedUntil ?? 0) > now) return `too many failed sign-ins for user "${user}": locked for new addresses for up to ${minutes} minutes`;
      return null;
    },
    failed(address, user) {
      const now = clock();
      const a = current(byAddress, address, now);
      a.failures++;
      a.last = now;
      if (a.failures >= limits.lockAddressAfter && a.lockedUntil <= now && !isKnownGood(address, now)) {
        a.lockedUntil = now + limits.lockMs;
        onAlert({ at: new Date(now).toISOString(), kind: 'AUTH_LOCKED_ADDRESS', subject: address, message: `${a.failures} failed sign-ins from ${address}: the address is locked for ${minutes} minutes` });
      }
      remember(byAddress, address, a);
      let worst = a.failures;
      if (user !== null) {
        const u = current(byUser, user, now);
        u.failures++;
        u.last = now;
        if (u.failures >= limits.lockUserAfter && u.lockedUntil <= now) {
          u.lockedUntil = now + limits.lockMs;
          onAlert({ at: new Date(now).toISOString(), kind: 'AUTH_LOCKED_USER', subject: user, message: `${u.failures} failed sign-ins for user "${user}": locked for ${minutes} minutes for every address that has not signed in rightly` });
        }
        remember(byUser, user, u);
        worst = Math.max(worst, u.failures);
      }
      if (worst <= limits.slowAfter) return 0;
      return backoffMs(worst - limits.slowAfter, { baseMs: limits.firstDelayMs, maxMs: limits.maxDelayMs });
    },
    succeeded(address) {
      remember(knownGood, address, clock());
      byAddress.delete(address);
    },
  };
}
