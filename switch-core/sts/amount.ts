/**
 * The 16-bit STS amount field: tenths of a unit as a 2-bit exponent and a 14-bit mantissa,
 * value = m·10^e + Σ_{i=1..e} 2^14·10^(i−1). Exact up to 1638.3 units, then 1-, 10- and 100-unit steps;
 * encoding rounds up to the next value the field can hold (STS.md), so a customer never gets less than
 * was sold. Amounts are integer tenths here: no floating point reaches a token.
 */

const MANTISSA = 16384;
/** Σ_{i=1..e} 2^14·10^(i−1) for e = 0..3. */
const OFFSET = [0, 16384, 180224, 1818624] as const;
const SCALE = [1, 10, 100, 1000] as const;

/** The largest amount a token can carry, in tenths of a unit (1,820,162.4 units). */
export const MAX_AMOUNT_TENTHS = 16383 * 1000 + 1818624;

export function decodeAmount(field: number): number {
  const e = (field >>> 14) & 3;
  return (field & 0x3fff) * (SCALE[e] as number) + (OFFSET[e] as number);
}

/** The field for `tenths`, rounded up to the next value a token can carry. */
export function encodeAmount(tenths: number): number {
  if (!Number.isInteger(tenths) || tenths < 0 || tenths > MAX_AMOUNT_TENTHS) {
    throw new RangeError(`amount must be 0..${MAX_AMOUNT_TENTHS / 10} units in tenths, not ${tenths / 10}`);
  }
  for (let e = 0; e < 4; e++) {
    const scale = SCALE[e] as number;
    const m = Math.ceil((tenths - (OFFSET[e] as number)) / scale);
    if (m < MANTISSA) return (e << 14) | m;
  }
  throw new RangeError('unreachable: the range check above bounds the amount');
}

/** What a meter credits for `tenths` sold: the amount rounded up to what the field can carry. */
export function creditedTenths(tenths: number): number {
  return decodeAmount(encodeAmount(tenths));
}

/** "0.1", "1639.4": units as a decimal string, parsed to integer tenths (at most one decimal place). */
export function parseUnits(text: string): number | null {
  const m = /^(\d{1,7})(?:\.(\d))?$/.exec(text.trim());
  if (!m) return null;
  const tenths = Number(m[1]) * 10 + Number(m[2] ?? '0');
  return tenths <= MAX_AMOUNT_TENTHS ? tenths : null;
}
