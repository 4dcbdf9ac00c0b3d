/**
 * The on-screen PIN pad (large keys): digits, clear and delete, typed into whichever PIN field has
 * the focus last. Sign-in and the PIN change form share it.
 */
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The PIN after a pad key: a digit appended (at most 8), 'back' deletes one, 'clear' empties it. */
export function padKey(pin: string, key: string): string {
  return key === 'back' ? pin.slice(0, -1) : key === 'clear' ? '' : (pin + key).slice(0, 8);
}

export function PinPad({ onKey, label = 'Keypad' }: { onKey: (key: string) => void; label?: string }) {
  return (
    <div className="pinpad" role="group" aria-label={label}>
      {KEYS.map((k) => (
        <button type="button" key={k} className="btn key" onClick={() => onKey(k)}>{k}</button>
      ))}
      <button type="button" className="btn key" aria-label="Clear all digits" onClick={() => onKey('clear')}>C</button>
      <button type="button" className="btn key" onClick={() => onKey('0')}>0</button>
      <button type="button" className="btn key" aria-label="Delete last digit" onClick={() => onKey('back')}>⌫</button>
    </div>
  );
}
