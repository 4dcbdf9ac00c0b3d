/**
 * What an STS prepayment meter does with a typed token (STS.md, "The meter side"), as a pure function
 * over plain state: Format, Reject (CRC: a wrong digit, meter or key), Key expired, DDTK, Used, Old,
 * Overflow, Accept; key change pairs held section by section and applied when both are in; three bad
 * entries in a row lock the keypad with a wait that doubles each time. The virtual meter's store keeps
 * this state; nothing here does I/O or reads the clock.
 */
import { backoffMs } from '../../common/backoff';
import { printedKey, type KeyType } from './decoder-key';
import type { BaseDate } from './tid';
import { readToken } from './token';

export interface HeldSection {
  section: 1 | 2;
  ken: number;
  krn?: number;
  rollover?: boolean;
  keyType?: KeyType;
  tariffIndex?: number;
  /** The half of the new key this section carries. */
  keyHalf: number;
}

export interface MeterState {
  pan: string;
  decoderKey: string;
  keyType: KeyType;
  keyRevision: number;
  keyExpiry: number;
  tariffIndex: number;
  baseDate: BaseDate;
  /** Credit register in tenths of a unit. */
  creditTenths: number;
  /** Remembered TIDs, ascending; at most `tidMemory` of them. */
  tids: number[];
  held: HeldSection | null;
  badEntries: number;
  /** How many lockouts since the last good entry: the wait doubles with each. */
  lockouts: number;
  /** Epoch ms until which the keypad refuses entries; 0 when open. */
  lockedUntil: number;
}

export interface MeterSettings {
  /** How many TIDs the meter remembers (the last N). */
  tidMemory: number;
  /** Register ceiling in tenths; a credit that would pass it shows Overflow. */
  registerLimitTenths: number;
  /** The first lockout's wait; each further lockout doubles it. */
  lockoutMs: number;
}

export const DEFAULT_METER_SETTINGS: MeterSettings = { tidMemory: 50, registerLimitTenths: 9_999_999, lockoutMs: 60_000 };

export type MeterDisplay =
  | { show: 'Accept'; beforeTenths: number; afterTenths: number; tid: number; subclass: number }
  | { show: '1stKCT' | '2ndKCT'; keyChanged: boolean }
  | { show: 'Used' | 'Old' | 'Key expired' | 'DDTK' | 'Overflow' | 'Reject' | 'Format' | 'Function' }
  | { show: 'Lockout'; untilMs: number };

export interface MeterResult {
  state: MeterState;
  display: MeterDisplay;
}

/** Entries that count towards the keypad lockout: tokens the meter could not read at all. */
const BAD: ReadonlySet<MeterDisplay['show']> = new Set(['Reject', 'Format']);

export function enterToken(state: MeterState, token: string, nowMs: number, settings: MeterSettings = DEFAULT_METER_SETTINGS): MeterResult {
  if (state.lockedUntil > nowMs) return { state, display: { show: 'Lockout', untilMs: state.lockedUntil } };
  const { state: next, display } = judge(state, token.replace(/[\s-]/g, ''), settings);
  if (!BAD.has(display.show)) {
    const good = display.show === 'Accept' || display.show === '1stKCT' || display.show === '2ndKCT';
    return { state: { ...next, badEntries: 0, lockouts: good ? 0 : next.lockouts, lockedUntil: 0 }, display };
  }
  const badEntries = next.badEntries + 1;
  if (badEntries < 3) return { state: { ...next, badEntries }, display };
  const untilMs = nowMs + backoffMs(next.lockouts + 1, { baseMs: settings.lockoutMs, maxMs: Infinity });
  return { state: { ...next, badEntries: 0, lockouts: next.lockouts + 1, lockedUntil: untilMs }, display };
}

function judge(state: MeterState, token: string, settings: MeterSettings): MeterResult {
  const read = readToken(token, state.decoderKey);
  switch (read.kind) {
    case 'format':
      return { state, display: { show: 'Format' } };
    case 'crc':
      return { state, display: { show: 'Reject' } };
    case 'other':
      return { state, display: { show: 'Function' } };
    case 'credit': {
      if (read.subclass > 2) return { state, display: { show: 'Function' } };
      if (state.keyType === 1) return { state, display: { show: 'DDTK' } };
      if (state.keyExpiry !== 255 && read.tid > state.keyExpiry * 65535) return { state, display: { show: 'Key expired' } };
      if (state.tids.includes(read.tid)) return { state, display: { show: 'Used' } };
      const oldest = state.tids[0];
      if (state.tids.length >= settings.tidMemory && oldest !== undefined && read.tid < oldest) return { state, display: { show: 'Old' } };
      const after = state.creditTenths + read.tenths;
      if (after > settings.registerLimitTenths) return { state, display: { show: 'Overflow' } };
      const tids = [...state.tids, read.tid].sort((a, b) => a - b).slice(-settings.tidMemory);
      return {
        state: { ...state, creditTenths: after, tids },
        display: { show: 'Accept', beforeTenths: state.creditTenths, afterTenths: after, tid: read.tid, subclass: read.subclass },
      };
    }
    case 'kct1':
    case 'kct2': {
      const section: HeldSection =
        read.kind === 'kct1'
          ? { section: 1, ken: read.ken, krn: read.krn, rollover: read.rollover, keyType: read.keyType, keyHalf: read.keyHigh }
          : { section: 2, ken: read.ken, tariffIndex: read.tariffIndex, keyHalf: read.keyLow };
      const show = section.section === 1 ? '1stKCT' : '2ndKCT';
      const other = state.held;
      if (!other || other.section === section.section) return { state: { ...state, held: section }, display: { show, keyChanged: false } };
      const [first, second] = section.section === 1 ? [section, other] : [other, section];
      const key = (BigInt(first.keyHalf >>> 0) << 32n) | BigInt(second.keyHalf >>> 0);
      const changed: MeterState = {
        ...state,
        decoderKey: printedKey(key),
        keyType: first.keyType ?? state.keyType,
        keyRevision: first.krn ?? state.keyRevision,
        keyExpiry: first.ken | second.ken,
        tariffIndex: second.tariffIndex ?? state.tariffIndex,
        baseDate: first.rollover ? 2014 : state.baseDate,
        tids: first.rollover ? [] : state.tids,
        held: null,
      };
      return { state: changed, display: { show, keyChanged: true } };
    }
  }
}
