/**
 * EA07, the STS Standard Transfer Algorithm (IEC 62055-41): a 16-round substitution–permutation cipher
 * over one 64-bit block, both ways. STS's own cipher, so no library has it; the tables are the
 * standard's constants (STS.md). Blocks and keys are bigint at the API; inside, two 32-bit halves so a
 * token costs microseconds, not the thousands of bigint operations a bit-by-bit permutation would.
 */

const S1 = [14, 10, 7, 9, 12, 3, 2, 5, 13, 0, 15, 1, 4, 8, 6, 11] as const;
const S2 = [12, 8, 2, 13, 7, 6, 1, 3, 11, 5, 9, 15, 0, 4, 10, 14] as const;
const P = [
  55, 42, 10, 18, 24, 21, 44, 35, 2, 22, 56, 43, 27, 58, 9, 50, 6, 36, 12, 61, 37, 38, 53, 16, 62, 3, 7, 4, 32, 20, 63, 25,
  51, 52, 54, 33, 49, 19, 46, 29, 48, 31, 23, 30, 41, 28, 13, 5, 40, 60, 39, 11, 15, 17, 1, 0, 57, 34, 59, 8, 47, 14, 45, 26,
] as const;

function inverse(table: readonly number[]): number[] {
  const inv = new Array<number>(table.length);
  table.forEach((v, i) => (inv[v] = i));
  return inv;
}
const S1_INV = inverse(S1);
const S2_INV = inverse(S2);

/** Per input byte position and byte value, the (hi, lo) bits it lands on after the bit permutation `to`. */
function byteTables(to: readonly number[]): Uint32Array {
  const t = new Uint32Array(8 * 256 * 2);
  for (let byte = 0; byte < 8; byte++) {
    for (let v = 0; v < 256; v++) {
      let hi = 0;
      let lo = 0;
      for (let b = 0; b < 8; b++) {
        if (((v >>> b) & 1) === 0) continue;
        const dest = to[byte * 8 + b] as number;
        if (dest >= 32) hi |= 1 << (dest - 32);
        else lo |= 1 << dest;
      }
      t[(byte * 256 + v) * 2] = hi >>> 0;
      t[(byte * 256 + v) * 2 + 1] = lo >>> 0;
    }
  }
  return t;
}
const PERMUTE = byteTables(P);
const UNPERMUTE = byteTables(inverse(P));

/** A 64-bit value as two unsigned 32-bit halves; mutated in place by the round functions. */
interface Pair {
  hi: number;
  lo: number;
}

function permute(x: Pair, table: Uint32Array): void {
  let hi = 0;
  let lo = 0;
  for (let byte = 0; byte < 4; byte++) {
    const a = ((byte * 256 + ((x.lo >>> (byte * 8)) & 0xff)) * 2) | 0;
    const b = (((byte + 4) * 256 + ((x.hi >>> (byte * 8)) & 0xff)) * 2) | 0;
    hi |= (table[a] as number) | (table[b] as number);
    lo |= (table[a + 1] as number) | (table[b + 1] as number);
  }
  x.hi = hi >>> 0;
  x.lo = lo >>> 0;
}

/** Each nibble through S1 or S2 (or their inverses), chosen by key bit 4n+3. */
function substitute(word: number, key: number, a: readonly number[], b: readonly number[]): number {
  let out = 0;
  for (let n = 0; n < 8; n++) {
    const nib = (word >>> (n * 4)) & 0xf;
    const box = ((key >>> (n * 4 + 3)) & 1) === 0 ? a : b;
    out |= (box[nib] as number) << (n * 4);
  }
  return out >>> 0;
}

function rotl(k: Pair, by: number): void {
  const s = by % 64;
  if (s === 0) return;
  let { hi, lo } = k;
  if (s >= 32) [hi, lo] = [lo, hi];
  const r = s % 32;
  if (r !== 0) [hi, lo] = [((hi << r) | (lo >>> (32 - r))) >>> 0, ((lo << r) | (hi >>> (32 - r))) >>> 0];
  k.hi = hi >>> 0;
  k.lo = lo >>> 0;
}

function split(v: bigint): Pair {
  return { hi: Number((v >> 32n) & 0xffffffffn), lo: Number(v & 0xffffffffn) };
}
function join(p: Pair): bigint {
  return (BigInt(p.hi) << 32n) | BigInt(p.lo);
}

/** k = rotr64(¬K, 12), the first round's key. */
function firstRoundKey(key: bigint): Pair {
  const k = split(~key & 0xffffffffffffffffn);
  rotl(k, 64 - 12);
  return k;
}

export function ea07Encrypt(block: bigint, key: bigint): bigint {
  const x = split(block);
  const k = firstRoundKey(key);
  for (let round = 0; round < 16; round++) {
    x.hi = substitute(x.hi, k.hi, S1, S2);
    x.lo = substitute(x.lo, k.lo, S1, S2);
    permute(x, PERMUTE);
    rotl(k, 1);
  }
  return join(x);
}

export function ea07Decrypt(block: bigint, key: bigint): bigint {
  const x = split(block);
  const k = firstRoundKey(key);
  rotl(k, 15);
  for (let round = 0; round < 16; round++) {
    permute(x, UNPERMUTE);
    x.hi = substitute(x.hi, k.hi, S1_INV, S2_INV);
    x.lo = substitute(x.lo, k.lo, S1_INV, S2_INV);
    rotl(k, 63);
  }
  return join(x);
}
