import { describe, expect, it } from 'vitest';
import { buildProfile, DEMO_METERS, type UtilityBackOffice } from './index';
import { lookupResponse, meterOf } from './responses';
import { DEFAULT_METER_SETTINGS, enterToken, readToken, tidFor, type MeterDisplay, type MeterState } from '../sts';

const NOW = Date.UTC(2026, 10, 30, 9, 15, 20);

/** A meter as installed: on the keys the back office says it holds today. */
function installedMeter(bo: UtilityBackOffice, meterId: string): MeterState {
  const pan = bo.getMeter(meterId)?.sts.pan ?? '';
  const setup = bo.meterKeySetup(pan);
  if (!setup) throw new Error(`no key setup for ${meterId}`);
  return { ...setup, creditTenths: 0, tids: [], held: null, badEntries: 0, lockouts: 0, lockedUntil: 0 };
}

function typeIn(meter: MeterState, tokens: readonly string[]): { shows: MeterDisplay['show'][]; meter: MeterState } {
  const shows: MeterDisplay['show'][] = [];
  let state = meter;
  for (const t of tokens) {
    const r = enterToken(state, t, NOW, DEFAULT_METER_SETTINGS);
    shows.push(r.display.show);
    state = r.state;
  }
  return { shows, meter: state };
}

function buy(bo: UtilityBackOffice, meterId: string, amountCents: number, id: string) {
  const provider = bo.getMeter(meterId)?.servedBy[0] ?? '';
  const r = bo.purchase(provider, id, meterId, amountCents);
  if (!r.ok) throw new Error(r.message);
  return r.value.record;
}

describe('providers vend real STS tokens', () => {
  it('every meter has STS data, and lookups carry it under the Meter field names', () => {
    const bo = buildProfile('demo', { seed: 3, clock: () => NOW }).backOffice;
    const view = bo.getMeter(DEMO_METERS.plain);
    expect(view?.sts).toEqual({ pan: '600727001000000171', keyType: 2, tokenTechCode: '02', algorithmCode: '07' });
    const answer = lookupResponse({ id: 'x' } as never, { meterId: DEMO_METERS.plain }, view as never, bo.getUtility(view?.utilityId ?? '') as never);
    expect(answer.meter).toMatchObject({ supplyGroupCode: '600101', keyRevisionNum: '1', tariffIndex: '01', tokenTechCode: '02', algorithmCode: '07' });
    const cert = buildProfile('certification').backOffice.getMeter('TST006');
    expect(cert?.sts.pan).toMatch(/^6007279900000006\d\d$/);
    expect(meterOf(cert as never, { meterId: 'TST006' }).keyChangeData).toMatchObject({ newKeyRevisionNumber: '2' });
  });

  it('a sale is a credit token the meter accepts, for the units on the answer, with the TID of the sale time', () => {
    const bo = buildProfile('demo', { seed: 3, clock: () => NOW }).backOffice;
    const record = buy(bo, DEMO_METERS.plain, 10_000, 'sale-1');
    const std = record.tokens[0];
    expect(std?.tokenType).toBe('STD');
    const meter = installedMeter(bo, DEMO_METERS.plain);
    const read = readToken(std?.token ?? '', meter.decoderKey);
    expect(read).toMatchObject({ kind: 'credit', subclass: 0, tid: tidFor(new Date(NOW), 2014) });
    const { shows, meter: after } = typeIn(meter, [std?.token ?? '']);
    expect(shows).toEqual(['Accept']);
    expect(after.creditTenths / 10).toBe(Number(std?.units));
    // Nothing a provider answers carries the supply group's vending key (a 16-hex secret).
    expect(JSON.stringify({ record, view: bo.getMeter(DEMO_METERS.plain) })).not.toMatch(/\b(?=[0-9a-f]*[a-f])[0-9a-f]{16}\b/);
  });

  it('two sales on one meter in the same minute get different TIDs, so the meter takes both', () => {
    const bo = buildProfile('demo', { seed: 3, clock: () => NOW }).backOffice;
    const a = buy(bo, DEMO_METERS.plain, 5_000, 'a');
    const b = buy(bo, DEMO_METERS.plain, 5_000, 'b');
    expect(typeIn(installedMeter(bo, DEMO_METERS.plain), [a.tokens[0]?.token ?? '', b.tokens[0]?.token ?? '']).shows).toEqual(['Accept', 'Accept']);
  });

  it('water and gas sales are subclass 1 and 2 tokens', () => {
    const bo = buildProfile('demo', { seed: 3, clock: () => NOW }).backOffice;
    for (const [meterId, subclass] of [[DEMO_METERS.water, 1], [DEMO_METERS.gas, 2]] as const) {
      const std = buy(bo, meterId, 20_000, `s-${meterId}`).tokens.find((t) => t.tokenType === 'STD');
      expect(readToken(std?.token ?? '', installedMeter(bo, meterId).decoderKey)).toMatchObject({ kind: 'credit', subclass });
    }
  });

  it('free basic electricity is a real token for its 50 kWh', () => {
    const bo = buildProfile('demo', { seed: 3, clock: () => NOW }).backOffice;
    const record = buy(bo, DEMO_METERS.bsstDue, 0, 'free');
    expect(record.tokens.map((t) => t.tokenType)).toEqual(['BSST']);
    const { shows, meter } = typeIn(installedMeter(bo, DEMO_METERS.bsstDue), [record.tokens[0]?.token ?? '']);
    expect(shows).toEqual(['Accept']);
    expect(meter.creditTenths).toBe(500);
  });

  // Certification's TST006 answers the public test server's fixed digits (certification.test.ts), not STS tokens.
  for (const [profile, meterId] of [['demo', DEMO_METERS.keyChange]] as const) {
    it(`${meterId}: the key change pair comes first; the credit after it only works once the pair is in`, () => {
      const bo = buildProfile(profile, { seed: 3, clock: () => NOW }).backOffice;
      const installed = installedMeter(bo, meterId);
      const record = buy(bo, meterId, 10_000, `kc-${meterId}`);
      const [kc1, kc2, std] = record.tokens.map((t) => t.token);
      expect(record.tokens.map((t) => t.tokenType)).toEqual(['KC', 'KC', 'STD']);
      expect(typeIn(installed, [std ?? '']).shows).toEqual(['Reject']);
      const { shows, meter } = typeIn(installed, [kc1 ?? '', kc2 ?? '', std ?? '']);
      expect(shows).toEqual(['1stKCT', '2ndKCT', 'Accept']);
      expect(meter.keyRevision).toBe(2);
      // A demo meter's back office now knows the meter holds the new key (a certification scenario replays its answer).
      if (profile === 'demo') expect(installedMeter(bo, meterId).decoderKey).toBe(meter.decoderKey);
    });
  }

  it('a reprint returns the same digits', () => {
    const bo = buildProfile('demo', { seed: 3, clock: () => NOW }).backOffice;
    const record = buy(bo, DEMO_METERS.everything, 30_000, 'r1');
    const provider = bo.getMeter(DEMO_METERS.everything)?.servedBy[0] ?? '';
    const reprint = bo.reprint(provider, 'r1', DEMO_METERS.everything);
    expect(reprint.ok && reprint.value.tokens.map((t) => t.token)).toEqual(record.tokens.map((t) => t.token));
  });
});
