/** Builders for valid PPU v3 messages, shared by tests across the project. */
import { newId, nowIso } from '../ids';
import type { MeterLookupRequest, Originator, PurchaseRequest } from '../schemas';

export const TEST_ORIGINATOR: Originator = {
  institution: { id: '0001', name: 'Test Retailer' },
  terminalId: 'TILL0001',
  merchant: {
    merchantId: '000000000000001',
    merchantType: '5411',
    merchantName: { name: 'Corner Store', city: 'Cape Town', region: 'WC', country: 'ZA' },
  },
  operatorId: 'cashier-1',
};

export function lookupRequest(meterId: string, overrides: Partial<MeterLookupRequest> = {}): MeterLookupRequest {
  return {
    id: newId(),
    time: nowIso(),
    originator: TEST_ORIGINATOR,
    client: { id: '0001', name: 'Test Retailer' },
    thirdPartyIdentifiers: [],
    meter: { meterId },
    ...overrides,
  };
}

export function purchaseRequest(meterId: string, amountCents: number, overrides: Partial<PurchaseRequest> = {}): PurchaseRequest {
  return {
    id: newId(),
    time: nowIso(),
    originator: TEST_ORIGINATOR,
    client: { id: '0001', name: 'Test Retailer' },
    thirdPartyIdentifiers: [],
    meter: { meterId },
    purchaseAmount: { amount: amountCents, currency: '710' },
    tenders: [{ tenderType: 'CASH', amount: { amount: amountCents, currency: '710' } }],
    ...overrides,
  };
}
