/**
 * Reference numbers and tokens' random digits derived from a transaction id: deterministic (a reprint
 * or a retry of the same purchase shows the same digits) and, for distinct ids, unique in practice
 * (two independent 64-bit FNV-1a hashes, reduced to decimal digits).
 */
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/** `digits` decimal digits (≤ 38) derived from `key`. */
export function digitsFor(key: string, digits: number): string {
  const wide = (fnv1a64('a:' + key) << 64n) | fnv1a64('b:' + key);
  return (wide % 10n ** BigInt(digits)).toString().padStart(digits, '0');
}
