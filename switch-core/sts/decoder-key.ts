/**
 * Meter PANs and DKGA02 decoder keys: a meter's key is single DES under its supply group's vending key
 * of (PANBlock ⊕ CONTROLBlock), xored with that block and the vending key; printed with its bytes
 * reversed. OpenSSL 3 hides `des-ecb` behind the legacy provider; `des-ede-ecb` with the key repeated
 * is the same single DES.
 */
import { meterCheckDigit } from '../protocol/meter-number';
import { createCipheriv } from 'node:crypto';

export const IIN = '600727';

/** The Luhn check digit of a digit string: the same rule as a meter number's own check digit. */
export const luhnDigit = meterCheckDigit;

/** The 18-digit meter PAN for an 11-digit meter number (DRN) of the current form. */
export function meterPan(drn: string): string {
  if (!/^\d{11}$/.test(drn)) throw new RangeError(`a meter number has 11 digits, not "${drn}"`);
  return IIN + drn + String(luhnDigit(IIN + drn));
}

export function isValidPan(pan: string): boolean {
  return /^\d{18}$/.test(pan) && luhnDigit(pan.slice(0, 17)) === Number(pan[17]);
}

/** STS key types: 0 initialisation, 1 default, 2 credit, 3 unique. */
export type KeyType = 0 | 1 | 2 | 3;

export interface KeyParams {
  /** The supply group's vending key, 16 hex digits. */
  vendingKey: string;
  supplyGroupCode: string;
  tariffIndex: string;
  keyRevision: number;
  keyType: KeyType;
  pan: string;
}

function panBlock(pan: string, keyType: KeyType): string {
  const legacy = pan.startsWith('0000');
  const iinPart = legacy ? pan.slice(1, 4) : pan.slice(1, 6);
  const drnLength = 16 - iinPart.length;
  return iinPart + (keyType === 3 ? '0'.repeat(drnLength) : pan.slice(iinPart.length + 1, 17));
}

/** The decoder key as meters and field techs print it: 16 lowercase hex digits. */
export function deriveDecoderKey(p: KeyParams): string {
  const control = `${p.keyType}${p.supplyGroupCode}${p.tariffIndex}${p.keyRevision}FFFFFF`;
  const x = Buffer.from(panBlock(p.pan, p.keyType), 'hex');
  const c = Buffer.from(control, 'hex');
  for (let i = 0; i < 8; i++) x[i] = (x[i] as number) ^ (c[i] as number);
  const vk = Buffer.from(p.vendingKey, 'hex');
  const des = createCipheriv('des-ede-ecb', Buffer.concat([vk, vk]), null).setAutoPadding(false);
  const d = Buffer.concat([des.update(x), des.final()]);
  for (let i = 0; i < 8; i++) d[i] = (d[i] as number) ^ (x[i] as number) ^ (vk[i] as number);
  return Buffer.from(d).reverse().toString('hex');
}

/** The key integer EA07 uses: the printed key read little-endian. */
export function ea07Key(decoderKey: string): bigint {
  return BigInt('0x' + Buffer.from(decoderKey, 'hex').reverse().toString('hex'));
}

/** The printed form of an EA07 key integer (inverse of ea07Key). */
export function printedKey(key: bigint): string {
  return Buffer.from(key.toString(16).padStart(16, '0'), 'hex').reverse().toString('hex');
}
