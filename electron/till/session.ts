/**
 * Sign-in sessions: one per sign-in, keyed by an opaque id the host keeps for its caller (the browser
 * host's HttpOnly cookie, an Electron window, the CLI's own process). Each session knows its operator,
 * whether they must choose a new PIN before anything else, and when it was last used; it ends at
 * sign-out or after the idle time in Settings. The role check every non-public method passes is here,
 * and so is the wrong-PIN lockout at sign-in (pin-attempts.ts), the same for known and unknown ids.
 */
import { METHODS, type MethodName, type Operator, type SessionView } from '../api/contract';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import { shiftOf } from './shift-report';
import { DEFAULT_OPERATORS, hashPin, verifyOperatorPin } from './operators';
import { CLEAR_PIN_STATE, WRONG_PINS_BEFORE_LOCK, lockedForMs, waitInWords, weakPinReason } from './pin-attempts';

/** The CLI's and tests' in-process caller: one session for the whole process. */
export const LOCAL_SESSION = 'local';

/** Methods a screen calls on a timer: they neither need a PIN change first nor count as use. */
const BACKGROUND_CALLS: ReadonlySet<MethodName> = new Set<MethodName>(['status', 'session', 'providers']);
/** What an operator who must choose a new PIN may still do. */
const BEFORE_PIN_CHANGE: ReadonlySet<MethodName> = new Set<MethodName>(['signIn', 'signOut', 'session', 'status', 'changePin']);
const MAX_SESSIONS = 200;

interface OpenSession {
  operator: Operator;
  mustChangePin: boolean;
  lastUsed: number;
}

export interface Sessions {
  /** The caller of `method` on session `key`, or a refusal in the operator's words. */
  caller(key: string | null, method: MethodName): Operator | null;
  view(key: string | null): SessionView;
  handlers: Handlers<'signIn' | 'signOut' | 'session' | 'changePin' | 'unlockOperator'>;
}

export function createSessions({ store, clock, settings, zone }: TillContext): Sessions {
  const open = new Map<string, OpenSession>();
  const shippedPins = DEFAULT_OPERATORS.map((o) => o.pin);

  const idleMs = () => settings().security.sessionIdleMinutes * 60_000;
  const view = (key: string | null): SessionView => {
    const s = key ? open.get(key) : undefined;
    return {
      operator: s?.operator ?? null,
      shift: s ? shiftOf(store.currentShift(s.operator.id)) : null,
      mustChangePin: s?.mustChangePin ?? false,
      fieldTools: s ? s.operator.role === 'manager' || settings().security.cashierFieldTools : false,
      timeZone: zone(),
    };
  };

  /** The live session for `key`, ending it first when it sat idle too long. */
  function live(key: string | null): OpenSession | null {
    if (!key) return null;
    const s = open.get(key);
    if (!s) return null;
    if (clock() - s.lastUsed > idleMs()) {
      open.delete(key);
      throw new ApiFail('NOT_SIGNED_IN', `You were signed out after ${settings().security.sessionIdleMinutes} minutes without use. Sign in again.`);
    }
    return s;
  }

  /**
   * Checks a PIN under the lockout rule: a locked operator is refused before the PIN is looked at;
   * a wrong one counts, and the fifth in a row locks. Unknown ids go through the same steps (verifyOperatorPin).
   */
  function verifyPin(operatorId: string, pin: string, field: 'pin' | 'currentPin'): void {
    const now = clock();
    const { outcome, next } = verifyOperatorPin(store, operatorId, pin, now);
    if (outcome === 'right') return;
    const wait = lockedForMs(next, now);
    if (outcome === 'locked') throw new ApiFail('PIN_LOCKED', `Too many wrong PINs. Try again in ${waitInWords(wait)}, or ask a manager to unlock you.`, { field });
    if (wait > 0) throw new ApiFail('PIN_LOCKED', `That was ${WRONG_PINS_BEFORE_LOCK} wrong PINs in a row. Sign-in is locked for ${waitInWords(wait)}; a manager can unlock you.`, { field });
    const left = WRONG_PINS_BEFORE_LOCK - next.failedPins;
    throw new ApiFail('WRONG_PIN', `Operator id or PIN is wrong. ${left} ${left === 1 ? 'try' : 'tries'} left before sign-in locks.`, { field });
  }

  return {
    caller(key, method) {
      const s = live(key);
      const role = METHODS[method].role;
      if (s && !BACKGROUND_CALLS.has(method)) s.lastUsed = clock();
      if (role === 'public') return s?.operator ?? null;
      if (!s) throw new ApiFail('NOT_SIGNED_IN', 'Sign in with your operator id and PIN first.');
      if (s.mustChangePin && !BEFORE_PIN_CHANGE.has(method)) throw new ApiFail('PIN_CHANGE_REQUIRED', 'Choose your own PIN first: the one you signed in with was given to you.');
      if (role === 'manager' && s.operator.role !== 'manager') throw new ApiFail('FORBIDDEN', 'Only a manager can do this. Ask a manager to sign in.');
      if (role === 'fieldTech' && s.operator.role !== 'manager' && !settings().security.cashierFieldTools) {
        throw new ApiFail('FORBIDDEN', "This is a field technician's tool. A manager can show it to cashiers in Settings.");
      }
      return s.operator;
    },
    view,
    handlers: {
      signIn({ operatorId, pin }, _caller, key) {
        if (!key) throw new ApiFail('UNAUTHORIZED', 'This screen has no session. Reload the page.');
        verifyPin(operatorId, pin, 'pin');
        const row = store.getOperator(operatorId)!;
        open.delete(key);
        open.set(key, { operator: { id: row.id, name: row.name, role: row.role }, mustChangePin: row.mustChangePin, lastUsed: clock() });
        if (open.size > MAX_SESSIONS) open.delete(open.keys().next().value!);
        return view(key);
      },
      signOut(_args, _caller, key) {
        if (key) open.delete(key);
        return view(null);
      },
      session: (_args, _caller, key) => view(key),
      changePin({ currentPin, newPin }, op, key) {
        verifyPin(op.id, currentPin, 'currentPin');
        const weak = newPin === currentPin ? 'must differ from the PIN you have now' : weakPinReason(newPin, settings().security.pinMinLength, shippedPins);
        if (weak) throw new ApiFail('INVALID_INPUT', `New PIN ${weak}.`, { field: 'newPin' });
        const row = store.getOperator(op.id)!;
        store.upsertOperator({ id: row.id, name: row.name, role: row.role, pinHash: hashPin(newPin), mustChangePin: false });
        for (const s of open.values()) if (s.operator.id === op.id) s.mustChangePin = false;
        return view(key);
      },
      unlockOperator({ operatorId }) {
        const row = store.getOperator(operatorId);
        if (!row) throw new ApiFail('NOT_FOUND', `There is no operator "${operatorId}".`, { field: 'operatorId' });
        store.setPinState(row.id, CLEAR_PIN_STATE);
        return { id: row.id, name: row.name, role: row.role, mustChangePin: row.mustChangePin, lockedUntil: null };
      },
    },
  };
}
