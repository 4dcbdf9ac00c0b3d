import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProfile, DEMO_METERS } from '../providers';
import { creditToken, meterPan } from '../sts';
import { VirtualMeterStore } from './meter-store';
import { enterOnVirtualMeter } from './virtual-meter';

const NOW = Date.UTC(2026, 10, 30, 12, 0);
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => (dir = mkdtempSync(join(tmpdir(), 'vmeter-')));

describe('virtual meter with its state in SQLite', () => {
  it('a demo meter starts on the back office keys, takes a sold token once, and remembers it across openings', () => {
    fresh();
    const bo = buildProfile('demo', { clock: () => NOW }).backOffice;
    const meterId = DEMO_METERS.plain;
    const sale = bo.purchase(bo.getMeter(meterId)?.servedBy[0] ?? '', 'p1', meterId, 10_000);
    const token = sale.ok ? (sale.value.record.tokens[0]?.token ?? '') : '';
    const pan = meterPan(meterId);
    const first = enterOnVirtualMeter({ stateDir: dir, pan, token, nowMs: NOW });
    expect(first.ok && first.display.show).toBe('Accept');
    expect(first.ok && first.state.creditTenths / 10).toBe(Number(sale.ok && sale.value.record.tokens[0]?.units));
    const again = enterOnVirtualMeter({ stateDir: dir, pan, token, nowMs: NOW });
    expect(again.ok && again.display.show).toBe('Used');
  });

  it('the TID memory size is a stored setting', () => {
    fresh();
    const key = '0123456789abcdef';
    const pan = meterPan('12345678903');
    const store = new VirtualMeterStore(dir);
    expect(store.settings().tidMemory).toBe(50);
    store.setTidMemory(2);
    store.close();
    const shows = [10, 20, 5].map((tid) => {
      const r = enterOnVirtualMeter({ stateDir: dir, pan, decoderKey: key, nowMs: NOW, token: creditToken(key, { subclass: 0, random: 0, tid, tenths: 10 }) });
      return r.ok ? r.display.show : r.message;
    });
    expect(shows).toEqual(['Accept', 'Accept', 'Old']);
  });

  it('an unknown PAN without a decoder key is refused with a reason', () => {
    fresh();
    const r = enterOnVirtualMeter({ stateDir: dir, pan: meterPan('99999999994'), token: '12345678901234567890', nowMs: NOW });
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('give its decoder key') });
  });
});
