/**
 * The certification profile: the public test server's scenario meters TST001–TST011
 * (PPU-INTERFACE.md, devguide/test-resources.md), each with its fixed amount and the test server's
 * own answer — customers, utility, token numbers, units, amounts, receipt numbers and charges —
 * served by EasyPay (a provider that supports retries, which TST011 needs). The other providers are
 * enabled but serve none of them, so a till certifying against our switch sees the public scenarios.
 */
import type { SlipLine } from '../protocol';
import type { BackOfficeData, FixedScenario, MeterRecord } from './back-office';
import { PROVIDER_DESCRIPTORS, PROVIDER_IDS } from './descriptors';
import type { PlannedToken, PurchasePlan, Tariff, UtilityRecord } from './purchase-plan';
import type { ProfileSeed } from './types';

export const CERTIFICATION_UTILITY_ID = 'U-CERT';
export const CERTIFICATION_PROVIDER_ID = PROVIDER_IDS.easyPay;
/**
 * EasyPay has no fault reports nor key change (seed 000), yet the public test server answers both
 * for every scenario meter; Contour has them (and retries), so it serves the scenarios too, ranked
 * second: purchases go to EasyPay, fault reports and key change requests to Contour.
 */
export const CERTIFICATION_SERVICE_PROVIDER_ID = PROVIDER_IDS.contour;
const CERTIFICATION_PROVIDERS: readonly string[] = [CERTIFICATION_PROVIDER_ID, CERTIFICATION_SERVICE_PROVIDER_ID];

const CERT_TARIFF: Tariff = {
  id: 'T-CERT',
  name: 'Certification domestic',
  unit: 'kWh',
  blocks: [
    { upToUnits: 50, rateCents: 150, description: 'Block 1 (0-50 kWh)' },
    { upToUnits: 350, rateCents: 200, description: 'Block 2 (51-350 kWh)' },
    { upToUnits: null, rateCents: 300, description: 'Block 3 (>350 kWh)' },
  ],
};

/** The public test server's utility (its meters.csv): every scenario meter answers with it. */
const CERT_UTILITY: UtilityRecord = {
  id: CERTIFICATION_UTILITY_ID,
  name: 'Electrum Test Server',
  utilityType: 'ELECTRICITY',
  address: 'The Cloud',
  vatRegNum: '0000000000',
  minAmountCents: 0,
  maxAmountCents: 1_000_000,
  tariff: CERT_TARIFF,
  freeBasicUnits: 50,
  message: 'This is a message to the customer',
};

/** The test server's customers, in meter order TST001..TST011. */
const CUSTOMERS: ReadonlyArray<[string, string, string]> = [
  ['Pierre', 'De Wet', '21 Dorp Straat'],
  ['Siphesihle', 'Mwamure', '14 1st Street'],
  ['Mohamed', 'Kaifa', '56 Prentice Road'],
  ['Kgosietsile', 'Zono', '34 Mota Street'],
  ['Ibraheem', 'Davids', '7 Adams Street'],
  ['Zukile', 'Maqoba', '9 Mahlangu Street'],
  ['John', 'Palmer', '31 Milner Road'],
  ['Kgotso', 'Phiri', '52 Ntombela Street'],
  ['Janine', 'Oosthuizen', '301 Kerk Straat'],
  ['Peter', 'Dyton', '1 Elands Drive'],
  ['Ruth', 'Cupido', '4 Meyer Street'],
];

const ZEROS = '00000000000000000000';
const ONES = '11111111111111111111';

/**
 * The test server's standard token: 73.8 kWh for R86.00 plus R14.00 VAT (planned as the R100.00 it
 * costs; the answer writes it as amount 8600, tax 1400, as the server does). Its TST004 tariff steps are
 * 50.0 kWh at 117.30 and 23.8 kWh at 173.74 (cents per kWh; TariffBlock.rate is a decimal on the wire).
 */
const STD: PlannedToken = { tokenType: 'STD', unitsHundredths: 7380, amountCents: 10000, taxCents: 1400 };
const STD_WITH_CALC: PlannedToken = {
  ...STD,
  tariffCalc: [
    { unitsHundredths: 5000, rateCents: 117.3, amountCents: 5865, description: 'Block 1' },
    { unitsHundredths: 2380, rateCents: 173.74, amountCents: 4135, description: 'Block 2' },
  ],
};
const BSST: PlannedToken = { tokenType: 'BSST', unitsHundredths: 5000, amountCents: 0, taxCents: 0 };
const REFUND: PlannedToken = { tokenType: 'REFUND', unitsHundredths: 7380, amountCents: 10000, taxCents: 0 };
const KC: PlannedToken = { tokenType: 'KC', unitsHundredths: 0, amountCents: 0, taxCents: 0 };
/** Each of the test server's charges: R43.00 plus R7.00 VAT (R50.00 in all). */
const CHARGE = { amountCents: 5000, taxCents: 700 };
const ARREARS_BALANCE_CENTS = 27300;

/**
 * A scenario's answer as the test server gives it. Its amounts exclude VAT and need not add up to the
 * purchase amount (TST005's refund token is worth R100 on a R50 purchase), so the total is the amount.
 */
function scenario(
  amountCents: number,
  description: string,
  tokens: ReadonlyArray<[PlannedToken, string, string]>,
  charges: { debts?: string[][]; services?: string[][] } = {},
): FixedScenario {
  const debtRecoveryCharges = (charges.debts ?? []).map(([d]) => ({ ...CHARGE, balanceCents: ARREARS_BALANCE_CENTS, description: d ?? '' }));
  const serviceCharges = (charges.services ?? []).map(([d]) => ({ ...CHARGE, description: d ?? '' }));
  const plan: PurchasePlan = {
    tokens: tokens.map(([t]) => t),
    debtRecoveryCharges,
    serviceCharges,
    purchaseTotalCents: amountCents,
    taxTotalCents: [...tokens.map(([t]) => t), ...debtRecoveryCharges, ...serviceCharges].reduce((s, x) => s + x.taxCents, 0),
  };
  return {
    amountCents,
    description,
    plan,
    issued: {
      tokens: tokens.map(([, token, receiptNum]) => ({ token, receiptNum })),
      keyChange: [ONES, '22222222222222222222'],
      debtReceipts: (charges.debts ?? []).map(([, r]) => r ?? ''),
      serviceReceipts: (charges.services ?? []).map(([, r]) => r ?? ''),
    },
  };
}

/** TST010's printable slip: the test server's five lines, the first at double width and height. */
const SLIP_LINES: readonly SlipLine[] = [1, 2, 3, 4, 5].map((n) => ({
  text: `---    Slip Line ${n}    ---`,
  ...(n === 1 ? { fontWidthScaleFactor: 2, fontHeightScaleFactor: 2 } : {}),
}));

export const CERTIFICATION_SCENARIOS: Readonly<Record<string, FixedScenario>> = {
  TST001: scenario(10000, '1 standard token', [[STD, ZEROS, 'RCT10001']]),
  TST002: scenario(0, '1 free (BSST) token', [[BSST, ZEROS, 'RCT20001']]),
  TST003: scenario(10000, 'standard + free token', [[STD, ZEROS, 'RCT30001'], [BSST, ONES, 'RCT30002']]),
  TST004: scenario(10000, 'standard token with tariff calculation', [[STD_WITH_CALC, ONES, 'RCT40001']]),
  TST005: scenario(5000, 'standard + refund token', [[STD, ZEROS, 'RCT50001'], [REFUND, ONES, '']]),
  TST006: scenario(10000, '2 key change tokens + standard token', [[KC, ONES, ''], [KC, '22222222222222222222', ''], [STD, '33333333333333333333', 'RCT60001']]),
  TST007: scenario(20000, 'standard + 1 debt recovery + 1 service charge', [[STD, ZEROS, 'RCT70001']], {
    debts: [['Municipal rates arrears', 'RCT70002']],
    services: [['Connection fee']],
  }),
  TST008: scenario(20000, 'standard + 2 debt recovery charges', [[STD, ZEROS, 'RCT80001']], {
    debts: [['Municipal rates arrears', 'RCT80002'], ['Municipal water arrears', 'RCT80003']],
  }),
  TST009: scenario(20000, 'standard + 2 service charges', [[STD, ZEROS, 'RCT90001']], { services: [['Connection fee'], ['Service fee']] }),
  TST010: { ...scenario(10000, 'printable slip (slipData), no tokens', []), slipLines: SLIP_LINES },
  TST011: { ...scenario(10000, 'purchase times out (504); a later retry is approved', [[STD, ZEROS, 'RCT10001']]), firstAttemptOutcomeUnknown: true },
};

export const CERTIFICATION_METER_IDS: readonly string[] = Object.keys(CERTIFICATION_SCENARIOS);

export function certificationData(): BackOfficeData {
  const meters: MeterRecord[] = CERTIFICATION_METER_IDS.map((meterId) => ({
    meterId,
    utilityId: CERTIFICATION_UTILITY_ID,
    customerId: `C-${meterId}`,
    scenario: CERTIFICATION_SCENARIOS[meterId],
    account: {
      arrearsCents: 0,
      blocked: false,
      keys: { supplyGroupCode: '000001', keyRevisionNum: '1', tariffIndex: '01' },
      // TST006's answer carries a key change pair: its lookup says which keys the pair loads.
      ...(meterId === 'TST006' ? { pendingKeyChange: { supplyGroupCode: '000001', keyRevisionNum: '2', tariffIndex: '01' } } : {}),
      freeBasicEligible: meterId === 'TST002' || meterId === 'TST003',
      serviceChargeOwedCents: 0,
      unitsThisMonthHundredths: 0,
    },
  }));
  return {
    utilities: [CERT_UTILITY],
    customers: CERTIFICATION_METER_IDS.map((meterId, i) => ({
      id: `C-${meterId}`,
      firstName: CUSTOMERS[i]?.[0] ?? 'Test',
      lastName: CUSTOMERS[i]?.[1] ?? `Customer ${i + 1}`,
      address: CUSTOMERS[i]?.[2] ?? '',
      accountNumber: `CERT${String(i + 1).padStart(6, '0')}`,
      contactNumber: '0210000000',
    })),
    meters,
    servedBy: { [CERTIFICATION_UTILITY_ID]: CERTIFICATION_PROVIDERS },
  };
}

/** Contract table and routing for the certification profile: EasyPay then Contour ranked, the others known not to serve. */
export function certificationSeed(): ProfileSeed {
  const others = PROVIDER_DESCRIPTORS.map((d) => d.id).filter((id) => !CERTIFICATION_PROVIDERS.includes(id));
  return {
    utilities: [{ id: CERTIFICATION_UTILITY_ID, name: CERT_UTILITY.name, utilityType: 'ELECTRICITY', ranked: CERTIFICATION_PROVIDERS, excluded: [] }],
    contractTable: CERTIFICATION_METER_IDS.map((meterId) => ({
      meterId,
      utilityId: CERTIFICATION_UTILITY_ID,
      support: Object.fromEntries([...CERTIFICATION_PROVIDERS.map((id) => [id, 'SUPPORTED']), ...others.map((id) => [id, 'NOT_SUPPORTED'])]),
    })),
    weights: Object.fromEntries(PROVIDER_DESCRIPTORS.map((d) => [d.id, CERTIFICATION_PROVIDERS.includes(d.id) ? 100 : 10])),
  };
}
