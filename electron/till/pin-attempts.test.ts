/** The wrong-PIN rule as a table: when a lockout starts, how it grows, and which new PINs are refused. */
import { describe, expect, it } from 'vitest';
import { CLEAR_PIN_STATE, afterWrongPin, lockedForMs, waitInWords, weakPinReason, type PinState } from './pin-attempts';

const t0 = Date.parse('2026-11-30T10:00:00Z');

describe('wrong PINs', () => {
  it('locks on the fifth wrong PIN in a row, for 30 s, then twice as long each time, at most an hour', () => {
    let st: PinState = CLEAR_PIN_STATE;
    for (let i = 1; i <= 4; i++) {
      st = afterWrongPin(st, t0);
      expect([st.failedPins, lockedForMs(st, t0)]).toEqual([i, 0]);
    }
    st = afterWrongPin(st, t0);
    expect(lockedForMs(st, t0)).toBe(30_000);
    expect(lockedForMs(st, t0 + 30_000)).toBe(0);
    const waits = [30_000];
    for (let lock = 2; lock <= 9; lock++) {
      for (let i = 0; i < 5; i++) st = afterWrongPin(st, t0);
      waits.push(lockedForMs(st, t0));
    }
    expect(waits).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000]);
  });

  it('says the wait in words', () => {
    expect([waitInWords(30_000), waitInWords(1_000), waitInWords(60_000), waitInWords(61_000), waitInWords(3_600_000)]).toEqual(['30 seconds', '1 second', '1 minute', '2 minutes', '60 minutes']);
  });
});

describe('new PINs', () => {
  it.each([
    ['2580', 4, null],
    ['25', 4, 'must have at least 4 digits'],
    ['258013', 6, null],
    ['25801', 6, 'must have at least 6 digits'],
    ['7777', 4, 'cannot be one digit repeated'],
    ['1234', 4, 'cannot be digits in a row (like 1234)'],
    ['98765', 4, 'cannot be digits in a row (like 1234)'],
    ['1357', 4, null],
    ['1111', 4, 'cannot be one digit repeated'],
    ['9990', 4, null],
    ['4321', 4, 'cannot be digits in a row (like 1234)'],
    ['5150', 4, 'cannot be a PIN a new till ships with'],
  ])('%s with at least %i digits → %s', (pin, min, reason) => {
    expect(weakPinReason(pin, min, ['5150'])).toBe(reason);
  });
});
