/**
 * The STS side of the simulated back office (pure): each meter's STS data (PAN, key type, token
 * technology and algorithm codes) and the real 20-digit tokens a purchase or key change carries —
 * credit tokens (STD, BSST, REFUND) under the meter's decoder key, key change pairs under the old one.
 * Every simulated meter has been moved to base date 2014 by its utility's rollover campaign, so a key
 * change here carries no rollover bit; TIDs follow the sale time on the base date in force then.
 * The vending key comes in from the back office that holds it and never leaves in a result.
 */
import type { TokenType, UtilityType } from '../protocol';
import {
  baseDateAt,
  creditToken,
  creditedTenths,
  deriveDecoderKey,
  keyChangeTokens,
  luhnDigit,
  meterPan,
  tidFor,
  type KeyType,
  type Subclass,
} from '../sts';
import type { KeyData } from './purchase-plan';
import { digitsFor } from './token-digits';

/** STS token carrier: numeric 20-digit tokens (typed on a keypad). */
export const TOKEN_TECH_CODE = '02';
/** STS encryption algorithm: EA07 (Standard Transfer Algorithm). */
export const ALGORITHM_CODE = '07';
/** Every simulated meter holds a credit key (DCTK, key type 2) that never expires (KEN 255). */
export const KEY_TYPE: KeyType = 2;
export const KEY_EXPIRY = 255;

export interface MeterStsData {
  readonly pan: string;
  readonly keyType: KeyType;
  readonly tokenTechCode: string;
  readonly algorithmCode: string;
}

/**
 * The decoder reference number: an 11-digit meter number is its own DRN; a certification scenario
 * id (TST006) becomes 99 + its number in 8 digits + a Luhn digit, so those meters have PANs too.
 */
export function drnOf(meterId: string): string {
  if (/^\d{11}$/.test(meterId)) return meterId;
  const ten = '99' + (meterId.replace(/\D/g, '') || '0').slice(-8).padStart(8, '0');
  return ten + String(luhnDigit(ten));
}

export function stsDataOf(meterId: string): MeterStsData {
  return { pan: meterPan(drnOf(meterId)), keyType: KEY_TYPE, tokenTechCode: TOKEN_TECH_CODE, algorithmCode: ALGORITHM_CODE };
}

export function subclassOf(utilityType: UtilityType): Subclass {
  return utilityType === 'WATER' ? 1 : utilityType === 'GAS' ? 2 : 0;
}

/** A meter's decoder key for a set of keys (DKGA02). */
export function decoderKeyOf(vendingKey: string, meterId: string, keys: KeyData): string {
  return deriveDecoderKey({
    vendingKey,
    supplyGroupCode: keys.supplyGroupCode,
    tariffIndex: keys.tariffIndex,
    keyRevision: Number(keys.keyRevisionNum),
    keyType: KEY_TYPE,
    pan: stsDataOf(meterId).pan,
  });
}

export interface VendRequest {
  readonly txId: string;
  readonly meterId: string;
  readonly utilityType: UtilityType;
  readonly timeMs: number;
  /** The last TID this meter was issued: TIDs stay unique per meter even within one minute. */
  readonly lastTid: number;
  /** The decoder key the meter holds now. */
  readonly oldKey: string;
  /** Present when the tokens include a key change pair. */
  readonly newKey?: { readonly decoderKey: string; readonly keys: KeyData };
}

export interface VendedToken {
  readonly token: string;
  /** Units the meter will credit, in hundredths (0 for key change tokens). */
  readonly creditedHundredths: number;
}

/** The tokens for planned token types in order; a KC pair occupies two consecutive places. */
export function vendTokens(planned: readonly { tokenType: TokenType; unitsHundredths: number }[], req: VendRequest): { tokens: VendedToken[]; lastTid: number } {
  const base = baseDateAt(new Date(req.timeMs));
  let tid = Math.max(tidFor(new Date(req.timeMs), base), req.lastTid + 1);
  let pair: [string, string] | null = null;
  let kcIndex = 0;
  let creditKey = req.oldKey;
  const tokens = planned.map((t, i): VendedToken => {
    if (t.tokenType === 'KC') {
      if (!req.newKey) throw new Error(`a key change token for ${req.meterId} needs its new key`);
      pair ??= keyChangeTokens(req.oldKey, {
        newDecoderKey: req.newKey.decoderKey,
        ken: KEY_EXPIRY,
        krn: Number(req.newKey.keys.keyRevisionNum),
        keyType: KEY_TYPE,
        tariffIndex: Number(req.newKey.keys.tariffIndex),
        rollover: false,
      });
      // Credit after the pair is under the new key: the meter has it by then.
      creditKey = req.newKey.decoderKey;
      return { token: pair[kcIndex++ % 2] as string, creditedHundredths: 0 };
    }
    // Tokens carry tenths: the hundredth the tariff bought is dropped, then STS rounds up (docs/sts.md).
    const tenths = Math.floor(t.unitsHundredths / 10);
    const random = Number(digitsFor(`random:${req.txId}:${i}`, 4)) % 16;
    const token = creditToken(creditKey, { subclass: subclassOf(req.utilityType), random, tid, tenths });
    tid++;
    return { token, creditedHundredths: creditedTenths(tenths) * 10 };
  });
  return { tokens, lastTid: tid - 1 };
}
