/** The certification checks say what differs from the public test server, in words naming the scenario. */
import { describe, expect, it } from 'vitest';
import { PurchaseAnswer } from '../../../switch-core/protocol';
import { purchaseRequest } from '../../../switch-core/protocol/test/fixtures';
import { checkPurchase, factsOf } from './checks';

/** TST004's answer as the public test server gives it, built from its facts (and read as the protocol reads an answer). */
function tst004(): PurchaseAnswer {
  const f = factsOf('TST004');
  return PurchaseAnswer.parse({
    ...purchaseRequest('TST004', f.amountCents),
    utility: { name: 'Electrum Test Server' },
    tokens: f.tokens.map((t) => ({
      tokenType: t.tokenType,
      token: t.token,
      units: t.units,
      amount: { amount: t.amountCents, currency: '710', tax: t.taxCents ?? undefined },
      receiptNum: t.receiptNum ?? undefined,
      tariffCalc: t.tariffRates.map((b) => ({ units: b.units, rate: b.rate })),
    })),
  });
}

describe('certification checks', () => {
  it("pass the test server's own answer", () => {
    expect(checkPurchase('TST004', tst004())).toEqual([]);
  });

  it('name the scenario, what was expected and what was received', () => {
    const r = tst004();
    r.tokens[0]!.tariffCalc![0]!.rate = 117;
    r.tokens[0]!.receiptNum = 'RCT1';
    expect(checkPurchase('TST004', r)).toEqual(['TST004: token receipt number "RCT40001" expected, "RCT1" received', 'TST004: tariff block rate 117.3 expected, 117 received']);
    r.tokens = [];
    expect(checkPurchase('TST004', r)).toEqual(['TST004: token count 1 expected, 0 received']);
  });
});
