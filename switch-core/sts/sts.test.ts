import { describe, expect, it } from 'vitest';
import {
  creditToken,
  creditedTenths,
  decodeAmount,
  deriveDecoderKey,
  encodeAmount,
  isValidPan,
  keyChangeTokens,
  meterPan,
  readToken,
  tidFor,
  MAX_AMOUNT_TENTHS,
  type Subclass,
} from './index';

// The published STS compliance vectors (STS 531-1-0-02, CTSA01), as listed in STS.md.
const group = { vendingKey: 'abababababababab', supplyGroupCode: '123456', tariffIndex: '01', keyRevision: 1, keyType: 2 as const };
const vectors = [
  { pan: '600727000000000009', issued: '2004-03-01T13:55Z', subclass: 0 as Subclass, tid: 5871715, token: '23716100501183194197' },
  { pan: '000001000000000082', issued: '2004-03-01T14:00Z', subclass: 0 as Subclass, tid: 5871720, token: '67206107716095682372' },
  { pan: '600727000000000009', issued: '2004-03-01T14:05Z', subclass: 1 as Subclass, tid: 5871725, token: '42502136492215507402' },
];

describe('published STS vectors', () => {
  it('derives the published decoder key for step 1', () => {
    expect(deriveDecoderKey({ ...group, pan: '600727000000000009' })).toBe('6ff35b9d1f3453e6');
  });

  for (const [i, v] of vectors.entries()) {
    it(`step ${i + 1}: TID, token and its reading`, () => {
      const key = deriveDecoderKey({ ...group, pan: v.pan });
      const tid = tidFor(new Date(v.issued), 1993);
      expect(tid).toBe(v.tid);
      expect(creditToken(key, { subclass: v.subclass, random: 5, tid, tenths: 1 })).toBe(v.token);
      expect(readToken(v.token, key)).toMatchObject({ kind: 'credit', subclass: v.subclass, random: 5, tid: v.tid, amountField: 1, tenths: 1 });
    });
  }
});

describe('amount field', () => {
  it('every field value decodes to an amount that encodes back to the same field', () => {
    for (let f = 0; f < 65536; f++) expect(encodeAmount(decodeAmount(f))).toBe(f);
  });

  it('rounds any amount up to the nearest value the field carries, never down', () => {
    expect(encodeAmount(16385)).toBe(0x4001); // 1638.5 units → the meter credits 1639.4
    expect(creditedTenths(16385)).toBe(16394);
    for (let t = 0; t <= MAX_AMOUNT_TENTHS; t += 997) {
      const f = encodeAmount(t);
      expect(decodeAmount(f)).toBeGreaterThanOrEqual(t);
      // The field just below (in value order) would credit less than sold.
      if (f > 0) expect(decodeAmount(f - 1)).toBeLessThan(t);
    }
    expect(() => encodeAmount(MAX_AMOUNT_TENTHS + 1)).toThrow(RangeError);
  });
});

describe('credit tokens', () => {
  const key = deriveDecoderKey({ ...group, pan: meterPan('01234567891') });

  it('round-trip every amount field for every subclass', () => {
    for (const subclass of [0, 1, 2] as Subclass[]) {
      for (let f = 0; f < 65536; f++) {
        const tenths = decodeAmount(f);
        const tid = (f * 257 + subclass) % (1 << 24);
        const read = readToken(creditToken(key, { subclass, random: f % 16, tid, tenths }), key);
        if (read.kind !== 'credit' || read.subclass !== subclass || read.tid !== tid || read.tenths !== tenths || read.random !== f % 16) {
          expect.fail(`field ${f} subclass ${subclass} came back as ${JSON.stringify(read)}`);
        }
      }
    }
  });

  it('any single changed digit fails the CRC (or the format)', () => {
    const token = creditToken(key, { subclass: 0, random: 3, tid: 6_000_000, tenths: 1234 });
    for (let i = 0; i < 20; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === token[i]) continue;
        const changed = token.slice(0, i) + d + token.slice(i + 1);
        expect(['crc', 'format']).toContain(readToken(changed, key).kind);
      }
    }
  });

  it('a token for another meter is refused', () => {
    const other = deriveDecoderKey({ ...group, pan: meterPan('01234567892') });
    const token = creditToken(other, { subclass: 0, random: 3, tid: 6_000_000, tenths: 1234 });
    expect(readToken(token, key).kind).toBe('crc');
    expect(readToken(token, other).kind).toBe('credit');
  });
});

describe('meter PAN', () => {
  it('is IIN 600727 + the meter number + its Luhn digit', () => {
    expect(meterPan('00000000000')).toBe('600727000000000009');
    expect(isValidPan('600727000000000009')).toBe(true);
    expect(isValidPan('600727000000000008')).toBe(false);
  });
});

describe('key change tokens', () => {
  it('carry the new key, KEN, KRN, key type, tariff index and rollover, readable only under the old key', () => {
    const oldKey = deriveDecoderKey({ ...group, pan: meterPan('01234567891') });
    const newKey = deriveDecoderKey({ ...group, keyRevision: 2, pan: meterPan('01234567891') });
    const [first, second] = keyChangeTokens(oldKey, { newDecoderKey: newKey, ken: 0xa7, krn: 2, keyType: 2, tariffIndex: 7, rollover: true });
    const r1 = readToken(first, oldKey);
    const r2 = readToken(second, oldKey);
    expect(r1).toMatchObject({ kind: 'kct1', ken: 0xa0, krn: 2, keyType: 2, rollover: true });
    expect(r2).toMatchObject({ kind: 'kct2', ken: 0x7, tariffIndex: 7 });
    expect(readToken(first, newKey).kind).toBe('crc');
  });
});
