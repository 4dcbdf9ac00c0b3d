/**
 * The wrong-PIN rule, as plain functions over an operator's PIN state: five wrong PINs in a row lock
 * the operator out; each further lockout waits twice as long (30 s, 1 min, 2 min … at most an hour).
 * While locked, a PIN is refused without being checked, so guessing gains nothing. A right PIN (or a
 * manager's unlock) clears it all.
 */
import { backoffMs } from '../../common/backoff';

export interface PinState {
  failedPins: number;
  lockouts: number;
  /** ISO time; null when not locked. */
  lockedUntil: string | null;
}

export const WRONG_PINS_BEFORE_LOCK = 5;
export const FIRST_LOCK_MS = 30_000;
export const LONGEST_LOCK_MS = 3_600_000;
export const CLEAR_PIN_STATE: PinState = { failedPins: 0, lockouts: 0, lockedUntil: null };

/** How long the operator is still locked out at `now` (0 = may try). */
export function lockedForMs(state: PinState, now: number): number {
  if (!state.lockedUntil) return 0;
  return Math.max(0, Date.parse(state.lockedUntil) - now);
}

/** The state after one more wrong PIN: the fifth in a row starts a lockout twice as long as the last. */
export function afterWrongPin(state: PinState, now: number): PinState {
  const failed = state.failedPins + 1;
  if (failed < WRONG_PINS_BEFORE_LOCK) return { ...state, failedPins: failed, lockedUntil: null };
  const lockMs = backoffMs(state.lockouts + 1, { baseMs: FIRST_LOCK_MS, maxMs: LONGEST_LOCK_MS });
  return { failedPins: 0, lockouts: state.lockouts + 1, lockedUntil: new Date(now + lockMs).toISOString() };
}

/**
 * One PIN attempt under the rule: refused without `check` running while locked; otherwise checked,
 * with the state after it (cleared when right, one more wrong otherwise) and whether it must be stored.
 */
export function attemptPin(state: PinState, now: number, check: () => boolean): { outcome: 'locked' | 'right' | 'wrong'; next: PinState; changed: boolean } {
  if (lockedForMs(state, now) > 0) return { outcome: 'locked', next: state, changed: false };
  if (check()) return { outcome: 'right', next: CLEAR_PIN_STATE, changed: state.failedPins > 0 || state.lockouts > 0 };
  return { outcome: 'wrong', next: afterWrongPin(state, now), changed: true };
}

/** "30 seconds", "2 minutes": how the wait reads on the sign-in screen. */
export function waitInWords(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * A new PIN a till should not accept: shorter than the setting, one digit repeated, a run up or down
 * (1234, 9876), or one of the PINs a fresh till ships with.
 */
export function weakPinReason(pin: string, minLength: number, shippedPins: readonly string[]): string | null {
  if (pin.length < minLength) return `must have at least ${minLength} digits`;
  if (/^(\d)\1+$/.test(pin)) return 'cannot be one digit repeated';
  const steps = [...pin].slice(1).map((d, i) => Number(d) - Number(pin[i]));
  if (steps.every((x) => x === 1) || steps.every((x) => x === -1)) return 'cannot be digits in a row (like 1234)';
  if (shippedPins.includes(pin)) return 'cannot be a PIN a new till ships with';
  return null;
}
