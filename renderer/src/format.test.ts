import { describe, expect, it } from 'vitest';
import { ago, exactTime, parseRand, rand, setTillZone } from './format';

describe('display helpers', () => {
  it('shows money in rand from integer cents', () => {
    expect(rand(5000)).toBe('R 50.00');
    expect(rand(1)).toBe('R 0.01');
    expect(rand(null)).toBe('—');
  });

  it('reads what a cashier types as cents, and refuses what is not an amount', () => {
    expect(parseRand('50')).toBe(5000);
    expect(parseRand('R 50,5')).toBe(5050);
    expect(parseRand('19.99')).toBe(1999);
    expect(parseRand('5O')).toBeNull();
    expect(parseRand('1.234')).toBeNull();
  });

  it('says how long ago, and the exact local time for a hover', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(ago('2026-11-23T11:59:48Z', now)).toBe('12 s ago');
    expect(ago('2026-11-23T11:55:00Z', now)).toBe('5 min ago');
    expect(ago('2026-11-21T12:00:00Z', now)).toBe('2 d ago');
    expect(ago(null, now)).toBe('—');
    // A scheduled time (the queue's next attempt) reads forward.
    expect(ago('2026-11-23T12:04:50Z', now)).toBe('in 5 min');
    expect(ago('2026-11-23T12:00:09Z', now)).toBe('in 9 s');
    expect(ago('2026-11-23T12:00:00Z', now)).toBe('0 s ago');
    const d = new Date(2026, 10, 23, 9, 5, 7); // local time, whatever the machine's zone
    expect(exactTime(d.toISOString())).toBe('2026-11-23 09:05:07');
    expect(exactTime('not a time')).toBe('not a time');
  });

  it("shows times in the till's zone when it is not the browser's, and by the browser's clock when it is", () => {
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const other = browser === 'Asia/Tokyo' ? 'America/New_York' : 'Asia/Tokyo';
    const wall = new Intl.DateTimeFormat('sv-SE', { timeZone: other, dateStyle: 'short', timeStyle: 'medium' }).format(new Date('2026-11-23T09:05:07Z'));
    setTillZone(other);
    expect(exactTime('2026-11-23T09:05:07Z')).toBe(wall);
    setTillZone(browser);
    const d = new Date(2026, 10, 23, 9, 5, 7);
    expect(exactTime(d.toISOString())).toBe('2026-11-23 09:05:07');
  });
});
