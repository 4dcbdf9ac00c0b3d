/** Table tests for the sale machine: the rules a cashier relies on, one row each. */
import { describe, expect, it } from 'vitest';
import { checkAmount, checkMeter, groupToken, nextAdvice, nextSale, type MachineSale, type SaleEvent } from '../sale-machine';
import { viewVersion } from '../sale-views';

const policy = { baseMs: 1000, maxMs: 8000, foregroundRetries: 3 };
const sale = (state: MachineSale['state'], attempts = 1): MachineSale => ({ state, attempts, late: false, nextAttemptAt: null, lastError: null });

describe('sale machine', () => {
  const rows: [string, MachineSale, SaleEvent, string, string[]][] = [
    ['success gives tokens, a slip and a confirmation', sale('purchasing'), { type: 'answer', outcome: 'successful' }, 'succeeded', ['queue-confirmation', 'print']],
    ['a final failure charges nothing', sale('purchasing'), { type: 'answer', outcome: 'failed', error: 'UNKNOWN_METER_ID' }, 'failed', []],
    ['unknown (504/500/timeout) keeps retrying the same purchase', sale('purchasing'), { type: 'answer', outcome: 'unknown' }, 'retrying', []],
    ['a retry that succeeds completes the sale', sale('retrying', 2), { type: 'answer', outcome: 'successful' }, 'succeeded', ['queue-confirmation', 'print']],
    ['the cashier may leave a retrying sale pending', sale('retrying'), { type: 'leave-pending' }, 'pending', ['print']],
    ['after the retries the cashier waits for, the sale is left pending by itself', sale('retrying', 4), { type: 'answer', outcome: 'unknown' }, 'pending', ['print']],
    ['the last retry the cashier waits for stays in the foreground', sale('retrying', 3), { type: 'answer', outcome: 'unknown' }, 'retrying', []],
    ['a pending sale keeps retrying in the background', sale('pending', 3), { type: 'answer', outcome: 'unknown' }, 'pending', []],
    ['a pending sale that succeeds late is completed', sale('pending', 4), { type: 'answer', outcome: 'successful' }, 'succeeded', ['queue-confirmation', 'print']],
    ['a cancelled pending sale gets a reversal', sale('pending'), { type: 'cancel' }, 'cancelled', ['queue-reversal']],
    ['an answer after cancel is ignored (the reversal covers it)', sale('cancelled'), { type: 'answer', outcome: 'successful' }, 'cancelled', []],
    ['an answer after success is ignored', sale('succeeded'), { type: 'answer', outcome: 'unknown' }, 'succeeded', []],
  ];
  it.each(rows)('%s', (_name, before, event, state, effects) => {
    const t = nextSale(before, event, 0, policy);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(t.sale.state).toBe(state);
    expect(t.effects.map((e) => e.type)).toEqual(effects);
  });

  const unchanged: [MachineSale, SaleEvent][] = [
    [sale('cancelled'), { type: 'answer', outcome: 'successful' }],
    [sale('succeeded'), { type: 'answer', outcome: 'unknown' }],
    [sale('failed'), { type: 'answer', outcome: 'successful' }],
    [sale('pending'), { type: 'leave-pending' }],
  ];
  it.each(unchanged)('%o after %o is the same sale: the back end writes nothing', (before, event) => {
    const t = nextSale(before, event, 0, policy);
    expect(t.ok && t.sale).toBe(before);
  });

  it('a pending sale that succeeds is marked late', () => {
    const t = nextSale(sale('pending'), { type: 'answer', outcome: 'successful' }, 0, policy);
    expect(t.ok && t.sale.late).toBe(true);
  });

  it('a retrying sale is late when its answer comes after the customer left (taken back after a restart), and on time otherwise', () => {
    const taken = nextSale(sale('retrying'), { type: 'answer', outcome: 'successful', late: true }, 0, policy);
    expect(taken.ok && [taken.sale.late, taken.effects]).toEqual([true, [{ type: 'queue-confirmation' }, { type: 'print', slip: 'sale' }]]);
    const counter = nextSale(sale('retrying'), { type: 'answer', outcome: 'successful' }, 0, policy);
    expect(counter.ok && counter.sale.late).toBe(false);
  });

  it('a sale resumed after a restart that is left pending by itself is late (no drawer opens); one the cashier leaves is not', () => {
    const itself = nextSale(sale('retrying', 4), { type: 'answer', outcome: 'unknown', late: true }, 0, policy);
    expect(itself.ok && [itself.sale.state, itself.sale.late]).toEqual(['pending', true]);
    const still = nextSale(sale('retrying', 2), { type: 'answer', outcome: 'unknown', late: true }, 0, policy);
    expect(still.ok && [still.sale.state, still.sale.late]).toEqual(['retrying', false]);
    const left = nextSale(sale('retrying', 2), { type: 'leave-pending' }, 0, policy);
    expect(left.ok && [left.sale.state, left.sale.late]).toEqual(['pending', false]);
  });

  const refused: [MachineSale['state'], SaleEvent][] = [
    ['succeeded', { type: 'cancel' }],
    ['failed', { type: 'cancel' }],
    ['succeeded', { type: 'send' }],
    ['failed', { type: 'leave-pending' }],
    ['succeeded', { type: 'retry-now' }],
  ];
  it.each(refused)('a %s sale refuses %o', (state, event) => {
    expect(nextSale(sale(state), event, 0, policy).ok).toBe(false);
  });

  it('backs off exponentially, capped', () => {
    const after = (attempts: number) => {
      const t = nextSale(sale('purchasing', attempts), { type: 'answer', outcome: 'unknown' }, 100, policy);
      return t.ok ? t.sale.nextAttemptAt : null;
    };
    expect([1, 2, 3, 4, 5, 9].map(after)).toEqual([1100, 2100, 4100, 8100, 8100, 8100]);
  });

  it('advices repeat until a final status', () => {
    const a0 = { status: 'queued' as const, attempts: 0, nextAttemptAt: null, lastError: null };
    const a1 = nextAdvice(a0, 'unknown', 'HTTP 504', 0, policy);
    expect(a1).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: 1000 });
    expect(nextAdvice(a1, 'successful', null, 0, policy).status).toBe('delivered');
    expect(nextAdvice(a1, 'failed', '404', 0, policy).status).toBe('failed');
  });
});

describe('input checks the cashier sees', () => {
  it.each([
    [{ meterId: '' }, false],
    [{ meterId: '1234 5678 903' }, true],
    [{ meterId: 'TST001' }, true],
    [{ meterId: '12345678901' }, false],
    [{ meterId: 'abc$' }, false],
    [{ track2: ';12345678903=2912?' }, true],
  ])('%o', (input, valid) => {
    const r = checkMeter(input);
    expect(r.ok).toBe(valid);
    if (r.ok) expect(r.meterId).toMatch(/^[A-Za-z0-9]+$/); // spaces and dashes a cashier types are dropped
    else expect(r.message.length).toBeGreaterThan(10);
  });
  it('a meter number typed in groups is the same meter', () => expect(checkMeter({ meterId: '1234 5678-903' })).toEqual({ ok: true, meterId: '12345678903' }));
  it('amount within min/max in whole cents', () => {
    expect(checkAmount(1000, 500, 2000).ok).toBe(true);
    expect(checkAmount(100, 500, 2000)).toMatchObject({ ok: false, message: expect.stringContaining('R5.00') });
    expect(checkAmount(3000, 500, 2000).ok).toBe(false);
    expect(checkAmount(10.5, null, null).ok).toBe(false);
  });
  it('groups tokens in fours', () => expect(groupToken('12345678901234567890')).toBe('1234 5678 9012 3456 7890'));
});

describe('sale view versions', () => {
  it('grow when a send ends without a write, so a long poll shows the countdown instead of sleeping through it', () => {
    // One retry cycle: the send writes the row (v), the answer writes it (v+1), the send ends (no write), the next send writes (v+2).
    const seen = [viewVersion(7, true), viewVersion(8, true), viewVersion(8, false), viewVersion(9, true)];
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  });
});
