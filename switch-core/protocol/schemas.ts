/**
 * PPU v3.13 message schemas, field by field from the published models
 * (shared/reference/ppu-v3/MODELS.md and the Java models it was generated from): the one definition
 * of every message the till, the switch and the provider simulators exchange.
 *
 * A request we receive is read as tolerantly as the models' own JSON binding (Jackson) reads: a
 * number where a string is expected (currency 710), a number written as a string where a number is
 * expected (amount "5000"), any string where the model says String (utilityType "Electricity"), an
 * enum by its travelling string or its constant's name, a time with any ISO 8601 offset; unknown
 * properties are ignored — dropped, so what we forward carries only the models' fields. Constraints
 * the models declare (patterns, lengths, required) are enforced on requests. An answer we read is
 * read with the read side derived from these same schemas (read-side.ts: nothing but the message id
 * and the token digits required). Types are inferred from the schemas, so what we build is typed as
 * the models say; the conformance test checks every message we send against the JSON Schema derived
 * from MODELS.md.
 *
 * Over 400 lines: one schema per model, in the models' order, so it reads beside MODELS.md; the
 * reading rules they share are in read-side.ts.
 */
import { z } from 'zod';
import { AbsentCurrency, readAs, readSideOf, type Read } from './read-side';

/** Any 8-4-4-4-12 hex id: clients generate UUIDv4, servers accept any such id. */
export const PPU_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A model String: Jackson binds a JSON number there too, as its decimal text. */
const Str = z.union([z.string(), z.number().transform((n) => String(n))]);
/** Constrained strings: checked on requests, read as any string in answers (Jackson checks nothing). */
const pattern = (re: RegExp, msg: string) => readAs(Str.pipe(z.string().regex(re, msg)), Str);
const maxLen = (n: number) => readAs(Str.pipe(z.string().max(n, `must be at most ${n} characters`)), Str);
const exactLen = (n: number) => readAs(Str.pipe(z.string().length(n, `must be ${n} characters`)), Str);

/**
 * Digits and the separators people type inside a card number (4111 1111-1111 1111), never part of
 * a longer run: a 20-digit token, grouped or not, is not a card number in any of its parts.
 */
const CARD_LIKE = /(?<!\d[ -]?)\d(?:[ -]?\d){12,18}(?![ -]?\d)/g;
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}
/**
 * Free text with any 13–19 digit number passing the Luhn check (a card number someone typed into a
 * description or a name) masked to its first 6 and last 4 digits, so it is never stored, traced,
 * logged or passed on in clear.
 */
export function maskCardNumbersIn(text: string): string {
  if (!/\d{4}/.test(text)) return text; // the usual case: no run of digits worth a look
  return text.replace(CARD_LIKE, (run) => {
    const digits = run.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? maskCardNumber(digits) : run;
  });
}
/** A free-text field: its length checked on requests, any card number in it masked on both sides. */
const freeText = (n: number) => readAs(maxLen(n).transform(maskCardNumbersIn), Str.transform(maskCardNumbersIn));
const anyText = readAs(Str.transform(maskCardNumbersIn), Str.transform(maskCardNumbersIn));

export const PpuId = z.string().regex(PPU_ID_PATTERN, 'must be an 8-4-4-4-12 hex id (UUID)');

/** ISO 8601 date-time with Z or any offset (+02:00, +0200, +02); read as any string in answers. */
export const IsoTime = readAs(
  z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i, 'must be an ISO 8601 date-time with an offset'),
  Str,
);

/**
 * A model Long/Integer: an integer number, or one written as a JSON string. An answer's may be a
 * float or a decimal string (1400.0, "8600.00"): read as Jackson reads it, the fraction dropped.
 */
const LongInt = readAs(
  z.union([
    z.number().int('must be an integer').refine(Number.isSafeInteger, 'out of range'),
    z
      .string()
      .regex(/^-?\d{1,15}$/, 'must be an integer')
      .transform((s) => Number(s)),
  ]),
  z
    .union([z.number(), z.string().regex(/^-?\d{1,15}(\.\d+)?$/, 'must be a number').transform((s) => Number(s))])
    .refine(Number.isFinite, 'must be a finite number')
    .transform((n) => Math.trunc(n)),
);
/** Integer minor units (cents): a model Long. */
export const MinorUnits = LongInt;

/** A model BigDecimal/double: a JSON number, or a decimal written as a JSON string. */
export const Decimal = z.union([
  z.number().refine(Number.isFinite, 'must be a finite number'),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'must be a decimal number')
    .transform((s) => Number(s)),
]);

/** Absent from an answer (the test server's key change tokens), it is the request's currency. */
export const CurrencyCode = readAs(Str.pipe(z.string().regex(/^[0-9]{3}$/, 'must be a 3-digit ISO 4217 numeric code, e.g. "710"')), AbsentCurrency);

export const LedgerAmount = z.object({
  amount: MinorUnits,
  currency: CurrencyCode,
  ledgerIndicator: z.enum(['DEBIT', 'CREDIT']).optional(),
});
/** `tax` is the tax in minor units (a Long), present when `amount` excludes it. */
export const TaxableAmount = LedgerAmount.extend({
  tax: MinorUnits.optional(),
  taxType: maxLen(10).optional(),
  taxRate: Decimal.optional(),
});

export const Amounts = z.object({
  requestAmount: LedgerAmount.optional(),
  approvedAmount: LedgerAmount.optional(),
  feeAmount: LedgerAmount.optional(),
  balanceAmount: LedgerAmount.optional(),
  additionalAmounts: z.record(z.string(), LedgerAmount).optional(),
});

export const Institution = z.object({ id: Str, name: freeText(40) });

export const MerchantName = z.object({
  name: freeText(23),
  city: maxLen(13),
  region: maxLen(2),
  country: maxLen(2),
});
export const Merchant = z.object({
  merchantType: pattern(/^[0-9]{4}$/, 'must be 4 digits'),
  merchantId: exactLen(15),
  merchantName: MerchantName,
});
export const Originator = z.object({
  institution: Institution,
  terminalId: exactLen(8),
  merchant: Merchant,
  operatorId: maxLen(30).optional(),
  channelId: maxLen(50).optional(),
});

export const ThirdPartyIdentifier = z.object({ institutionId: Str, transactionIdentifier: Str });

export const Barcode = z.object({ data: Str, encoding: Str });
export const SlipLine = z.object({
  barcode: Barcode.optional(),
  text: anyText,
  fontWidthScaleFactor: Decimal.optional(),
  fontHeightScaleFactor: Decimal.optional(),
  line: z.boolean().optional(),
  cut: z.boolean().optional(),
});
export const SlipData = z.object({
  messageLines: z.array(SlipLine).optional(),
  slipWidth: LongInt.optional(),
  issuerReference: pattern(/^[A-Z0-9]{1,40}$/, 'must be 1 to 40 capital letters or digits').optional(),
});

export const AccountType = z.enum(['DEFAULT', 'SAVINGS', 'CHEQUE', 'CREDIT', 'UNIVERSAL', 'ELECTRONIC_PURSE', 'GIFT_CARD', 'STORED_VALUE']);
export const TranType = z.enum([
  'GOODS_AND_SERVICES', 'CASH_WITHDRAWAL', 'DEBIT_ADJUSTMENT', 'GOODS_AND_SERVICES_WITH_CASH_BACK', 'NON_CASH', 'RETURNS',
  'DEPOSIT', 'CREDIT_ADJUSTMENT', 'GENERAL_CREDIT', 'AVAILABLE_FUNDS_INQUIRY', 'BALANCE_INQUIRY', 'GENERAL_INQUIRY',
  'CARD_VERIFICATION_INQUIRY', 'CARDHOLDER_ACCOUNTS_TRANSFER', 'GENERAL_TRANSFER', 'PAYMENT_FROM_ACCOUNT', 'GENERAL_PAYMENT',
  'PAYMENT_TO_ACCOUNT', 'PAYMENT_FROM_ACCOUNT_TO_ACCOUNT', 'PLACE_HOLD_ON_CARD', 'GENERAL_ADMIN', 'CHANGE_PIN',
  'CARD_HOLDER_INQUIRY', 'POINTS_INQUIRY',
]);

/** Fields every request and response carries. */
export const Transaction = z.object({
  id: PpuId,
  time: IsoTime,
  originator: Originator,
  client: Institution,
  settlementEntity: Institution.optional(),
  receiver: Institution.optional(),
  thirdPartyIdentifiers: z.array(ThirdPartyIdentifier),
  slipData: SlipData.optional(),
  basketRef: Str.optional(),
  tranType: TranType.optional(),
  srcAccType: AccountType.optional(),
  destAccType: AccountType.optional(),
  stan: Str.optional(),
  rrn: Str.optional(),
});

/**
 * The utility types this project routes by. The interface types `utilityType` as a free string
 * ("Electricity" is as valid as "ELECTRICITY"); `utilityTypeOf` maps one — or a meter's
 * serviceType such as "ELEC" — onto ours.
 */
export const UtilityType = z.enum(['ELECTRICITY', 'WATER', 'GAS']);
export function utilityTypeOf(value: string | undefined): UtilityType | undefined {
  const upper = value?.trim().toUpperCase();
  const parsed = UtilityType.safeParse(upper === 'ELEC' ? 'ELECTRICITY' : upper);
  return parsed.success ? parsed.data : undefined;
}

export const KeyChangeData = z.object({
  newSupplyGroupCode: pattern(/^[0-9]{6}$/, 'must be 6 digits').optional(),
  newKeyRevisionNumber: pattern(/^[0-9]$/, 'must be 1 digit').optional(),
  newTariffIndex: pattern(/^[0-9]{2}$/, 'must be 2 digits').optional(),
});
/** A meter card's track 2 as the model takes it: exactly 34 letters, digits or =, no sentinels. */
export const TRACK2_DATA_PATTERN = /^[a-zA-Z0-9=]{34}$/;
export const Meter = z.object({
  meterId: pattern(/^[a-zA-Z0-9]{0,20}$/, 'must be up to 20 letters or digits'),
  track2Data: pattern(TRACK2_DATA_PATTERN, 'must be 34 letters, digits or =').optional(),
  serviceType: pattern(/^[a-zA-Z0-9]{0,12}$/, 'must be up to 12 letters or digits').optional(),
  supplyGroupCode: pattern(/^[0-9]{6}$/, 'must be 6 digits').optional(),
  keyRevisionNum: pattern(/^[0-9]$/, 'must be 1 digit').optional(),
  tariffIndex: pattern(/^[0-9]{2}$/, 'must be 2 digits').optional(),
  tokenTechCode: pattern(/^[0-9]{2}$/, 'must be 2 digits').optional(),
  algorithmCode: pattern(/^[0-9]{2}$/, 'must be 2 digits').optional(),
  keyChangeData: KeyChangeData.optional(),
});

export const Address = z.object({
  addressLine1: anyText.optional(),
  addressLine2: anyText.optional(),
  city: anyText.optional(),
  region: anyText.optional(),
  country: Str.optional(),
  postalCode: Str.optional(),
});
export const Customer = z.object({
  firstName: freeText(40).optional(),
  lastName: freeText(40).optional(),
  address: freeText(80).optional(),
  dateOfBirth: IsoTime.optional(),
  status: Str.optional(),
  msisdn: pattern(/^\+?[1-9]\d{0,14}$/, 'must be an international phone number').optional(),
  emailAddress: anyText.optional(),
  addressDetails: Address.optional(),
  profileId: Str.optional(),
});

export const Utility = z.object({
  name: freeText(40).optional(),
  address: freeText(80).optional(),
  vatRegNum: maxLen(10).optional(),
  clientId: maxLen(20).optional(),
  message: freeText(80).optional(),
});

export const TenderType = z.enum(['CASH', 'CHEQUE', 'CREDIT_CARD', 'DEBIT_CARD', 'WALLET', 'ROUNDING', 'GIFT_CARD', 'LOYALTY_CARD', 'OTHER']);
/**
 * A card number on a tender shows at most its first 6 and last 4 digits (PCI DSS): the model's
 * pattern alone would let a full number through, which must never be stored, logged or served.
 */
export function cardNumberIsMasked(cardNumber: string): boolean {
  return !/[0-9]/.test(cardNumber.slice(6, Math.max(6, cardNumber.length - 4)));
}
/** A card number with everything but its first 6 and last 4 characters replaced by *. */
export function maskCardNumber(cardNumber: string): string {
  const hidden = Math.max(0, cardNumber.length - 10);
  return cardNumber.slice(0, 6) + '*'.repeat(hidden) + cardNumber.slice(6 + hidden);
}
export const Tender = z.object({
  accountType: z.enum(['DEFAULT', 'SAVINGS', 'CHEQUE', 'CREDIT', 'UNIVERSAL', 'ELECTRONIC_PURSE', 'STORED_VALUE']).optional(),
  amount: LedgerAmount,
  cardNumber: pattern(/^[0-9]{6}[0-9*]{0,13}$/, 'must be 6 digits then digits or *')
    .refine(cardNumberIsMasked, 'must be masked: only the first 6 and last 4 digits may show, the rest as *')
    .optional(),
  reference: freeText(40).optional(),
  tenderType: TenderType,
});

/**
 * Payment methods are polymorphic by `type`; their subtype fields pass as the models define them,
 * except a card's `pan`, which — like a tender's cardNumber — may show only its first 6 and last 4
 * digits (masked with *; the model's own pattern has no *, so a pan it allows in clear is refused).
 */
export const PaymentMethod = z
  .looseObject({
    type: z.enum(['AN_32_TOKEN', 'LOYALTY_CARD', 'CARD', 'ACCOUNT', 'REWARD', 'WALLET', 'QR']),
    name: freeText(40).optional(),
    amount: LedgerAmount.optional(),
    issuer: Institution.optional(),
    proxy: maxLen(40).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.type !== 'CARD' || m.pan === undefined) return;
    if (typeof m.pan !== 'string' || !/^[0-9*]{1,19}$/.test(m.pan)) ctx.addIssue({ code: 'custom', path: ['pan'], message: 'must be up to 19 digits or *', input: m.pan });
    else if (!cardNumberIsMasked(m.pan)) ctx.addIssue({ code: 'custom', path: ['pan'], message: 'must be masked: only the first 6 and last 4 digits may show, the rest as *', input: m.pan });
  });

export const MeterLookupRequest = Transaction.extend({ meter: Meter });
export const MeterLookupResponse = Transaction.extend({
  meter: Meter,
  customer: Customer.optional(),
  utility: Utility,
  minAmount: LedgerAmount.optional(),
  maxAmount: LedgerAmount.optional(),
  arrearsAmount: LedgerAmount.optional(),
  bsstDue: z.boolean().optional(),
});

export const PurchaseRequest = Transaction.extend({
  meter: Meter,
  purchaseAmount: LedgerAmount,
  utilityType: Str.optional(),
  msisdn: pattern(/^(\+?[1-9]\d{1,14}|0[0-9]{9})$/, 'must be a phone number').optional(),
  tenders: z.array(Tender).optional(),
  paymentMethods: z.array(PaymentMethod).optional(),
});

export const TokenType = z.enum(['STD', 'BSST', 'REFUND', 'KC', 'PWRLMT']);
/** `units` in the meter's units; `rate` per unit in minor denomination (may be fractional, 117.30). */
export const TariffBlock = z.object({ units: Decimal, rate: Decimal });
export const Token = z.object({
  tokenType: TokenType,
  units: Decimal,
  amount: TaxableAmount,
  receiptNum: Str.optional(),
  token: Str,
  tariffCalc: z.array(TariffBlock).optional(),
});
export const DebtRecoveryCharge = z.object({
  amount: TaxableAmount,
  description: freeText(40),
  balance: LedgerAmount,
  receiptNum: maxLen(30).optional(),
});
export const ServiceCharge = z.object({ amount: TaxableAmount, description: freeText(40) });

/** A purchase answer; `tokens` may be absent (an answer carrying no token at all), read as []. */
export const PurchaseResponse = Transaction.extend({
  purchaseTotal: LedgerAmount.optional(),
  taxTotal: LedgerAmount.optional(),
  amounts: Amounts.optional(),
  meter: Meter,
  customer: Customer.optional(),
  utility: Utility,
  utilityType: Str.optional(),
  tokens: z.array(Token).default([]),
  debtRecoveryCharges: z.array(DebtRecoveryCharge).optional(),
  serviceCharges: z.array(ServiceCharge).optional(),
  vatInvoiceNumber: Str.optional(),
});

export const BasicAdvice = z.object({
  id: PpuId,
  requestId: PpuId,
  time: IsoTime,
  thirdPartyIdentifiers: z.array(ThirdPartyIdentifier),
  stan: Str.optional(),
  rrn: Str.optional(),
  amounts: Amounts.optional(),
});
/** The body of a 202 to an advice: the advice's own BasicAdvice fields. */
export const BasicAdviceResponse = BasicAdvice;
export const ConfirmationAdvice = BasicAdvice.extend({ tenders: z.array(Tender) });
export const KeyChangeConfirmation = BasicAdvice;
export const ReversalReason = z.enum(['TIMEOUT', 'CANCELLED', 'RESPONSE_NOT_FINAL']);
export const ReversalAdvice = BasicAdvice.extend({ reversalReason: ReversalReason });

/** Without `originalRef` a reprint asks for the last token issued for that meter. */
export const TokenReprintRequest = Transaction.extend({ meter: Meter, originalRef: Str.optional() });
/** Each constant carries the string that travels (what we send); the constant's name is read too. */
const FAULT_TYPES = {
  SERIOUS_BOX_DAMAGE: 'SeriousBoxDamage',
  FIRE_WATER_DAMAGE: 'FireWaterDamage',
  METER_DEAD: 'MeterDead',
  KEEPS_TRIPPING: 'KeepsTripping',
  NO_TRIP: 'NoTrip',
  DISPLAY_LIGHTS_BUTTONS: 'DisplayLightsButtons',
  NETWORK_FAULT_REPORT: 'NetworkFaultReport',
  INCORRECT_SGC: 'IncorrectSGC',
  INCORRECT_TI: 'IncorrectTI',
  CONVERTED_FRM_CONVENTIONAL: 'ConvertedFrmConventional',
  METER_CHANGED_OUT: 'MeterChangedOut',
  NEW_INSTALLATION: 'NewInstallation',
} as const;
type FaultConstant = keyof typeof FAULT_TYPES;
export const FaultType = z.union([
  z.enum(Object.values(FAULT_TYPES) as [(typeof FAULT_TYPES)[FaultConstant], ...(typeof FAULT_TYPES)[FaultConstant][]]),
  z.enum(Object.keys(FAULT_TYPES) as [FaultConstant, ...FaultConstant[]]).transform((c) => FAULT_TYPES[c]),
]);
export const FaultReportRequest = Transaction.extend({
  meter: Meter,
  customer: Customer.optional(),
  contactNumber: maxLen(20),
  faultType: FaultType,
  faultDescription: freeText(160).optional(),
});
export const FaultReportResponse = Transaction.extend({ reference: Str, description: freeText(160) });
export const KeyChangeTokenRequest = Transaction.extend({ meter: Meter });
export const KeyChangeTokenResponse = Transaction.extend({ meter: Meter, tokens: z.array(Token).default([]) });

/**
 * Answers as a client reads them (read-side.ts): an answer carrying tokens needs nothing but its id
 * and each token's digits; any other answer nothing but its id.
 */
export const MeterLookupAnswer = readSideOf(MeterLookupResponse, ['id']) as z.ZodType<MeterLookupAnswer>;
export const PurchaseAnswer = readSideOf(PurchaseResponse, ['id', 'tokens.token']) as z.ZodType<PurchaseAnswer>;
export const FaultReportAnswer = readSideOf(FaultReportResponse, ['id']) as z.ZodType<FaultReportAnswer>;
export const KeyChangeTokenAnswer = readSideOf(KeyChangeTokenResponse, ['id', 'tokens.token']) as z.ZodType<KeyChangeTokenAnswer>;
export type TokenAnswer = Omit<Read<Token>, 'token'> & { token: string };
type TokenAnswers<T extends { tokens: Token[] }> = Omit<Read<T>, 'id' | 'tokens'> & { id: string; tokens: TokenAnswer[] };
export type MeterLookupAnswer = Omit<Read<MeterLookupResponse>, 'id'> & { id: string };
export type PurchaseAnswer = TokenAnswers<PurchaseResponse>;
export type FaultReportAnswer = Omit<Read<FaultReportResponse>, 'id'> & { id: string };
export type KeyChangeTokenAnswer = TokenAnswers<KeyChangeTokenResponse>;

export const FormatError = z.object({ field: z.string(), msg: z.string(), value: z.unknown().optional() });
/** Error types and request types are kept open when reading: a newer peer may send one we lack. */
export const ErrorDetail = z.object({
  id: Str.optional(),
  originalId: Str.optional(),
  errorType: Str,
  errorMessage: Str.optional(),
  requestType: Str.optional(),
  detailMessage: z.unknown().optional(),
});

export type PpuIdT = z.infer<typeof PpuId>;
export type LedgerAmount = z.infer<typeof LedgerAmount>;
export type TaxableAmount = z.infer<typeof TaxableAmount>;
export type Amounts = z.infer<typeof Amounts>;
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
export type KeyChangeConfirmation = z.infer<typeof KeyChangeConfirmation>;
export type ReversalReason = z.infer<typeof ReversalReason>;
export type ReversalAdvice = z.infer<typeof ReversalAdvice>;
export type TokenReprintRequest = z.infer<typeof TokenReprintRequest>;
export type FaultType = z.infer<typeof FaultType>;
export type FaultReportRequest = z.infer<typeof FaultReportRequest>;
export type FaultReportResponse = z.infer<typeof FaultReportResponse>;
export type KeyChangeTokenRequest = z.infer<typeof KeyChangeTokenRequest>;
export type KeyChangeTokenResponse = z.infer<typeof KeyChangeTokenResponse>;
export type FormatError = z.infer<typeof FormatError>;
export type ErrorDetail = z.infer<typeof ErrorDetail>;
