/**
 * PPU v3 message schemas: the single source of truth for the shape of every message the till,
 * the switch and the provider simulators exchange (see shared/PPU-INTERFACE.md).
 *
 * Schemas are "loose" objects: unknown fields are kept, because a switch must forward what it does
 * not understand and a till must work against any conformant server, including newer ones.
 * Types are inferred from the schemas so validation and typing can never drift apart.
 */
import { z } from 'zod';

/** Any 8-4-4-4-12 hex id: clients generate UUIDv4, servers accept any such id. */
export const PPU_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const PpuId = z.string().regex(PPU_ID_PATTERN, 'must be an 8-4-4-4-12 hex id (UUID)');

/** ISO 8601 date-time with an offset or Z. */
export const IsoTime = z.iso.datetime({ offset: true, local: false });

/** Integer minor units; an integer written as a JSON string is accepted, as the interface asks. */
export const MinorUnits = z.union([
  z.number().int('must be an integer number of minor units (cents)').refine(Number.isSafeInteger, 'out of range'),
  z
    .string()
    .regex(/^-?\d{1,15}$/, 'must be an integer number of minor units (cents)')
    .transform((s) => Number(s)),
]);

export const CurrencyCode = z.string().regex(/^\d{3}$/, 'must be a 3-digit ISO 4217 numeric code, e.g. "710"');

export const LedgerAmount = z.looseObject({ amount: MinorUnits, currency: CurrencyCode });
export const TaxableAmount = LedgerAmount.extend({
  tax: LedgerAmount.optional(),
  taxType: z.string().optional(),
  taxRate: z.number().optional(),
});

export const Institution = z.looseObject({ id: z.string().min(1).max(40), name: z.string().max(40) });

export const MerchantName = z.looseObject({
  name: z.string().max(23),
  city: z.string().max(13),
  region: z.string().max(2),
  country: z.string().max(2),
});
export const Merchant = z.looseObject({
  merchantId: z.string().length(15),
  merchantType: z.string().regex(/^\d{4}$/, 'must be 4 digits'),
  merchantName: MerchantName,
});
export const Originator = z.looseObject({
  institution: Institution,
  terminalId: z.string().length(8),
  merchant: Merchant,
  operatorId: z.string().max(30).optional(),
  channelId: z.string().optional(),
});

export const ThirdPartyIdentifier = z.looseObject({
  institutionId: z.string(),
  transactionIdentifier: z.string(),
});

export const SlipLine = z.looseObject({
  text: z.string(),
  fontWidthScaleFactor: z.number().int().min(1).max(8).optional(),
  fontHeightScaleFactor: z.number().int().min(1).max(8).optional(),
  line: z.boolean().optional(),
  cut: z.boolean().optional(),
  barcode: z.looseObject({ data: z.string(), encoding: z.string().optional() }).optional(),
});
export const SlipData = z.looseObject({
  messageLines: z.array(SlipLine),
  slipWidth: z.number().int().min(16).max(80).optional(),
  issuerReference: z.string().optional(),
});

/** Fields every request and response carries. */
export const Transaction = z.looseObject({
  id: PpuId,
  time: IsoTime,
  originator: Originator,
  client: Institution,
  settlementEntity: Institution.optional(),
  receiver: Institution.optional(),
  thirdPartyIdentifiers: z.array(ThirdPartyIdentifier),
  slipData: SlipData.optional(),
  basketRef: z.string().optional(),
  stan: z.string().optional(),
  rrn: z.string().optional(),
});

export const ServiceType = z.enum(['ELEC', 'WATER', 'GAS']);
export const UtilityType = z.enum(['ELECTRICITY', 'WATER', 'GAS']);

export const Meter = z.looseObject({
  meterId: z.string().regex(/^[a-zA-Z0-9]{0,20}$/, 'must be up to 20 letters or digits'),
  track2Data: z.string().optional(),
  serviceType: z.string().optional(),
  supplyGroupCode: z.string().regex(/^\d{6}$/).optional(),
  keyRevisionNum: z.string().regex(/^\d$/).optional(),
  tariffIndex: z.string().regex(/^\d{2}$/).optional(),
  tokenTechCode: z.string().regex(/^\d{2}$/).optional(),
  algorithmCode: z.string().regex(/^\d{2}$/).optional(),
  keyChangeData: z
    .looseObject({
      newSupplyGroupCode: z.string().optional(),
      newKeyRevisionNumber: z.string().optional(),
      newTariffIndex: z.string().optional(),
    })
    .optional(),
});

export const Customer = z.looseObject({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  address: z.string().optional(),
  accountNumber: z.string().optional(),
  contactNumber: z.string().optional(),
  idNumber: z.string().optional(),
});

export const Utility = z.looseObject({
  name: z.string(),
  address: z.string().optional(),
  vatRegNum: z.string().optional(),
  clientId: z.string().optional(),
  message: z.string().optional(),
});

export const TenderType = z.enum(['CASH', 'DEBIT_CARD', 'CREDIT_CARD', 'CHEQUE', 'LOYALTY_CARD', 'GIFT_CARD', 'WALLET', 'OTHER']);
export const Tender = z.looseObject({
  tenderType: TenderType,
  amount: LedgerAmount,
  accountType: z.string().optional(),
  cardNumber: z
    .string()
    .regex(/^[0-9]{6}[0-9*]{0,13}$/, 'must be masked: 6 digits then digits or *')
    .optional(),
  reference: z.string().optional(),
});

export const MeterLookupRequest = Transaction.extend({ meter: Meter, utilityType: UtilityType.optional() });
export const MeterLookupResponse = Transaction.extend({
  meter: Meter,
  customer: Customer.optional(),
  utility: Utility.optional(),
  utilityType: UtilityType.optional(),
  minAmount: LedgerAmount.optional(),
  maxAmount: LedgerAmount.optional(),
  arrearsAmount: LedgerAmount.optional(),
  bsstDue: z.boolean().optional(),
});

export const PurchaseRequest = Transaction.extend({
  meter: Meter,
  purchaseAmount: LedgerAmount,
  utilityType: UtilityType.optional(),
  msisdn: z.string().optional(),
  tenders: z.array(Tender).optional(),
  paymentMethods: z.array(z.looseObject({})).optional(),
});

export const TokenType = z.enum(['STD', 'BSST', 'REFUND', 'KC', 'PWRLMT']);
export const TariffBlock = z.looseObject({ units: z.string(), rate: LedgerAmount, description: z.string().optional() });
export const Token = z.looseObject({
  tokenType: TokenType,
  units: z.string().optional(),
  amount: TaxableAmount.optional(),
  receiptNum: z.string().optional(),
  token: z.string(),
  tariffCalc: z.array(TariffBlock).optional(),
});
export const DebtRecoveryCharge = z.looseObject({
  amount: TaxableAmount,
  description: z.string().optional(),
  balance: LedgerAmount.optional(),
  receiptNum: z.string().optional(),
});
export const ServiceCharge = z.looseObject({
  amount: TaxableAmount,
  description: z.string().optional(),
  receiptNum: z.string().optional(),
});

export const PurchaseResponse = Transaction.extend({
  meter: Meter,
  customer: Customer.optional(),
  utility: Utility,
  utilityType: UtilityType.optional(),
  purchaseTotal: LedgerAmount.optional(),
  taxTotal: LedgerAmount.optional(),
  tokens: z.array(Token),
  debtRecoveryCharges: z.array(DebtRecoveryCharge).optional(),
  serviceCharges: z.array(ServiceCharge).optional(),
  vatInvoiceNumber: z.string().optional(),
});

export const BasicAdvice = z.looseObject({
  id: PpuId,
  requestId: PpuId,
  time: IsoTime,
  thirdPartyIdentifiers: z.array(ThirdPartyIdentifier),
  amounts: z.looseObject({}).optional(),
});
export const ConfirmationAdvice = BasicAdvice.extend({ tenders: z.array(Tender).optional() });
export const ReversalReason = z.enum(['TIMEOUT', 'CANCELLED', 'RESPONSE_NOT_FINAL']);
export const ReversalAdvice = BasicAdvice.extend({ reversalReason: ReversalReason });

/** Without originalRef the model asks for the meter's last-issued token. */
export const TokenReprintRequest = Transaction.extend({ meter: Meter, originalRef: z.string().min(1).optional() });
export const FaultReportRequest = Transaction.extend({
  meter: Meter,
  faultType: z.string().min(1),
  contactNumber: z.string().min(1),
  description: z.string().optional(),
});
export const FaultReportResponse = Transaction.extend({ reference: z.string(), description: z.string().optional() });
export const KeyChangeTokenRequest = Transaction.extend({ meter: Meter });
export const KeyChangeTokenResponse = Transaction.extend({ meter: Meter, tokens: z.array(Token) });

export const FormatError = z.looseObject({ field: z.string(), msg: z.string(), value: z.unknown().optional() });
export const ErrorDetail = z.looseObject({
  id: z.string().optional(),
  originalId: z.string().optional(),
  errorType: z.string(),
  errorMessage: z.string().optional(),
  requestType: z.string().optional(),
  detailMessage: z.unknown().optional(),
});

export type PpuIdT = z.infer<typeof PpuId>;
export type LedgerAmount = z.infer<typeof LedgerAmount>;
export type TaxableAmount = z.infer<typeof TaxableAmount>;
export type Institution = z.infer<typeof Institution>;
export type Originator = z.infer<typeof Originator>;
export type ThirdPartyIdentifier = z.infer<typeof ThirdPartyIdentifier>;
export type SlipLine = z.infer<typeof SlipLine>;
export type SlipData = z.infer<typeof SlipData>;
export type Transaction = z.infer<typeof Transaction>;
export type UtilityType = z.infer<typeof UtilityType>;
export type Meter = z.infer<typeof Meter>;
export type Customer = z.infer<typeof Customer>;
export type Utility = z.infer<typeof Utility>;
export type TenderType = z.infer<typeof TenderType>;
export type Tender = z.infer<typeof Tender>;
export type MeterLookupRequest = z.infer<typeof MeterLookupRequest>;
export type MeterLookupResponse = z.infer<typeof MeterLookupResponse>;
export type PurchaseRequest = z.infer<typeof PurchaseRequest>;
export type TokenType = z.infer<typeof TokenType>;
export type TariffBlock = z.infer<typeof TariffBlock>;
export type Token = z.infer<typeof Token>;
export type DebtRecoveryCharge = z.infer<typeof DebtRecoveryCharge>;
export type ServiceCharge = z.infer<typeof ServiceCharge>;
export type PurchaseResponse = z.infer<typeof PurchaseResponse>;
export type BasicAdvice = z.infer<typeof BasicAdvice>;
export type ConfirmationAdvice = z.infer<typeof ConfirmationAdvice>;
export type ReversalReason = z.infer<typeof ReversalReason>;
export type ReversalAdvice = z.infer<typeof ReversalAdvice>;
export type TokenReprintRequest = z.infer<typeof TokenReprintRequest>;
export type FaultReportRequest = z.infer<typeof FaultReportRequest>;
export type FaultReportResponse = z.infer<typeof FaultReportResponse>;
export type KeyChangeTokenRequest = z.infer<typeof KeyChangeTokenRequest>;
export type KeyChangeTokenResponse = z.infer<typeof KeyChangeTokenResponse>;
export type FormatError = z.infer<typeof FormatError>;
export type ErrorDetail = z.infer<typeof ErrorDetail>;
