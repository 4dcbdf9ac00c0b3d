/**
 * The till's back end selling straight against the public test server's own answers (no switch
 * between): the stand-in serves ../shared/reference/ppu-test-server/resources shaped as its README
 * says, over real HTTP on loopback. All eleven scenarios sell with the file's tokens — TST006's key
 * change tokens without a currency, TST007's charges without a description, TST011 through its 504
 * and the till's /retry — and the slip shows what arrived.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_METERS, scenarioFile, startPublicTestServer, type JsonObject, type PublicTestServer } from '../../../switch-core/test/public-test-server';
import { startTill, waitSale, type TestTill } from './harness';

let server: PublicTestServer;
let till: TestTill;
beforeAll(async () => {
  server = await startPublicTestServer();
  till = await startTill({ url: server.origin, username: server.username, password: server.password });
});
afterAll(async () => {
  await till?.backend.close();
  await server?.close();
});

async function sell(meterId: string) {
  const lk = await till.api.lookupMeter({ meterId });
  expect(lk.ok, JSON.stringify(lk)).toBe(true);
  const jobsBefore = till.sink.jobs.length;
  const amountCents = Number(PUBLIC_METERS.find((m) => m.meterId === meterId)!.testCaseAmount);
  const p = await till.api.purchase({ lookupRef: lk.ok ? lk.value.lookupRef : undefined, meterId, amountCents, tender: { type: 'CASH' } });
  expect(p.ok, JSON.stringify(p)).toBe(true);
  const sale = await waitSale(till.api, p.ok ? p.value.saleId : '', (s) => s === 'succeeded' || s === 'failed');
  await till.backend.idle();
  const printed = till.sink.jobs.slice(jobsBefore).map((j) => Buffer.from(j).toString('latin1')).join('\n');
  return { sale, printed };
}

describe("the till selling straight from the public test server's answers", () => {
  it.each(PUBLIC_METERS.map((m) => m.meterId!))("%s sells with the server's tokens", async (meterId) => {
    const { sale } = await sell(meterId);
    expect(sale.state, JSON.stringify(sale.failure)).toBe('succeeded');
    expect(sale.tokens.map((t) => t.token)).toEqual(((scenarioFile(meterId).tokens ?? []) as JsonObject[]).map((t) => t.token));
  });

  it('TST006: key change tokens with no currency print first, the STD token after them', async () => {
    const { sale, printed } = await sell('TST006');
    expect(sale.tokens.map((t) => [t.type, t.amountCents])).toEqual([
      ['KC', 0],
      ['KC', 0],
      ['STD', 10000], // 8600 + tax 1400 on the wire: the customer paid R100.00, VAT included
    ]);
    expect(printed).toContain('KEY CHANGE TOKEN 1 OF 2');
  });

  it('TST007: charges without a description are shown and printed under their kind', async () => {
    const { sale, printed } = await sell('TST007');
    expect(sale.charges.map((c) => [c.kind, c.description, c.amountCents])).toEqual([
      ['debt', 'Debt recovery', 5000], // 4300 + tax 700 on the wire, VAT included
      ['service', 'Service charge', 5000],
    ]);
    expect(printed).toContain('Debt recovery');
    expect(printed).toContain('R273.00'); // the balance left
  });

  it('TST011: the 504 leaves the sale unknown; the till’s /retry under the same id gets the tokens', async () => {
    const { sale } = await sell('TST011');
    const paths = server.requests.filter((q) => q.body.id === sale.saleId).map((q) => q.path);
    expect(sale.state).toBe('succeeded');
    expect(paths).toEqual([`/tokenPurchases/${sale.saleId}`, `/tokenPurchases/${sale.saleId}/retry`]);
  });
});
