/**
 * Operators: PIN hashing (scrypt, constant-time compare), the operators a fresh till starts with, and
 * the manager's methods to list and save operators. A fresh till either gets its operators from the
 * installer (`TillDeps.operators`, e.g. PPU_TILL_OPERATORS) or ships with two default ones whose PINs
 * must be changed at the first sign-in; a PIN a manager sets for someone else must be changed too.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { OperatorView, Role } from '../api/contract';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import { CLEAR_PIN_STATE, attemptPin, lockedForMs, weakPinReason, type PinState } from './pin-attempts';
import type { OperatorRow } from './store/repository';

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('hex')}$${scryptSync(pin, salt, 32).toString('hex')}`;
}

export function checkPin(pin: string, stored: string): boolean {
  const [scheme, saltHex, hashHex] = stored.split('$');
  if (scheme !== 'scrypt' || !saltHex || !hashHex) return false;
  const want = Buffer.from(hashHex, 'hex');
  const got = scryptSync(pin, Buffer.from(saltHex, 'hex'), want.length);
  return timingSafeEqual(want, got);
}

export interface ProvisionedOperator {
  id: string;
  name: string;
  role: Role;
  pin: string;
}

/** A real hash of a PIN no one knows, made once: an unknown id is checked against it, so it costs what a known id costs. */
let decoy: string | undefined;
const decoyHash = () => (decoy ??= hashPin(randomBytes(8).toString('hex')));

/**
 * One PIN check under the lockout rule, the same for sign-in, a manager's approval and a PIN change:
 * refused unchecked while locked, a wrong one counts. An id that does not exist goes through the same
 * steps — its PIN is hashed against a decoy and its lockout stored (unknown_pin_ids) — so neither the
 * answer, its time nor a restart tells which ids exist. `row` is the operator when the PIN was right.
 */
export function verifyOperatorPin(store: TillContext['store'], operatorId: string, pin: string, now: number): { outcome: 'locked' | 'right' | 'wrong'; next: PinState; row: OperatorRow | null } {
  const row = store.getOperator(operatorId);
  const state = row ? row.pinState : (store.unknownPinState(operatorId) ?? CLEAR_PIN_STATE);
  const { outcome, next, changed } = attemptPin(state, now, () => checkPin(pin, row?.pinHash ?? decoyHash()) && row !== null);
  if (changed) {
    if (row) store.setPinState(row.id, next);
    else store.setUnknownPinState(operatorId, next, new Date(now).toISOString());
  }
  return { outcome, next, row: outcome === 'right' ? row : null };
}

export const DEFAULT_OPERATORS: readonly ProvisionedOperator[] = [
  { id: 'cashier', name: 'Cashier One', role: 'cashier', pin: '1111' },
  { id: 'manager', name: 'Manager', role: 'manager', pin: '9999' },
];

/**
 * `id:role:pin[:name]` entries, comma-separated (PPU_TILL_OPERATORS), as an installer provisions a
 * till; a wrong entry is named in the error.
 */
export function parseProvisionedOperators(text: string): ProvisionedOperator[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id, role, pin, name] = entry.split(':');
      if (!id || (role !== 'cashier' && role !== 'manager') || !pin || !/^\d{4,8}$/.test(pin)) {
        throw new Error(`PPU_TILL_OPERATORS: "${entry.replace(/:\d+/g, ':****')}" must be id:cashier|manager:PIN (4 to 8 digits)[:name]`);
      }
      return { id, role, pin, name: name || id };
    });
}

/** Set once the PIN rules were applied to a till's operators (seedOperators runs no more). */
export const PIN_RULES_KEY = 'operators.pinRules';

/**
 * First start: the installer's operators, else the defaults marked "change at first sign-in". A till
 * from before the PIN rules whose default operators still have their default PINs gets them marked too.
 */
export function seedOperators(ctx: TillContext, provisioned: readonly ProvisionedOperator[] | undefined): void {
  const { store } = ctx;
  if (store.getSetting<number>(PIN_RULES_KEY) !== null) return;
  const existing = store.listOperators();
  if (existing.length === 0) {
    const fromInstaller = provisioned && provisioned.length > 0;
    for (const o of fromInstaller ? provisioned : DEFAULT_OPERATORS) {
      store.upsertOperator({ id: o.id, name: o.name, role: o.role, pinHash: hashPin(o.pin), mustChangePin: !fromInstaller });
    }
  } else {
    for (const d of DEFAULT_OPERATORS) {
      const row = existing.find((r) => r.id === d.id);
      if (row && checkPin(d.pin, row.pinHash)) store.upsertOperator({ ...row, mustChangePin: true });
    }
  }
  store.setSetting(PIN_RULES_KEY, 1);
}

/** Default operators that still have their shipped PIN (start-up prints only these). */
export function operatorsWithShippedPins(rows: readonly OperatorRow[]): ProvisionedOperator[] {
  return DEFAULT_OPERATORS.filter((d) => rows.some((r) => r.id === d.id && r.mustChangePin && checkPin(d.pin, r.pinHash)));
}

export function operatorView(row: OperatorRow, now: number): OperatorView {
  const locked = lockedForMs(row.pinState, now) > 0;
  return { id: row.id, name: row.name, role: row.role, mustChangePin: row.mustChangePin, lockedUntil: locked ? row.pinState.lockedUntil : null };
}

export function operatorHandlers({ store, clock, settings }: TillContext): Handlers<'listOperators' | 'saveOperator'> {
  const shippedPins = DEFAULT_OPERATORS.map((o) => o.pin);
  return {
    listOperators: () => store.listOperators().map((r) => operatorView(r, clock())),
    saveOperator({ id, name, role, pin, currentPin }, manager) {
      const existing = store.getOperator(id);
      if (!existing && !pin) throw new ApiFail('INVALID_INPUT', 'A new operator needs a PIN.', { field: 'pin' });
      const own = id === manager.id;
      if (pin && own) {
        // Your own PIN: the one you have now first, under the same lockout as sign-in.
        if (!currentPin) throw new ApiFail('INVALID_INPUT', 'Type the PIN you have now to change your own PIN.', { field: 'currentPin' });
        if (!verifyOperatorPin(store, id, currentPin, clock()).row) throw new ApiFail('WRONG_PIN', 'The PIN you have now is wrong: your PIN is not changed.', { field: 'currentPin' });
      }
      // The rules a PIN chosen at sign-in follows: no PIN anybody could guess, given or chosen.
      const weak = pin ? weakPinReason(pin, settings().security.pinMinLength, shippedPins) : null;
      if (weak) throw new ApiFail('INVALID_INPUT', `The PIN ${weak}.`, { field: 'pin' });
      // A PIN given to someone else is theirs to replace at their next sign-in.
      const mustChangePin = pin ? !own : (existing?.mustChangePin ?? false);
      store.upsertOperator({ id, name, role, pinHash: pin ? hashPin(pin) : existing!.pinHash, mustChangePin });
      return { id, name, role };
    },
  };
}
