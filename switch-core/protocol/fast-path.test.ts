import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { safeParseFast } from './fast-path';
import { MeterLookupAnswer, MeterLookupRequest, PurchaseAnswer, PurchaseRequest } from './schemas';
import { lookupRequest, purchaseRequest } from './test/fixtures';

const REFERENCE = resolve(import.meta.dirname, '../../../shared/reference/ppu-test-server/resources');
const reference = (name: string) => JSON.parse(readFileSync(`${REFERENCE}/${name}.json`, 'utf8')) as Record<string, unknown>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A purchase answer as a provider sends it: every field of the model's type, nothing extra. */
function purchaseAnswer(): Record<string, unknown> {
  const req = purchaseRequest('01234567890', 5000);
  return {
    ...clone(req),
    tenders: undefined,
    purchaseAmount: undefined,
    meter: { meterId: '01234567890', supplyGroupCode: '123456', keyRevisionNum: '1', tariffIndex: '01' },
    utility: { name: 'City Power', vatRegNum: '4123456789' },
    purchaseTotal: { amount: 5000, currency: '710' },
    tokens: [{ tokenType: 'STD', units: 21.5, amount: { amount: 4348, currency: '710', tax: 652, taxType: 'VAT', taxRate: 15 }, receiptNum: 'R1', token: '12345678901234567890' }],
  };
}
const withoutUndefined = (o: Record<string, unknown>) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>;

/**
 * The fast path may only take what zod reads, and must read it as zod does; false when it left
 * the body to zod.
 */
function expectAgreement(schema: z.ZodType, body: unknown): boolean {
  const slow = schema.safeParse(clone(body));
  const fast = safeParseFast(schema, body);
  const taken = fast.success && fast.data === body;
  if (taken) {
    expect(slow.success).toBe(true);
    expect(fast.data).toEqual(slow.data);
  }
  return taken;
}

describe('the fast path of reading a message', () => {
  it('takes canonical requests and answers as they are, and what answers leave out as zod fills it in', () => {
    expect(expectAgreement(MeterLookupRequest, clone(lookupRequest('01234567890')))).toBe(true);
    expect(expectAgreement(PurchaseRequest, clone(purchaseRequest('01234567890', 5000)))).toBe(true);
    expect(expectAgreement(PurchaseAnswer, withoutUndefined(purchaseAnswer()))).toBe(true);
    const lookup = { ...clone(lookupRequest('01234567890')), meter: { meterId: '01234567890' }, utility: { name: 'City Power' } };
    expect(expectAgreement(MeterLookupAnswer, lookup)).toBe(true);
    // What an answer may leave out, filled in as zod fills it: a list as [], a currency as absent.
    const answer = withoutUndefined(purchaseAnswer());
    expect(expectAgreement(PurchaseAnswer, edited(answer, 'tokens', undefined))).toBe(true);
    expect(expectAgreement(PurchaseAnswer, edited(withoutUndefined(purchaseAnswer()), 'tokens.0.amount.currency', null))).toBe(true);
  });

  it('leaves to zod whatever zod would convert, drop, mask or refuse', () => {
    const request = () => clone(purchaseRequest('01234567890', 5000)) as unknown as Record<string, unknown>;
    const answer = () => withoutUndefined(purchaseAnswer());
    const cases: [string, z.ZodType, () => Record<string, unknown>, string, unknown][] = [
      ['a currency as a number', PurchaseRequest, request, 'purchaseAmount.currency', 710],
      ['an amount as a string', PurchaseRequest, request, 'purchaseAmount.amount', '5000'],
      ['an amount with a fraction', PurchaseRequest, request, 'purchaseAmount.amount', 50.5],
      ['an unknown property', PurchaseRequest, request, 'extra', 1],
      ['a card number in a merchant name', PurchaseRequest, request, 'originator.merchant.merchantName.name', '4111 1111 1111 1111'],
      ['a terminal id too long', PurchaseRequest, request, 'originator.terminalId', 'TILL00012'],
      ['a meter id with a dash', PurchaseRequest, request, 'meter.meterId', '0123-4567'],
      ['a tender card number in clear', PurchaseRequest, request, 'tenders.0.cardNumber', '4111111111111111'],
      ['no id', PurchaseRequest, request, 'id', undefined],
      ['a token amount as a decimal string', PurchaseAnswer, answer, 'tokens.0.amount.amount', '4348.00'],
      ["the public test server's TST001 tokens", PurchaseAnswer, answer, 'tokens', reference('TST001').tokens],
      ['a card number in the utility name', PurchaseAnswer, answer, 'utility.name', 'card 4111111111111111'],
    ];
    for (const [name, schema, base, path, value] of cases) expect(expectAgreement(schema, edited(base(), path, value)), name).toBe(false);
    // JSON.parse makes __proto__ an own property: never passed on unchecked.
    const polluted = JSON.parse(JSON.stringify(request()).replace('{', '{"__proto__":{"polluted":true},')) as unknown;
    expect(expectAgreement(PurchaseRequest, polluted)).toBe(false);
  });
});

/** `body` with the value at a dotted path set (undefined: removed). */
function edited(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let at = body;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return body;
}
