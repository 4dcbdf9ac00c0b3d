import { describe, expect, it } from 'vitest';
import { creditToken, deriveDecoderKey, enterToken, keyChangeTokens, meterPan, type MeterDisplay, type MeterSettings, type MeterState } from './index';

const group = { vendingKey: '0123456789abcdef', supplyGroupCode: '600123', tariffIndex: '01', keyType: 2 as const, pan: meterPan('04040404040') };
const oldKey = deriveDecoderKey({ ...group, keyRevision: 1 });
const newKey = deriveDecoderKey({ ...group, keyRevision: 2 });
const settings: MeterSettings = { tidMemory: 3, registerLimitTenths: 100_000, lockoutMs: 1000 };

function meter(decoderKey = oldKey): MeterState {
  return {
    pan: group.pan, decoderKey, keyType: 2, keyRevision: 1, keyExpiry: 255, tariffIndex: 1, baseDate: 1993,
    creditTenths: 0, tids: [], held: null, badEntries: 0, lockouts: 0, lockedUntil: 0,
  };
}

/** Enters tokens one after another at time 0, returning the displays and the final state. */
function enterAll(start: MeterState, tokens: string[], now = 0): { shows: MeterDisplay[]; state: MeterState } {
  let state = start;
  const shows: MeterDisplay[] = [];
  for (const t of tokens) {
    const r = enterToken(state, t, now, settings);
    state = r.state;
    shows.push(r.display);
  }
  return { shows, state };
}

const credit = (key: string, tid: number, tenths = 100) => creditToken(key, { subclass: 0, random: 1, tid, tenths });

describe('virtual meter', () => {
  it('accepts a credit token once, adding its units; the same token again shows Used', () => {
    const { shows, state } = enterAll(meter(), [credit(oldKey, 500, 125), credit(oldKey, 500, 125)]);
    expect(shows[0]).toEqual({ show: 'Accept', beforeTenths: 0, afterTenths: 125, tid: 500, subclass: 0 });
    expect(shows[1]).toEqual({ show: 'Used' });
    expect(state.creditTenths).toBe(125);
  });

  it('shows Old for a TID older than every remembered one once the memory is full', () => {
    const { shows } = enterAll(meter(), [credit(oldKey, 10), credit(oldKey, 20), credit(oldKey, 30), credit(oldKey, 5), credit(oldKey, 15)]);
    expect(shows.map((s) => s.show)).toEqual(['Accept', 'Accept', 'Accept', 'Old', 'Accept']);
  });

  it('refuses a token for another meter (Reject) and bad digits (Format)', () => {
    const other = deriveDecoderKey({ ...group, keyRevision: 1, pan: meterPan('04040404041') });
    const { shows, state } = enterAll(meter(), [credit(other, 10), '1234', credit(oldKey, 11)]);
    expect(shows.map((s) => s.show)).toEqual(['Reject', 'Format', 'Accept']);
    expect(state.creditTenths).toBe(100);
  });

  it('takes a key change pair on the old key, then refuses credit under the old key and accepts the new', () => {
    const [first, second] = keyChangeTokens(oldKey, { newDecoderKey: newKey, ken: 255, krn: 2, keyType: 2, tariffIndex: 1, rollover: false });
    const { shows, state } = enterAll(meter(), [first, second, credit(oldKey, 40), credit(newKey, 41)]);
    expect(shows.map((s) => s.show)).toEqual(['1stKCT', '2ndKCT', 'Reject', 'Accept']);
    expect(shows[1]).toEqual({ show: '2ndKCT', keyChanged: true });
    expect(state.decoderKey).toBe(newKey);
    expect(state.keyRevision).toBe(2);
  });

  it('a rollover pair moves the meter to base date 2014 and clears its TID memory', () => {
    const [first, second] = keyChangeTokens(oldKey, { newDecoderKey: newKey, ken: 255, krn: 2, keyType: 2, tariffIndex: 1, rollover: true });
    const { shows, state } = enterAll(meter(), [credit(oldKey, 16_000_000), first, second, credit(newKey, 100)]);
    expect(shows.map((s) => s.show)).toEqual(['Accept', '1stKCT', '2ndKCT', 'Accept']);
    expect(state.baseDate).toBe(2014);
    expect(state.tids).toEqual([100]);
  });

  it('shows Key expired for a TID beyond KEN·65535', () => {
    const { shows } = enterAll({ ...meter(), keyExpiry: 2 }, [credit(oldKey, 2 * 65535), credit(oldKey, 2 * 65535 + 1)]);
    expect(shows.map((s) => s.show)).toEqual(['Accept', 'Key expired']);
  });

  it('locks the keypad after three bad entries in a row, for a wait that doubles', () => {
    const bad = enterAll(meter(), ['1', '2', '3'], 0);
    expect(bad.state.lockedUntil).toBe(1000);
    expect(enterToken(bad.state, credit(oldKey, 1), 999, settings).display).toEqual({ show: 'Lockout', untilMs: 1000 });
    const again = enterAll(bad.state, ['1', '2', '3'], 1000);
    expect(again.state.lockedUntil).toBe(3000);
    const open = enterToken(again.state, credit(oldKey, 1), 3000, settings);
    expect(open.display.show).toBe('Accept');
    expect(open.state.lockouts).toBe(0);
  });
});
