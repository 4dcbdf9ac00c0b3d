/**
 * The certification profile: the public test server's scenario meters TST001–TST011
 * (PPU-INTERFACE.md), each with its fixed amount and answer, served by EasyPay (a provider that
 * supports retries, which TST011 needs). The other providers are enabled but serve none of them,
 * so a till integrator certifying against our switch sees exactly the public scenarios.
 */
import type { SlipLine } from '../protocol';
import type { BackOfficeData, FixedScenario, MeterRecord } from './back-office';
import { PROVIDER_DESCRIPTORS, PROVIDER_IDS } from './descriptors';
import { keyChangePair, standardToken, vatIncluded, type PlannedToken, type PurchasePlan, type Tariff, type UtilityRecord } from './purchase-plan';
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

const CERT_UTILITY: UtilityRecord = {
  id: CERTIFICATION_UTILITY_ID,
  name: 'Certification Utility',
  utilityType: 'ELECTRICITY',
  address: '1 Test Street, Cape Town, 8001',
  vatRegNum: '4000000001',
  minAmountCents: 0,
  maxAmountCents: 1_000_000,
  tariff: CERT_TARIFF,
  freeBasicUnits: 50,
};

/** The STD token of a scenario; without the tariff steps unless the scenario is about them. */
function std(amountCents: number, withCalc = false): PlannedToken {
  const t = standardToken(CERT_TARIFF, 0, amountCents);
  if (withCalc) return t;
  const { tariffCalc: _omit, ...rest } = t;
  return rest;
}
const BSST: PlannedToken = { tokenType: 'BSST', unitsHundredths: 5000, amountCents: 0, taxCents: 0 };
const REFUND: PlannedToken = { tokenType: 'REFUND', unitsHundredths: 1250, amountCents: 0, taxCents: 0 };

function plan(total: number, tokens: PlannedToken[], debts: Array<[number, number, string]> = [], services: Array<[number, string]> = []): PurchasePlan {
  const debtRecoveryCharges = debts.map(([amountCents, balanceCents, description]) => ({ amountCents, taxCents: 0, balanceCents, description }));
  const serviceCharges = services.map(([amountCents, description]) => ({ amountCents, taxCents: vatIncluded(amountCents), description }));
  const paid = tokens.reduce((s, t) => s + t.amountCents, 0) + debts.reduce((s, d) => s + d[0], 0) + services.reduce((s, c) => s + c[0], 0);
  if (paid !== total) throw new Error(`certification plan does not add up: ${paid} ≠ ${total}`);
  const taxTotalCents = tokens.reduce((s, t) => s + t.taxCents, 0) + serviceCharges.reduce((s, c) => s + c.taxCents, 0);
  return { tokens, debtRecoveryCharges, serviceCharges, purchaseTotalCents: total, taxTotalCents };
}

const SLIP_LINES: readonly SlipLine[] = [
  { text: 'CERTIFICATION UTILITY', fontWidthScaleFactor: 2, fontHeightScaleFactor: 2 },
  { text: 'Prepaid electricity' },
  { text: '', line: true },
  { text: 'Thank you for paying on time!', fontHeightScaleFactor: 2 },
  { text: 'Scan to report a fault:' },
  { text: 'FAULT-TST010', barcode: { data: 'TST010', encoding: 'CODE128' } },
  { text: '', cut: true },
];

export const CERTIFICATION_SCENARIOS: Readonly<Record<string, FixedScenario>> = {
  TST001: { amountCents: 10000, description: '1 standard token', plan: plan(10000, [std(10000)]) },
  TST002: { amountCents: 0, description: '1 free (BSST) token', plan: plan(0, [BSST]) },
  TST003: { amountCents: 10000, description: 'standard + free token', plan: plan(10000, [std(10000), BSST]) },
  TST004: { amountCents: 10000, description: 'standard token with tariff calculation', plan: plan(10000, [std(10000, true)]) },
  TST005: { amountCents: 5000, description: 'standard + refund token', plan: plan(5000, [std(5000), REFUND]) },
  TST006: { amountCents: 10000, description: '2 key change tokens + standard token', plan: plan(10000, [...keyChangePair(), std(10000)]) },
  TST007: {
    amountCents: 20000,
    description: 'standard + 1 debt recovery + 1 service charge',
    plan: plan(20000, [std(16500)], [[2000, 8000, 'Arrears recovery']], [[1500, 'Monthly service charge']]),
  },
  TST008: {
    amountCents: 20000,
    description: 'standard + 2 debt recovery charges',
    plan: plan(20000, [std(17000)], [[2000, 8000, 'Arrears recovery'], [1000, 4000, 'Appliance instalment']]),
  },
  TST009: {
    amountCents: 20000,
    description: 'standard + 2 service charges',
    plan: plan(20000, [std(17500)], [], [[1500, 'Monthly service charge'], [1000, 'Refuse removal']]),
  },
  TST010: { amountCents: 10000, description: 'printable slip (slipData)', plan: plan(10000, [std(10000)]), slipLines: SLIP_LINES },
  TST011: {
    amountCents: 10000,
    description: 'purchase times out (504); a later retry is approved',
    plan: plan(10000, [std(10000)]),
    firstAttemptOutcomeUnknown: true,
  },
};

export const CERTIFICATION_METER_IDS: readonly string[] = Object.keys(CERTIFICATION_SCENARIOS);

export function certificationData(): BackOfficeData {
  const meters: MeterRecord[] = CERTIFICATION_METER_IDS.map((meterId) => ({
    meterId,
    utilityId: CERTIFICATION_UTILITY_ID,
    customerId: `C-${meterId}`,
    scenario: CERTIFICATION_SCENARIOS[meterId],
    account: {
      arrearsCents: meterId === 'TST007' || meterId === 'TST008' ? 10000 : 0,
      blocked: false,
      keys: { supplyGroupCode: '600975', keyRevisionNum: '1', tariffIndex: '01' },
      ...(meterId === 'TST006' ? { pendingKeyChange: { supplyGroupCode: '600975', keyRevisionNum: '2', tariffIndex: '01' } } : {}),
      freeBasicEligible: meterId === 'TST002' || meterId === 'TST003',
      serviceChargeOwedCents: 0,
      unitsThisMonthHundredths: 0,
    },
  }));
  return {
    utilities: [CERT_UTILITY],
    customers: CERTIFICATION_METER_IDS.map((meterId, i) => ({
      id: `C-${meterId}`,
      firstName: 'Test',
      lastName: `Customer ${i + 1}`,
      address: `${i + 1} Test Street, Cape Town`,
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
