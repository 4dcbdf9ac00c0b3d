/**
 * Who is signed in, and the role check every non-public method passes before it runs. Signing in
 * opens the operator's shift when none is open.
 */
import { newId } from '../../switch-core/protocol';
import type { Operator, RoleNeeded, SessionView } from '../api/contract';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import { verifyOperatorPin } from './operators';

export interface Session {
  operator(): Operator | null;
  /** The caller for a method needing `role`: the signed-in operator, or a refusal in their words. */
  caller(role: RoleNeeded): Operator | null;
  view(): SessionView;
  handlers: Handlers<'signIn' | 'signOut' | 'session'>;
}

export function createSession({ store, nowIso }: TillContext): Session {
  let operator: Operator | null = null;
  const view = (): SessionView => ({ operator, shift: operator ? store.currentShift(operator.id) : null });
  return {
    operator: () => operator,
    caller(role) {
      if (role === 'public') return operator;
      if (!operator) throw new ApiFail('NOT_SIGNED_IN', 'Sign in with your operator id and PIN first.');
      if (role === 'manager' && operator.role !== 'manager') throw new ApiFail('FORBIDDEN', 'Only a manager can do this. Ask a manager to sign in.');
      return operator;
    },
    view,
    handlers: {
      signIn({ operatorId, pin }) {
        const row = verifyOperatorPin(store, operatorId, pin);
        if (!row) throw new ApiFail('WRONG_PIN', 'Operator id or PIN is wrong. Try again.', { field: 'pin' });
        operator = { id: row.id, name: row.name, role: row.role };
        if (!store.currentShift(row.id)) store.openShift({ id: newId(), operatorId: row.id, openedAt: nowIso(), closedAt: null });
        return view();
      },
      signOut() {
        operator = null;
        return view();
      },
      session: () => view(),
    },
  };
}
