import { describe, expect, it } from 'vitest';
import { outcomeOfStatus } from './outcome';
import { pathFor } from './operations';
import { validateRequest } from './validate';
import { errorDetail, errorText } from './errors';
import { maskCardNumbersIn } from './schemas';
import { lookupRequest, purchaseRequest } from './test/fixtures';

describe('outcome classes', () => {
  it.each([
    [200, 'successful'],
    [201, 'successful'],
    [202, 'successful'],
    [500, 'unknown'],
    [504, 'unknown'],
    [undefined, 'unknown'],
    [400, 'failed'],
    [404, 'failed'],
    [501, 'failed'],
    [503, 'failed'],
  ] as const)('HTTP %s is %s', (status, outcome) => {
    expect(outcomeOfStatus(status)).toBe(outcome);
  });
});

describe('request validation', () => {
  it('accepts a purchase with a property the models lack, and drops it as Jackson would', () => {
    const req = { ...purchaseRequest('01234567890', 5000), vendorExtension: 'dropped' };
    const result = validateRequest('purchase', { purchaseId: req.id }, req);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).not.toHaveProperty('vendorExtension');
  });

  it('reads what the models allow: a numeric currency, any utilityType string, amounts as integer strings', () => {
    const req = purchaseRequest('01234567890', 5000);
    const body = { ...req, utilityType: 'Electricity', purchaseAmount: { amount: '5000', currency: 710 } };
    const result = validateRequest('purchase', { purchaseId: req.id }, body);
    expect(result.ok && result.value).toMatchObject({ utilityType: 'Electricity', purchaseAmount: { amount: 5000, currency: '710' } });
  });

  it.each([
    ['4921811234567890', false],
    ['492181123456', false],
    ['492181******7890', true],
    ['4921817890', true],
    ['492181', true],
  ])('a tender card number %s is accepted: %s (first 6 and last 4 digits at most)', (cardNumber, accepted) => {
    const req = purchaseRequest('01234567890', 5000, { tenders: [{ tenderType: 'DEBIT_CARD', amount: { amount: 5000, currency: '710' }, cardNumber }] });
    const result = validateRequest('purchase', { purchaseId: req.id }, req);
    expect(result.ok).toBe(accepted);
    if (!result.ok) {
      const [first] = (result.error.detailMessage as { formatErrors: { field: string; value: unknown }[] }).formatErrors;
      expect(first?.field).toBe('tenders.0.cardNumber');
      expect(JSON.stringify(result.error)).not.toContain(cardNumber);
    }
  });

  it('accepts an amount written as an integer string and reads it as a number', () => {
    const req = purchaseRequest('01234567890', 5000);
    const body = { ...req, purchaseAmount: { amount: '5000', currency: '710' } };
    const result = validateRequest('purchase', { purchaseId: req.id }, body);
    expect(result.ok && result.value.purchaseAmount.amount).toBe(5000);
  });

  it('refuses a fractional amount with a FORMAT_ERROR naming the field and value', () => {
    const req = purchaseRequest('01234567890', 5000);
    const body = { ...req, purchaseAmount: { amount: 50.5, currency: '710' } };
    const result = validateRequest('purchase', { purchaseId: req.id }, body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.errorType).toBe('FORMAT_ERROR');
      expect(result.error.detailMessage).toMatchObject({
        formatErrors: [expect.objectContaining({ field: 'purchaseAmount.amount', value: 50.5 })],
      });
    }
  });

  it('refuses a body whose id differs from the path id', () => {
    const req = lookupRequest('01234567890');
    const result = validateRequest('meterLookup', { lookupId: '2b7c1f0e-0000-4000-8000-000000000000' }, req);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.errorType).toBe('FORMAT_ERROR');
  });

  it('refuses garbage without throwing', () => {
    for (const body of [null, 'text', 42, [], { id: 5 }]) {
      const result = validateRequest('meterLookup', { lookupId: 'x' }, body);
      expect(result.ok).toBe(false);
    }
  });

  it('builds paths with the ids in place', () => {
    expect(pathFor('confirmation', { purchaseId: 'p', confirmationId: 'c' })).toBe(
      '/prepaidutility/v3/tokenPurchases/p/confirmations/c',
    );
  });
});

describe('error bodies', () => {
  it('keep errorMessage within the model\'s 20 characters and the whole text in detailMessage.message', () => {
    const e = errorDetail('UNKNOWN_METER_ID', 'Meter 01234567890 is not known to EasyPay', { id: 'x', detailMessage: { hint: 'look it up' } });
    expect(e.errorMessage?.length).toBeLessThanOrEqual(20);
    expect(e.detailMessage).toEqual({ message: 'Meter 01234567890 is not known to EasyPay', hint: 'look it up' });
    expect(errorText(e)).toBe('Meter 01234567890 is not known to EasyPay');
  });
  it('leave a short message and its detail as given', () => {
    const e = errorDetail('UPSTREAM_UNAVAILABLE', 'Timeout', { detailMessage: 'No response from upstream service' });
    expect(e).toEqual({ errorType: 'UPSTREAM_UNAVAILABLE', errorMessage: 'Timeout', detailMessage: 'No response from upstream service' });
    expect(errorText(e)).toBe('Timeout');
  });
});

describe('card numbers in free text', () => {
  it('masks a Luhn-valid 13–19 digit number, written whole or in groups, to its first 6 and last 4 digits', () => {
    expect(maskCardNumbersIn('paid with 4111111111111111 today')).toBe('paid with 411111******1111 today');
    expect(maskCardNumbersIn('card 5500 0000 0000 0004.')).toBe('card 550000******0004.');
  });
  it('leaves token digits (20, grouped or not), meter numbers and numbers failing the Luhn check as they are', () => {
    for (const text of ['1234 5678 9012 3456 7890', '00000000000000000000', 'meter 01234567897', '4111111111111112', 'ref 1234567890123']) {
      expect(maskCardNumbersIn(text)).toBe(text);
    }
  });
});
