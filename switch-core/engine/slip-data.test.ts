/** The switch-built slipData as a pure function: what the customer's slip says, and that it fits. */
import { describe, expect, it } from 'vitest';
import type { PurchaseAnswer } from '../protocol';
import { groupsOfFour, slipDataOf, withSlipData } from './slip-data';

const base = {
  id: '8f0c3a52-3f1e-4c57-9d1e-6a6f1f6e2b10',
  time: '2026-11-30T10:00:00.000Z',
  originator: { institution: { id: '0001', name: 'Shop' }, terminalId: 'TILL0001', merchant: { merchantId: '000000000000001', merchantType: '5411', merchantName: { name: 'Corner Store', city: 'Cape Town', region: 'WC', country: 'ZA' } } },
  client: { id: '0001', name: 'Shop' },
  thirdPartyIdentifiers: [],
};

/** An answer written as the models type it: units and rates as JSON numbers, tax an integer on top of its (net) amount. */
const answer = {
  ...base,
  meter: { meterId: '00128217734' },
  customer: { firstName: 'Thandiwe', lastName: 'Mokoena-Van der Westhuizen', address: '12 Long Street, Gardens, Cape Town 8001' },
  utility: { name: 'City of Cape Town', vatRegNum: '4500193497', message: 'Save electricity: switch off geysers between 17:00 and 20:00 in winter.' },
  utilityType: 'Electricity',
  purchaseTotal: { amount: 43478, currency: '710' },
  taxTotal: { amount: 7522, currency: '710' },
  tokens: [
    { tokenType: 'STD', units: 73.8, amount: { amount: 36956, currency: '710', tax: 6522 }, receiptNum: 'RC000123', token: '31203910095751188095', tariffCalc: [{ units: 50, rate: 117.3 }, { units: 23.8, rate: 155.21 }] },
    { tokenType: 'KC', units: 0, amount: { amount: 0, currency: '710' }, token: '12345678901234567890' },
    { tokenType: 'KC', units: 0, amount: { amount: 0, currency: '710' }, token: '09876543210987654321' },
  ],
  debtRecoveryCharges: [{ amount: { amount: 4348, currency: '710', tax: 652 }, description: 'Municipal rates arrears', balance: { amount: 95000, currency: '710' }, receiptNum: 'DR000456' }],
  serviceCharges: [{ amount: { amount: 1304, currency: '710', tax: 196 }, description: 'Monthly network charge' }],
  vatInvoiceNumber: 'INV20261130001',
} as unknown as PurchaseAnswer;

const textOf = (width?: number) => slipDataOf(answer, width).messageLines.map((l) => l.text);

describe('slipData built by the switch', () => {
  it('is a tax invoice: supplier with VAT number and serial, meter, customer, tokens in fours with type and units, tariff, each charge VAT-inclusive with its VAT, TOTAL = sum of the lines', () => {
    const lines = textOf();
    const all = lines.join('\n');
    expect(lines[0]?.trim()).toBe('Corner Store, Cape Town');
    expect(lines[1]?.trim()).toBe('2026-11-30 10:00');
    expect(lines[3]?.trim()).toBe('TAX INVOICE');
    expect(all).toMatch(/Supplier: +City of Cape Town/);
    expect(all).toMatch(/Reference\s+8f0c3a52-3f1e-4c57-9d1e-6a6f1f6e2b10/);
    expect(all).toMatch(/Supplier VAT no: +4500193497/);
    expect(all).toMatch(/Invoice no: +INV20261130001/);
    expect(all).toContain('Save electricity: switch off geysers');
    expect(all).toMatch(/Meter +00128217734/);
    expect(all).toMatch(/Customer\s+Thandiwe Mokoena-Van der Westhuizen/); // wrapped: too long for one line
    expect(all).toContain('3120 3910 0957 5118 8095');
    expect(all).toMatch(/Units +73\.8 kWh/);
    expect(all).toMatch(/Electricity 73\.8 kWh +R434\.78\n  incl\. VAT 15% +R65\.22/);
    expect(all).toMatch(/Receipt +RC000123/);
    expect(all).toMatch(/Tariff block +50 kWh @ 117\.3c/);
    expect(all).toMatch(/Tariff block +23\.8 kWh @ 155\.21c/);
    expect(all).toMatch(/Municipal rates arrears +R50\.00\n  incl\. VAT 15% +R6\.52/);
    expect(all).toMatch(/Balance left +R950\.00/);
    expect(all).toMatch(/Receipt +DR000456/);
    expect(all).toMatch(/Monthly network charge +R15\.00\n  incl\. VAT 15% +R1\.96/);
    expect(all).toMatch(/TOTAL +R499\.78/);
    expect(all).toMatch(/VAT 15% included +R73\.70/);
    expect(all).toMatch(/Total excl\. VAT +R426\.08/);
    expect(all).not.toMatch(/excl VAT/);
  });

  it('is a till slip, still showing the VAT, at R50 or less', () => {
    const small = { ...answer, tokens: [{ tokenType: 'STD', units: 20, amount: { amount: 4348, currency: '710', tax: 652 }, token: '31203910095751188095' }], debtRecoveryCharges: [], serviceCharges: [] } as unknown as PurchaseAnswer;
    const all = slipDataOf(small).messageLines.map((l) => l.text).join('\n');
    expect(all).toMatch(/^ +TILL SLIP$/m);
    expect(all).not.toContain('TAX INVOICE');
    expect(all).toMatch(/TOTAL +R50\.00\nVAT 15% included +R6\.52/);
  });

  it('puts the key change tokens first, numbered, prints each token line double height, and ends with the reference as a QR code', () => {
    const slip = slipDataOf(answer);
    const titles = slip.messageLines.map((l) => l.text.trim()).filter((t) => /TOKEN/.test(t));
    expect(titles).toEqual(['KEY CHANGE TOKEN 1 OF 2', 'KEY CHANGE TOKEN 2 OF 2', 'TOKEN']);
    const tokenLines = slip.messageLines.filter((l) => l.fontHeightScaleFactor === 2).map((l) => l.text.trim());
    expect(tokenLines).toEqual(['1234 5678 9012 3456 7890', '0987 6543 2109 8765 4321', '3120 3910 0957 5118 8095']);
    expect(slip.messageLines.slice(-2)).toEqual([{ text: '', barcode: { data: answer.id, encoding: 'QR' } }, { text: '', cut: true }]);
    expect(slip.issuerReference).toBe('INV20261130001');
  });

  it.each([24, 32, 42, 48, 80])('keeps every line within %i columns and says so in slipWidth', (width) => {
    const slip = slipDataOf(answer, width);
    expect(slip.slipWidth).toBe(width);
    for (const l of slip.messageLines) expect(l.text.length, JSON.stringify(l.text)).toBeLessThanOrEqual(width);
    expect(slip.messageLines.map((l) => l.text).join(' ')).toContain('Thandiwe');
  });

  it('leaves a provider’s own slipData exactly as it came, and builds one only for an answer with tokens', () => {
    const own = { messageLines: [{ text: 'PROVIDER SLIP' }], slipWidth: 40, issuerReference: 'ABC1' };
    expect(withSlipData({ ...answer, slipData: own }, 42).slipData).toBe(own);
    expect(withSlipData(answer, 32).slipData?.slipWidth).toBe(32);
    const noTokens = { errorType: 'GENERAL_ERROR' };
    expect(withSlipData(noTokens, 42)).toBe(noTokens);
  });

  it('groups a token in fours however the provider spaced it', () => {
    expect(groupsOfFour('3120 391009575118 8095')).toBe('3120 3910 0957 5118 8095');
  });
});
