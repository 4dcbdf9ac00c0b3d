/**
 * Choose your own PIN: shown straight after a sign-in with a default or manager-given PIN, before
 * anything else on the till works. The back end checks the rules (length from Settings, no repeated
 * digit, no run like 1234, not a shipped PIN) and says what is wrong in words.
 */
import { useState } from 'react';
import type { ApiError } from '../../../electron/api/contract';
import { useTill } from '../store';
import { Err } from './ErrorLine';

export function ChangePin() {
  const operator = useTill((s) => s.session?.operator);
  const changePin = useTill((s) => s.changePin);
  const signOut = useTill((s) => s.signOut);
  const [currentPin, setCurrent] = useState('');
  const [newPin, setNew] = useState('');
  const [repeat, setRepeat] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
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
          if (newPin !== repeat) {
            setErr({ code: 'INVALID_INPUT', field: 'repeat', message: 'The two new PINs are not the same. Type the new PIN twice.' });
            return;
          }
          setErr(await changePin(currentPin, newPin));
          setCurrent('');
          setNew('');
          setRepeat('');
        }}
      >
        <label htmlFor="pin-now">PIN you signed in with</label>
        <input id="pin-now" className="big" type="password" inputMode="numeric" value={currentPin} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" autoFocus />
        <label htmlFor="pin-new">New PIN</label>
        <input id="pin-new" className="big" type="password" inputMode="numeric" value={newPin} onChange={(e) => setNew(e.target.value)} autoComplete="new-password" />
        <label htmlFor="pin-repeat">New PIN again</label>
        <input id="pin-repeat" className="big" type="password" inputMode="numeric" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />
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
