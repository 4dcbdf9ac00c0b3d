/**
 * STS tokens both ways: credit tokens (class 0) and key change token pairs (class 2, subclasses 3 and 4)
 * as 64-bit blocks with their CRC, encrypted with EA07 under the (old) decoder key, and the 20-digit
 * form with the class bits carried outside the cipher (STS.md). Reading a token gives back its fields
 * only when its CRC holds; a wrong digit, meter or key all look the same: the CRC fails.
 */
import { ea07Decrypt, ea07Encrypt } from './ea07';
import { stsCrc } from './crc';
import { decodeAmount, encodeAmount } from './amount';
import { TID_LIMIT } from './tid';
import { ea07Key, type KeyType } from './decoder-key';

export type Subclass = 0 | 1 | 2;
export const SUBCLASS_NAMES: Record<Subclass, string> = { 0: 'electricity', 1: 'water', 2: 'gas' };

export interface CreditFields {
  subclass: Subclass;
  /** 0..15 */
  random: number;
  /** Minutes from the base date, 24 bits. */
  tid: number;
  /** Units sold, in tenths; rounded up to what the amount field carries. */
  tenths: number;
}

export interface KeyChangeFields {
  /** The new decoder key as printed (16 hex). */
  newDecoderKey: string;
  /** Key expiry number 0..255 (255: never expires). */
  ken: number;
  /** Key revision number 1..9 (one decimal digit in the control block). */
  krn: number;
  keyType: KeyType;
  /** Tariff index 0..99. */
  tariffIndex: number;
  /** Set when the pair also moves the meter to base date 2014 (clears its TID memory). */
  rollover: boolean;
}

const MASK64 = 0xffffffffffffffffn;
const DIGITS_LIMIT = 1n << 66n;

function field(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${name} must be 0..${max}, not ${value}`);
  return value;
}

/** Block with CRC from class and the 48 data bits. */
function seal(tokenClass: number, data48: bigint): bigint {
  return (data48 << 16n) | BigInt(stsCrc((BigInt(tokenClass) << 48n) | data48));
}

function toDigits(tokenClass: number, encrypted: bigint): string {
  const b28 = (encrypted >> 28n) & 1n;
  const b27 = (encrypted >> 27n) & 1n;
  let v = encrypted & ~(3n << 27n) & MASK64;
  v |= (b28 << 65n) | (b27 << 64n);
  v |= (BigInt((tokenClass >> 1) & 1) << 28n) | (BigInt(tokenClass & 1) << 27n);
  return v.toString().padStart(20, '0');
}

function encrypt(tokenClass: number, data48: bigint, decoderKey: string): string {
  return toDigits(tokenClass, ea07Encrypt(seal(tokenClass, data48), ea07Key(decoderKey)));
}

export function creditToken(decoderKey: string, f: CreditFields): string {
  field('subclass', f.subclass, 2);
  field('random', f.random, 15);
  field('tid', f.tid, TID_LIMIT - 1);
  const data =
    (BigInt(f.subclass) << 44n) | (BigInt(f.random) << 40n) | (BigInt(f.tid) << 16n) | BigInt(encodeAmount(f.tenths));
  return encrypt(0, data, decoderKey);
}

/** The 1st (subclass 3) and 2nd (subclass 4) key change tokens, encrypted with the old key. */
export function keyChangeTokens(oldDecoderKey: string, f: KeyChangeFields): [string, string] {
  field('ken', f.ken, 255);
  field('krn', f.krn, 15);
  field('keyType', f.keyType, 3);
  field('tariffIndex', f.tariffIndex, 99);
  const k = ea07Key(f.newDecoderKey);
  const first =
    (3n << 44n) |
    (BigInt(f.ken >> 4) << 40n) |
    (BigInt(f.krn) << 36n) |
    (BigInt(f.rollover ? 1 : 0) << 35n) |
    (BigInt(f.keyType) << 32n) |
    (k >> 32n);
  const second = (4n << 44n) | (BigInt(f.ken & 0xf) << 40n) | (BigInt(f.tariffIndex) << 32n) | (k & 0xffffffffn);
  return [encrypt(2, first, oldDecoderKey), encrypt(2, second, oldDecoderKey)];
}

/** A token's class and still-encrypted block, or null when it is not 20 digits below 2^66 (Format). */
export function fromDigits(token: string): { tokenClass: number; block: bigint } | null {
  if (!/^\d{20}$/.test(token)) return null;
  const v = BigInt(token);
  if (v >= DIGITS_LIMIT) return null;
  const tokenClass = Number(((v >> 28n) & 1n) << 1n | ((v >> 27n) & 1n));
  const block = (v & ~(3n << 27n) & MASK64) | (((v >> 65n) & 1n) << 28n) | (((v >> 64n) & 1n) << 27n);
  return { tokenClass, block };
}

export type ReadToken =
  | { kind: 'format' }
  | { kind: 'crc'; tokenClass: number }
  | { kind: 'credit'; tokenClass: 0; subclass: number; random: number; tid: number; amountField: number; tenths: number }
  | { kind: 'kct1'; ken: number; krn: number; rollover: boolean; keyType: KeyType; keyHigh: number }
  | { kind: 'kct2'; ken: number; tariffIndex: number; keyLow: number }
  | { kind: 'other'; tokenClass: number; subclass: number; data48: bigint };

/** Reads a token with a meter's decoder key: the fields only when the CRC holds. */
export function readToken(token: string, decoderKey: string): ReadToken {
  const parsed = fromDigits(token);
  if (!parsed) return { kind: 'format' };
  const { tokenClass } = parsed;
  // Class 1 (meter test) tokens are not encrypted.
  const plain = tokenClass === 1 ? parsed.block : ea07Decrypt(parsed.block, ea07Key(decoderKey));
  const data48 = plain >> 16n;
  if (stsCrc((BigInt(tokenClass) << 48n) | data48) !== Number(plain & 0xffffn)) return { kind: 'crc', tokenClass };
  const subclass = Number(data48 >> 44n);
  const nibble = Number((data48 >> 40n) & 0xfn);
  if (tokenClass === 0) {
    const amountField = Number(data48 & 0xffffn);
    return { kind: 'credit', tokenClass: 0, subclass, random: nibble, tid: Number((data48 >> 16n) & 0xffffffn), amountField, tenths: decodeAmount(amountField) };
  }
  if (tokenClass === 2 && subclass === 3) {
    return {
      kind: 'kct1',
      ken: nibble << 4,
      krn: Number((data48 >> 36n) & 0xfn),
      rollover: ((data48 >> 35n) & 1n) === 1n,
      keyType: Number((data48 >> 32n) & 3n) as KeyType,
      keyHigh: Number(data48 & 0xffffffffn),
    };
  }
  if (tokenClass === 2 && subclass === 4) {
    return { kind: 'kct2', ken: nibble, tariffIndex: Number((data48 >> 32n) & 0xffn), keyLow: Number(data48 & 0xffffffffn) };
  }
  return { kind: 'other', tokenClass, subclass, data48 };
}
