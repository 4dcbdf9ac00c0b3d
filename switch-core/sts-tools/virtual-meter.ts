/**
 * The field tech's virtual meter: a meter PAN's state from the store (a new meter starts from the
 * simulated back office's keys for that PAN, or from a decoder key given), one token entered through
 * the pure meter logic, the new state saved before the display is returned. Shared by `ppu-sts meter`
 * and the till's Virtual meter screen.
 */
import { buildProfile, type MeterKeySetup } from '../providers';
import { enterToken, type MeterDisplay, type MeterState } from '../sts';
import { VirtualMeterStore } from './meter-store';

/** The back offices a PAN may belong to: the demo profile's meters, then the certification scenarios. */
export function backOfficeKeySetup(pan: string): MeterKeySetup | undefined {
  for (const profile of ['demo', 'certification'] as const) {
    const found = buildProfile(profile).backOffice.meterKeySetup(pan);
    if (found) return found;
  }
  return undefined;
}

export function freshMeter(setup: Omit<MeterKeySetup, 'meterId'>): MeterState {
  return {
    pan: setup.pan,
    decoderKey: setup.decoderKey,
    keyType: setup.keyType,
    keyRevision: setup.keyRevision,
    keyExpiry: setup.keyExpiry,
    tariffIndex: setup.tariffIndex,
    baseDate: setup.baseDate,
    creditTenths: 0,
    tids: [],
    held: null,
    badEntries: 0,
    lockouts: 0,
    lockedUntil: 0,
  };
}

export type MeterEntry = { ok: true; display: MeterDisplay; state: MeterState } | { ok: false; message: string };

export interface EnterOptions {
  stateDir: string;
  pan: string;
  token: string;
  /** Used when the meter is new to the store and not in the simulated back office. */
  decoderKey?: string;
  nowMs?: number;
}

export function enterOnVirtualMeter(o: EnterOptions): MeterEntry {
  const store = new VirtualMeterStore(o.stateDir);
  try {
    let state = store.get(o.pan);
    if (!state) {
      const setup = o.decoderKey
        ? { pan: o.pan, decoderKey: o.decoderKey, keyType: 2 as const, keyRevision: 1, keyExpiry: 255, tariffIndex: 1, baseDate: 2014 as const }
        : backOfficeKeySetup(o.pan);
      if (!setup) return { ok: false, message: `meter ${o.pan} is not in the simulated back office; give its decoder key` };
      state = freshMeter(setup);
    }
    const result = enterToken(state, o.token, o.nowMs ?? Date.now(), store.settings());
    store.put(result.state);
    return { ok: true, display: result.display, state: result.state };
  } finally {
    store.close();
  }
}
