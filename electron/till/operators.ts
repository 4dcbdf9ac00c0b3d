/**
 * Operators: PIN hashing (scrypt, constant-time compare), the default operators a fresh till starts
 * with, and the manager's methods to list and save operators.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
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

export const DEFAULT_OPERATORS = [
  { id: 'cashier', name: 'Cashier One', role: 'cashier' as const, pin: '1111' },
  { id: 'manager', name: 'Manager', role: 'manager' as const, pin: '9999' },
];

/** The operator whose id and PIN these are, or null (the one place a PIN is checked: sign-in and approvals). */
export function verifyOperatorPin(store: TillContext['store'], operatorId: string, pin: string): OperatorRow | null {
  const row = store.getOperator(operatorId);
  return row && checkPin(pin, row.pinHash) ? row : null;
}

/** Seeds the default operators once so a fresh till can be used at once (PINs printed at start). */
export function seedDefaultOperators(ctx: TillContext): void {
  if (ctx.store.listOperators().length > 0) return;
  for (const o of DEFAULT_OPERATORS) ctx.store.upsertOperator({ id: o.id, name: o.name, role: o.role, pinHash: hashPin(o.pin) });
}

export function operatorHandlers({ store }: TillContext): Handlers<'listOperators' | 'saveOperator'> {
  return {
    listOperators: () => store.listOperators().map(({ id, name, role }) => ({ id, name, role })),
    saveOperator({ id, name, role, pin }) {
      const existing = store.getOperator(id);
      if (!existing && !pin) throw new ApiFail('INVALID_INPUT', 'A new operator needs a PIN.', { field: 'pin' });
      store.upsertOperator({ id, name, role, pinHash: pin ? hashPin(pin) : existing!.pinHash });
      return { id, name, role };
    },
  };
}
