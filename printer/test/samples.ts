/**
 * Sample slips for tests, goldens and the benchmark: one per token kind and slip type, built from
 * PPU v3 PurchaseResponses shaped like the public test server's scenario meters (TST001…TST010).
 */
import { PurchaseAnswer, type PurchaseResponse } from '../../switch-core/protocol';
import { TEST_ORIGINATOR } from '../../switch-core/protocol/test/fixtures';
import { markReprint, pendingSlip, slipFromPurchase, slipFromSlipData, type Slip, type SlipContext } from '../slip';

export const CTX: SlipContext = {
  merchantName: 'Ntuli-Müller General Dealer & Spaza',
  address: ['12 Long Street, Khayelitsha Site C', 'Cape Town 7784'],
  vatNumber: '4123456789',
  terminalId: 'TILL0001',
  operator: 'Zoë',
  footer: ['Thank you for your purchase', 'Keep this slip: it is your proof of payment'],
  referenceCode: 'both',
  timeZone: 'Africa/Johannesburg',
};
const CASH = (paidCents: number, receivedCents: number): SlipContext => ({ ...CTX, payment: { tender: 'CASH', paidCents, receivedCents } });

const AT = '2026-11-22T10:05:00+02:00';
const money = (amount: number) => ({ amount, currency: '710' });

/** Read as the till reads an answer. */
function resp(id: string, over: Partial<PurchaseResponse>): PurchaseAnswer {
  return PurchaseAnswer.parse({
    id,
    time: AT,
    originator: TEST_ORIGINATOR,
    client: { id: 'TILLCO', name: 'Till Co' },
    thirdPartyIdentifiers: [],
    meter: { meterId: '01234567890' },
    utility: { name: 'City of Cape Town Electricity', vatRegNum: '4500193497' },
    utilityType: 'ELECTRICITY',
    customer: { firstName: 'Nkosi', lastName: 'Ntuli-Müller', address: '7 Acacia Road, Khayelitsha' },
    tokens: [],
    ...over,
  });
}

const std = (token: string, amount = 10000) => ({
  tokenType: 'STD' as const,
  token,
  units: 45.6,
  // The model writes a taxed amount net of its tax: R100.00 is amount 8696 + tax 1304.
  amount: { ...money(amount - Math.round((amount * 15) / 115)), tax: Math.round((amount * 15) / 115) },
  receiptNum: 'R000123',
  tariffCalc: [
    { units: 30.0, rate: 196 },
    { units: 15.6, rate: 264 },
  ],
});

export const SAMPLES: Record<string, Slip> = {
  std: slipFromPurchase(
    resp('3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e', {
      tokens: [std('12345678901234567890')],
      purchaseTotal: money(10000),
      taxTotal: money(1304),
      vatInvoiceNumber: 'VAT-000123',
    }),
    CASH(10000, 20000),
  ),
  bsst: slipFromPurchase(
    resp('5a6b7c8d-1e2f-4a3b-9c4d-5e6f7a8b9c0d', {
      tokens: [
        std('11112222333344445555'),
        { tokenType: 'BSST', token: '99998888777766665555', units: 50.0, amount: money(0), receiptNum: 'R000124' },
      ],
      purchaseTotal: money(10000),
      taxTotal: money(1304),
      vatInvoiceNumber: 'VAT-000124',
    }),
    CTX,
  ),
  kc: slipFromPurchase(
    resp('6b7c8d9e-2f3a-4b4c-8d5e-6f7a8b9c0d1e', {
      tokens: [
        std('55556666777788889999'),
        { tokenType: 'KC', token: '10101010202020203030', units: 0, amount: money(0) },
        { tokenType: 'KC', token: '40404040505050506060', units: 0, amount: money(0) },
      ],
      purchaseTotal: money(10000),
      taxTotal: money(1304),
      vatInvoiceNumber: 'VAT-000125',
    }),
    CTX,
  ),
  debt: slipFromPurchase(
    resp('7c8d9e0f-3a4b-4c5d-9e6f-7a8b9c0d1e2f', {
      tokens: [std('24682468246824682468', 15000)],
      debtRecoveryCharges: [
        { amount: { ...money(3000 - 391), tax: 391 }, description: 'Arrears recovery', balance: money(47000), receiptNum: 'D000001' },
      ],
      serviceCharges: [{ amount: { ...money(2000 - 261), tax: 261 }, description: 'Monthly access fee (Nov)' }],
      purchaseTotal: money(20000),
      taxTotal: money(2609),
      vatInvoiceNumber: 'VAT-000126',
    }),
    { ...CTX, payment: { tender: 'DEBIT_CARD', paidCents: 20000, maskedCard: '123456******7890' } },
  ),
  pending: pendingSlip(
    { purchaseId: '8d9e0f1a-4b5c-4d6e-8f7a-8b9c0d1e2f3a', meterId: '01234567890', amountCents: 10000, utilityName: 'City of Cape Town Electricity', at: new Date('2026-11-22T08:06:00Z') },
    CASH(10000, 10000),
  ),
  reprint: markReprint(
    slipFromPurchase(
      resp('9e0f1a2b-5c6d-4e7f-9a8b-9c0d1e2f3a4b', {
        tokens: [std('13579135791357913579'), { tokenType: 'REFUND', token: '86420864208642086420', units: 5.0, amount: money(0) }],
        purchaseTotal: money(10000),
        taxTotal: money(1304),
        vatInvoiceNumber: 'VAT-000127',
      }),
      CTX,
    ),
    new Date('2026-11-22T14:30:00Z'),
    'Manager Thandi',
  ),
  slipdata: slipFromSlipData(
    {
      issuerReference: 'SW-778899',
      messageLines: [
        { text: 'ESKOM PREPAID', fontWidthScaleFactor: 2, fontHeightScaleFactor: 2 },
        { text: 'Meter: 01234567890' },
        { text: '', line: true },
        { text: 'TOKEN', fontHeightScaleFactor: 2 },
        { text: '1111 2222 3333 4444 5555', fontHeightScaleFactor: 2 },
        { text: 'Units: 45.6 kWh   Amount: R100.00' },
        { text: 'A very long provider message line that must wrap instead of running off the edge of the paper.' },
        { text: '', line: true },
        { text: 'Ref SW-778899', barcode: { data: 'SW-778899', encoding: 'CODE128' } },
        { text: '', cut: true },
      ],
    },
    { ...CTX, at: new Date('2026-11-22T08:07:00Z') },
  ),
};
