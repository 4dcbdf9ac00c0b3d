import { describe, expect, it } from 'vitest';
import type { SaleView } from '../../electron/api/contract';
import { commodityOf } from '../../common/tax-invoice';
import { noticeFor, settleWatch } from './late-sales';
import { creditTokenIndex, duration, problemWords, refundWords, shortRef, switchWords, tokenNames, unitsText } from './words';

describe('codes in words', () => {
  it('says why a send got no answer, never the raw code', () => {
    expect(problemWords('OUTCOME_UNKNOWN')).toBe('the provider did not answer in time');
    expect(problemWords('HTTP 504')).toBe('the provider did not answer in time');
    expect(problemWords('timeout')).toBe('the switch did not answer in time');
    expect(problemWords('connection: ECONNREFUSED 127.0.0.1:9')).toBe('the switch cannot be reached (network)');
    expect(problemWords('SOME_NEW_CODE')).toBe('some new code');
  });

  it('names tokens for the customer, counting key changes, and finds the one to load for credit', () => {
    const tokens = [{ type: 'KC' }, { type: 'KC' }, { type: 'STD' }, { type: 'BSST' }];
    expect(tokenNames(tokens, 'ELECTRICITY')).toEqual(['Key change 1 of 2', 'Key change 2 of 2', 'Electricity token', 'Free electricity (basic support)']);
    expect(tokenNames([{ type: 'STD' }], 'WATER')).toEqual(['Water token']);
    expect(creditTokenIndex(tokens)).toBe(2);
  });

  it('gives units the unit the slip prints (one table, commodityOf), SI spelling; leaves a provider’s own unit alone', () => {
    const unit = (t: string) => commodityOf(t).unit;
    expect(unitsText('20.70', unit('ELECTRICITY'))).toBe('20.70 kWh');
    expect(unitsText(2.76, unit('WATER'))).toBe('2.76 kL');
    expect(unitsText('1.13', unit('GAS'))).toBe('1.13 kg');
    expect(unitsText('5 GJ', unit('GAS'))).toBe('5 GJ');
    expect(unitsText(null, unit('GAS'))).toBeNull();
    // The Sell screen prints the unit its token view carries, whatever it is: the till's, not a table of the screen's own.
    expect(unitsText(12, 'm³')).toBe('12 m³');
    expect(unitsText(12, '')).toBe('12 units');
  });

  it('says where a refund is paid from, as the till recorded it', () => {
    const refunded = (refundFrom: 'drawer' | 'safe' | null) => ({ amountCents: 3000, refundFrom });
    expect(refundWords(refunded('drawer'))).toBe('Refund R 30.00: pay from this drawer.');
    expect(refundWords(refunded('safe'))).toBe('Refund R 30.00: pay from the safe.');
    expect(refundWords(refunded(null))).toBe('Refund R 30.00 to the customer.');
  });

  it('rounds durations and shortens references to the last 8 characters', () => {
    expect(duration(30018.847321999987)).toBe('30 s');
    expect(duration(850.4)).toBe('850 ms');
    expect(duration(1234)).toBe('1.2 s');
    expect(shortRef('8d9e0f1a-4b5c-4d6e-8f7a-8b9c0d1e2f3a')).toBe('0d1e2f3a');
  });
});

describe('late outcomes', () => {
  it('looks again at the pending sales that left the list, and keeps watching the rest', () => {
    expect(settleWatch(['a', 'b', 'c'], ['b', 'd'])).toEqual({ gone: ['a', 'c'], watch: ['b', 'd'] });
  });

  it('raises a notice for a late success, and for any outcome of a sale no longer on the screen', () => {
    const sale = { saleId: 's1', meterId: '01234567890', amountCents: 3500, state: 'succeeded', late: true, slip: { printed: true }, updatedAt: '2026-11-30T10:00:00.000Z' } as SaleView;
    const notice = { saleId: 's1', meterId: '01234567890', amountCents: 3500, printed: true, at: '2026-11-30T10:00:00.000Z' };
    expect(noticeFor(sale, false)).toEqual({ ...notice, outcome: 'succeeded' });
    expect(noticeFor({ ...sale, late: false }, false)).toBeNull(); // the cashier sees it sold on her screen
    expect(noticeFor({ ...sale, late: false }, true)).toEqual({ ...notice, outcome: 'succeeded' }); // answered while she was leaving it
    expect(noticeFor({ ...sale, state: 'failed', refundFrom: 'safe' }, true)).toEqual({ ...notice, outcome: 'failed', refundFrom: 'safe' });
    expect(noticeFor({ ...sale, state: 'failed' }, false)).toBeNull();
    expect(noticeFor({ ...sale, state: 'cancelled' }, true)).toBeNull();
  });
});

describe('the switch in the status bar', () => {
  it('names the switch in use when several are listed, and the one it failed over from', () => {
    const one = { reachable: true, inUse: 'a:8443', position: 1, count: 1, failedOverFrom: null };
    expect(switchWords(one)).toBe('Switch: reachable');
    expect(switchWords({ ...one, count: 2 })).toBe('Switch: reachable, using a:8443 (1 of 2)');
    expect(switchWords({ ...one, inUse: 'b:8443', position: 2, count: 2, failedOverFrom: 'a:8443' })).toBe('Switch: reachable, using b:8443 (2 of 2), failed over from a:8443');
    expect(switchWords({ ...one, reachable: false, count: 2 })).toBe('Switch: NOT reachable (none of the 2 listed answers)');
  });
});
