/**
 * Choose your own PIN: shown straight after a sign-in with a default or manager-given PIN, before
 * anything else on the till works. The back end checks the rules (length from Settings, no repeated
 * digit, no run like 1234, not a shipped PIN) and says what is wrong in words. What was typed stays
 * after a refusal except the field that was wrong, and the PIN pad types into the field last used.
 */
import { useRef, useState } from 'react';
import type { ApiError } from '../../../electron/api/contract';
import { useTill } from '../store';
import { Err } from './ErrorLine';
import { PinPad, padKey } from './PinPad';

type PinField = 'currentPin' | 'newPin' | 'repeat';
const FIELDS: { key: PinField; id: string; label: string; autoComplete: string }[] = [
  { key: 'currentPin', id: 'pin-now', label: 'PIN you signed in with', autoComplete: 'current-password' },
  { key: 'newPin', id: 'pin-new', label: 'New PIN', autoComplete: 'new-password' },
  { key: 'repeat', id: 'pin-repeat', label: 'New PIN again', autoComplete: 'new-password' },
];

export function ChangePin() {
  const operator = useTill((s) => s.session?.operator);
  const changePin = useTill((s) => s.changePin);
  const signOut = useTill((s) => s.signOut);
  const [pins, setPins] = useState<Record<PinField, string>>({ currentPin: '', newPin: '', repeat: '' });
  const [active, setActive] = useState<PinField>('currentPin');
  const [err, setErr] = useState<ApiError | null>(null);
  const refs = useRef<Partial<Record<PinField, HTMLInputElement | null>>>({});
  const focus = (f: PinField) => {
    setActive(f);
    refs.current[f]?.focus();
  };
  const wrongField = (e: ApiError): PinField => (e.field === 'currentPin' || e.code === 'WRONG_PIN' || e.code === 'PIN_LOCKED' ? 'currentPin' : e.field === 'repeat' ? 'repeat' : 'newPin');
  return (
    <main className="signin">
      <h1>Choose your own PIN</h1>
      <p>
        {operator?.name}, the PIN you signed in with was given to you. Choose a PIN only you know before you start: at least 4 digits, not one digit
        repeated, not digits in a row like 1234.
      </p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const refused: ApiError | null =
            pins.newPin !== pins.repeat ? { code: 'INVALID_INPUT', field: 'repeat', message: 'The two new PINs are not the same. Type the new PIN again.' } : await changePin(pins.currentPin, pins.newPin);
          setErr(refused);
          if (!refused) return;
          // Only the wrong field is cleared (a new PIN refused clears both of its fields); the rest stays as typed.
          const wrong = wrongField(refused);
          setPins((p) => (wrong === 'currentPin' ? { ...p, currentPin: '' } : wrong === 'repeat' ? { ...p, repeat: '' } : { ...p, newPin: '', repeat: '' }));
          focus(wrong);
        }}
      >
        {FIELDS.map((f) => (
          <div key={f.key}>
            <label htmlFor={f.id}>{f.label}</label>
            <input
              id={f.id}
              ref={(el) => void (refs.current[f.key] = el)}
              className="big"
              type="password"
              inputMode="numeric"
              value={pins[f.key]}
              onFocus={() => setActive(f.key)}
              onChange={(e) => setPins({ ...pins, [f.key]: e.target.value })}
              autoComplete={f.autoComplete}
              autoFocus={f.key === 'currentPin'}
              aria-invalid={err && wrongField(err) === f.key ? true : undefined}
            />
          </div>
        ))}
        <p className="hint" aria-live="polite">The pad types into: {FIELDS.find((f) => f.key === active)?.label}.</p>
        <PinPad
          label="PIN pad"
          onKey={(k) => {
            setPins((p) => ({ ...p, [active]: padKey(p[active], k) }));
            refs.current[active]?.focus();
          }}
        />
        <button className="btn primary" type="submit">
          Save my PIN
        </button>
        <button className="btn" type="button" onClick={() => void signOut()}>
          Sign out
        </button>
        <Err e={err} />
      </form>
    </main>
  );
}
