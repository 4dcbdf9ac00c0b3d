/**
 * The till's back end selling straight against a provider it did not write (no switch between):
 * the hand-written stand-in answers in the published models' shapes (numbers for units, rates and
 * tax, currency the number 710, a lookup answered 200), over real HTTP on loopback. Values reach
 * the sale and the slip as the provider gave them; a tokenless answer prints the provider's slip;
 * a 504 is retried under the same id until the provider's 202. A card's terminal approval code
 * travels as the tender's reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAND_IN_METERS, STAND_IN_RETRY_TOKEN, STAND_IN_SLIP_LINE, STAND_IN_TOKEN, startStandInProvider, type StandInProvider } from '../../../switch-core/test/published-shapes-provider';
import { startTill, waitSale, type TestTill } from './harness';

let provider: StandInProvider;
let till: TestTill;
beforeAll(async () => {
  provider = await startStandInProvider();
  till = await startTill({ url: provider.origin, username: provider.username, password: provider.password });
});
afterAll(async () => {
  await till?.backend.close();
  await provider?.close();
});

async function sell(meterId: string) {
  const lk = await till.api.lookupMeter({ meterId });
  expect(lk.ok, JSON.stringify(lk)).toBe(true);
  const jobsBefore = till.sink.jobs.length;
  const p = await till.api.purchase({ lookupRef: lk.ok ? lk.value.lookupRef : undefined, meterId, amountCents: 10000, tender: { type: 'DEBIT_CARD', maskedCard: '492181******7890', approvalCode: 'A1B2C3' } });
  expect(p.ok, JSON.stringify(p)).toBe(true);
  const sale = await waitSale(till.api, p.ok ? p.value.saleId : '', (s) => s === 'succeeded' || s === 'failed');
  await till.backend.idle();
  const printed = till.sink.jobs.slice(jobsBefore).map((j) => Buffer.from(j).toString('latin1')).join('\n');
  return { lookup: lk.ok ? lk.value : null, sale, printed };
}

describe('the till against a provider answering in the published shapes', () => {
  it('sells: units 73.8 and tax 1400 reach the sale typed as numbers, the slip shows 73.8 kWh at R1.173/kWh', async () => {
    const { lookup, sale, printed } = await sell(STAND_IN_METERS.published);
    expect(lookup).toMatchObject({ customerName: 'Thandeka Mokoena', utilityName: 'Stand-in Municipality', maxCents: 300000, currency: '710' });
    expect(sale.state).toBe('succeeded');
    // amount 8600 with tax 1400: net of its tax, as the model says; the customer paid R100.00 for it.
    expect(sale.tokens).toEqual([expect.objectContaining({ type: 'STD', token: STAND_IN_TOKEN, units: 73.8, amountCents: 10000, receiptNum: 'RCPT000001' })]);
    expect(printed).toContain('73.8 kWh');
    expect(printed).toContain('@ R1.173/kWh');
    expect(printed).toContain('R14.00'); // the token's tax, 1400 cents
    // The purchase the till sent is typed as the models say: amounts integers, currency a 3-digit string.
    const sent = provider.requests.find((q) => q.body.id === sale.saleId)?.body;
    expect(sent?.purchaseAmount).toEqual({ amount: 10000, currency: '710' });
    // The card terminal's approval code goes as the tender's reference and stays with the sale.
    expect(sent?.tenders).toEqual([{ tenderType: 'DEBIT_CARD', amount: { amount: 10000, currency: '710' }, cardNumber: '492181******7890', reference: 'A1B2C3' }]);
    expect(sale.tender).toEqual({ type: 'DEBIT_CARD', maskedCard: '492181******7890', approvalCode: 'A1B2C3' });
  });

  it('a card swipe looks the meter up by its number: a track 2 short of the model’s 34 characters is not sent', async () => {
    const lk = await till.api.lookupMeter({ track2: `;${STAND_IN_METERS.published}=4912?` });
    expect(lk.ok, JSON.stringify(lk)).toBe(true);
    const sent = provider.requests.find((q) => q.body.id === (lk.ok ? lk.value.lookupRef : ''))?.body;
    expect(sent?.meter).toEqual({ meterId: STAND_IN_METERS.published });
  });

  it('an answer with no tokens at all (TST010-like) is a sale, printed from the provider’s slipData', async () => {
    const { sale, printed } = await sell(STAND_IN_METERS.noTokens);
    expect(sale.state).toBe('succeeded');
    expect(sale.tokens).toEqual([]);
    expect(printed).toContain(STAND_IN_SLIP_LINE);
  });

  it('a 504 is an unknown outcome: the till retries the same purchase id and sells with the 202’s token', async () => {
    const { sale } = await sell(STAND_IN_METERS.timeoutThenRetry);
    expect(sale.state).toBe('succeeded');
    expect(sale.tokens[0]?.token).toBe(STAND_IN_RETRY_TOKEN);
    const paths = provider.requests.filter((q) => q.body.id === sale.saleId).map((q) => q.path);
    expect(paths).toEqual([`/prepaidutility/v3/tokenPurchases/${sale.saleId}`, `/prepaidutility/v3/tokenPurchases/${sale.saleId}/retry`]);
  });
});
