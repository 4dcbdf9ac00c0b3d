/**
 * Sign-in: operator and PIN, with an on-screen PIN pad (large keys) beside the keyboard. Kept a
 * screen of its own so the session rules (first sign-in PIN change, lockout) can add their states here.
 */
import { useRef, useState } from 'react';
import { useTill } from '../store';
import { PinPad, padKey } from './PinPad';

export function SignIn() {
  const signIn = useTill((s) => s.signIn);
  const [id, setId] = useState('cashier');
  const [pin, setPin] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const pinRef = useRef<HTMLInputElement>(null);
  const submit = async () => {
    const r = await signIn(id.trim(), pin);
    setErr(r ? r.message : null);
    setPin('');
    pinRef.current?.focus();
  };
  const key = (k: string) => {
    setPin((p) => padKey(p, k));
    pinRef.current?.focus();
  };
  return (
    <main className="signin">
      <h1>Sign in to the till</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label htmlFor="op">Operator</label>
        <input id="op" className="big" value={id} onChange={(e) => setId(e.target.value)} autoComplete="username" />
        <label htmlFor="pin">PIN</label>
        <input id="pin" ref={pinRef} className="big pin" type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="current-password" autoFocus aria-describedby="pin-dots" />
        <p id="pin-dots" className="hint" aria-live="polite">{pin.length ? `${pin.length} digit${pin.length === 1 ? '' : 's'} typed` : 'Type your PIN or tap it on the pad.'}</p>
        <PinPad onKey={key} />
        <button className="btn primary sell" type="submit">Sign in <kbd>Enter</kbd></button>
        {err && <p role="alert" className="state failed">{err}</p>}
      </form>
    </main>
  );
}
