/**
 * The demo profile: a dozen South African municipal electricity utilities plus water and gas
 * utilities and a MicroPowerManager-style mini-grid (mini-grid.ts), thousands of meters generated with a seeded RNG (the same data on every start with
 * the same seed), routing preferences (ranked, excluded, none), meter-level preferences, load-
 * balancer weights, a contract table that deliberately leaves some meters out (the switch must
 * broadcast for them) and one that is stale (Confirm support fixes it), one slow provider, and
 * meters with arrears, service charges due, key changes, free basic electricity due, or blocked.
 * The named DEMO_METERS are fixed numbers whatever the seed, so tills and e2e tests can use them.
 */
import type { UtilityType } from '../protocol';
import type { BackOfficeData, CustomerRecord, MeterRecord } from './back-office';
import { PROVIDER_DESCRIPTORS, PROVIDER_IDS as P } from './descriptors';
import { withCheckDigit } from '../protocol/meter-number';
import { miniGridAccount, miniGridTerms, namedMiniGridAccount, solarHomeSystem, type MiniGridMeterName } from './mini-grid';
import { monthKey, type MeterAccount, type Tariff, type UtilityRecord } from './purchase-plan';
import { seededRng, type Rng } from './rng';
import type { MeterSeed, ProfileSeed, ProviderBehaviour, SupportStatus, UtilitySeed } from './types';

export const DEMO_DEFAULT_SEED = 2026;
export const DEMO_SLOW_PROVIDER_ID = P.sandulela;
export const DEMO_SLOW_PROVIDER_LATENCY_MS = 800;

interface DemoUtilityDef {
  readonly code: string;
  readonly prefix: string;
  readonly name: string;
  readonly utilityType: UtilityType;
  readonly town: string;
  readonly servedBy: readonly string[];
  readonly ranked: readonly string[];
  readonly excluded: readonly string[];
  readonly meters: number;
  /** Monthly service/access charge in cents (VAT-inclusive), if any. */
  readonly serviceChargeCents?: number;
  /** Scales the base tariff (municipal tariffs differ). */
  readonly tariffFactor: number;
  /** A mini-grid: debt first, access fee every 7 days, appliances on instalments (seed 004). */
  readonly miniGrid?: true;
}

const ELEC = 400;
const WATER = 200;
const GAS = 100;

const UTILITY_DEFS: readonly DemoUtilityDef[] = [
  { code: 'CPT', prefix: '01', name: 'City of Cape Town', utilityType: 'ELECTRICITY', town: 'Cape Town', servedBy: [P.iPay, P.ontec, P.blueLabel, P.easyPay, P.syntell, P.sandulela], ranked: [P.easyPay, P.syntell], excluded: [P.iPay], meters: ELEC, serviceChargeCents: 0, tariffFactor: 1.0 },
  { code: 'TSH', prefix: '02', name: 'City of Tshwane', utilityType: 'ELECTRICITY', town: 'Pretoria', servedBy: [P.blueLabel, P.easyPay, P.contour, P.kazang, P.switchOne, P.raCellular], ranked: [P.contour, P.blueLabel], excluded: [P.raCellular], meters: ELEC, serviceChargeCents: 2500, tariffFactor: 1.05 },
  { code: 'EKU', prefix: '03', name: 'City of Ekurhuleni', utilityType: 'ELECTRICITY', town: 'Germiston', servedBy: [P.iPay, P.ontec, P.blueLabel, P.easyPay, P.kazang], ranked: [], excluded: [], meters: ELEC, tariffFactor: 1.02 },
  { code: 'BUF', prefix: '04', name: 'Buffalo City Metro', utilityType: 'ELECTRICITY', town: 'East London', servedBy: [P.blueLabel, P.easyPay, P.syntell, P.sandulela], ranked: [P.sandulela, P.easyPay], excluded: [], meters: ELEC, tariffFactor: 0.98 },
  { code: 'MAN', prefix: '05', name: 'Mangaung Metro', utilityType: 'ELECTRICITY', town: 'Bloemfontein', servedBy: [P.iPay, P.blueLabel, P.contour, P.switchOne], ranked: [P.switchOne], excluded: [P.iPay], meters: ELEC, serviceChargeCents: 1800, tariffFactor: 1.04 },
  { code: 'POL', prefix: '06', name: 'Polokwane Municipality', utilityType: 'ELECTRICITY', town: 'Polokwane', servedBy: [P.blueLabel, P.easyPay, P.kazang, P.raCellular], ranked: [], excluded: [], meters: ELEC, tariffFactor: 0.96 },
  { code: 'MSU', prefix: '07', name: 'Msunduzi Municipality', utilityType: 'ELECTRICITY', town: 'Pietermaritzburg', servedBy: [P.ontec, P.blueLabel, P.easyPay, P.syntell], ranked: [P.syntell, P.ontec], excluded: [P.blueLabel], meters: ELEC, tariffFactor: 1.0 },
  { code: 'EML', prefix: '08', name: 'Emalahleni Municipality', utilityType: 'ELECTRICITY', town: 'Witbank', servedBy: [P.blueLabel, P.easyPay, P.contour, P.kazang, P.sandulela], ranked: [P.kazang], excluded: [], meters: ELEC, tariffFactor: 0.97 },
  { code: 'RUS', prefix: '09', name: 'Rustenburg Municipality', utilityType: 'ELECTRICITY', town: 'Rustenburg', servedBy: [P.iPay, P.easyPay, P.switchOne, P.raCellular], ranked: [], excluded: [P.switchOne], meters: ELEC, serviceChargeCents: 2000, tariffFactor: 1.01 },
  { code: 'MBO', prefix: '10', name: 'City of Mbombela', utilityType: 'ELECTRICITY', town: 'Mbombela', servedBy: [P.blueLabel, P.easyPay, P.contour, P.syntell], ranked: [P.contour, P.easyPay], excluded: [], meters: ELEC, tariffFactor: 1.03 },
  { code: 'SOL', prefix: '11', name: 'Sol Plaatje Municipality', utilityType: 'ELECTRICITY', town: 'Kimberley', servedBy: [P.blueLabel, P.easyPay, P.sandulela, P.raCellular], ranked: [P.raCellular], excluded: [], meters: ELEC, tariffFactor: 0.99 },
  { code: 'DRA', prefix: '12', name: 'Drakenstein Municipality', utilityType: 'ELECTRICITY', town: 'Paarl', servedBy: [P.iPay, P.ontec, P.easyPay, P.syntell, P.switchOne], ranked: [P.iPay, P.easyPay], excluded: [], meters: ELEC, serviceChargeCents: 1500, tariffFactor: 1.02 },
  { code: 'CPTW', prefix: '21', name: 'City of Cape Town Water', utilityType: 'WATER', town: 'Cape Town', servedBy: [P.iPay, P.blueLabel, P.easyPay, P.syntell], ranked: [P.easyPay], excluded: [], meters: WATER, serviceChargeCents: 3000, tariffFactor: 1.0 },
  { code: 'TSHW', prefix: '22', name: 'City of Tshwane Water', utilityType: 'WATER', town: 'Pretoria', servedBy: [P.blueLabel, P.easyPay, P.switchOne], ranked: [], excluded: [], meters: WATER, tariffFactor: 0.95 },
  { code: 'DRAW', prefix: '23', name: 'Drakenstein Water', utilityType: 'WATER', town: 'Paarl', servedBy: [P.ontec, P.easyPay, P.syntell], ranked: [P.syntell], excluded: [], meters: WATER, tariffFactor: 1.0 },
  { code: 'EGG', prefix: '31', name: 'Egoli Gas', utilityType: 'GAS', town: 'Johannesburg', servedBy: [P.blueLabel, P.easyPay, P.sandulela], ranked: [P.sandulela], excluded: [], meters: GAS, tariffFactor: 1.0 },
  // Last, so the other utilities' random meters stay the same for a given seed.
  { code: 'MG', prefix: '41', name: 'Sunvillage Mini-Grid', utilityType: 'ELECTRICITY', town: 'Sunvillage', servedBy: [P.miniGrid], ranked: [P.miniGrid], excluded: [], meters: 60, tariffFactor: 1.0, miniGrid: true },
];

const utilityId = (code: string): string => `U-${code}`;

/** A fixed demo meter number: utility prefix + serial, with its Luhn check digit. */
function fixedMeter(prefix: string, serial: number): string {
  return withCheckDigit(`0${prefix}${String(serial).padStart(7, '0')}`);
}

/** Named meters for tills, docs and e2e tests; the same numbers whatever the seed. */
export const DEMO_METERS = {
  /** City of Cape Town, nothing owed: one STD token. */
  plain: fixedMeter('01', 1),
  /** City of Cape Town, R450 arrears: 25% of each purchase recovers them. */
  withArrears: fixedMeter('01', 2),
  /** City of Tshwane, this month's service charge still due. */
  serviceChargeDue: fixedMeter('02', 1),
  /** City of Tshwane, keys changed: the next purchase carries a KC pair before the STD token. */
  keyChange: fixedMeter('02', 2),
  /** Buffalo City, free basic electricity (50 kWh) due this month; ranked first at the slow provider. */
  bsstDue: fixedMeter('04', 1),
  /** Buffalo City: routed to Sandulela first, the slow provider (800 ms). */
  slowProviderRoute: fixedMeter('04', 2),
  /** Mangaung, blocked by the utility: METER_ID_BLOCKED. */
  blocked: fixedMeter('05', 1),
  /** Mangaung: iPay serves it but is excluded for this utility. */
  excludedProvider: fixedMeter('05', 2),
  /** Ekurhuleni: not in the contract table, the switch broadcasts a lookup. */
  unknownToContractTable: fixedMeter('03', 1),
  /** Ekurhuleni: in the contract table, no utility preference (load-balancer weights decide). */
  weighted: fixedMeter('03', 2),
  /** Polokwane: the contract table says nobody supports it (stale); Confirm support fixes it. */
  staleNotSupported: fixedMeter('06', 1),
  /** Drakenstein: meter-level preference for EasyPay over the utility's ranked iPay. */
  meterPreference: fixedMeter('12', 1),
  /** City of Cape Town Water (kL blocks, monthly water service charge due). */
  water: fixedMeter('21', 1),
  /** Egoli Gas (kg). */
  gas: fixedMeter('31', 1),
  /** Arrears, service charge due, key change and free basic electricity all at once (City of Tshwane). */
  everything: fixedMeter('02', 3),
  /** Sunvillage Mini-Grid (MicroPowerManager, debt first), nothing owed: the whole payment buys units. */
  miniGridPlain: fixedMeter('41', 1),
  /** Sunvillage Mini-Grid, R450 arrears: R200 goes all to the debt and issues no token. */
  miniGridArrears: fixedMeter('41', 2),
  /** Sunvillage Mini-Grid, two weekly access fees (R40) due. */
  miniGridAccessFeeDue: fixedMeter('41', 3),
  /** Sunvillage Mini-Grid, a solar home system on 12 weekly instalments (by count): R300 due. */
  miniGridSolarHomeSystem: fixedMeter('41', 4),
  /** Sunvillage Mini-Grid, a TV at R400 a month (by amount): R800 due, and this week's access fee. */
  miniGridTelevision: fixedMeter('41', 5),
} as const satisfies Record<string, string> & Record<MiniGridMeterName, string>;

export type DemoMeterName = keyof typeof DEMO_METERS;

function tariffFor(def: DemoUtilityDef): Tariff {
  const f = (cents: number): number => Math.round(cents * def.tariffFactor);
  switch (def.utilityType) {
    case 'ELECTRICITY':
      return {
        id: `T-${def.code}`,
        name: `${def.name} domestic prepaid`,
        unit: 'kWh',
        blocks: [
          { upToUnits: 50, rateCents: f(210), description: 'Block 1 (0-50 kWh)' },
          { upToUnits: 350, rateCents: f(265), description: 'Block 2 (51-350 kWh)' },
          { upToUnits: 600, rateCents: f(330), description: 'Block 3 (351-600 kWh)' },
          { upToUnits: null, rateCents: f(385), description: 'Block 4 (>600 kWh)' },
        ],
      };
    case 'WATER':
      return {
        id: `T-${def.code}`,
        name: `${def.name} domestic prepaid`,
        unit: 'kL',
        blocks: [
          { upToUnits: 6, rateCents: f(2200), description: 'Step 1 (0-6 kL)' },
          { upToUnits: 10.5, rateCents: f(3100), description: 'Step 2 (6-10.5 kL)' },
          { upToUnits: 20, rateCents: f(4200), description: 'Step 3 (10.5-20 kL)' },
          { upToUnits: 35, rateCents: f(5500), description: 'Step 4 (20-35 kL)' },
          { upToUnits: null, rateCents: f(7500), description: 'Step 5 (>35 kL)' },
        ],
      };
    case 'GAS':
      return { id: `T-${def.code}`, name: `${def.name} piped gas`, unit: 'kg', blocks: [{ upToUnits: null, rateCents: f(4600), description: 'Piped gas per kg' }] };
  }
}

function utilityRecord(def: DemoUtilityDef, index: number): UtilityRecord {
  const elec = def.utilityType === 'ELECTRICITY';
  const common = { id: utilityId(def.code), name: def.name, utilityType: def.utilityType, address: `Civic Centre, ${def.town}`, vatRegNum: `4${String(100000000 + index * 7654321).slice(0, 9)}` };
  if (def.miniGrid) return { ...common, address: `Powerhouse, ${def.town}`, ...miniGridTerms(`T-${def.code}`, def.name) };
  return {
    ...common,
    minAmountCents: def.utilityType === 'GAS' ? 5000 : elec ? 1000 : 2000,
    maxAmountCents: elec ? 300_000 : 200_000,
    tariff: tariffFor(def),
    ...(def.serviceChargeCents ? { serviceCharge: { description: elec ? 'Monthly service charge' : def.utilityType === 'WATER' ? 'Monthly water access charge' : 'Monthly gas access charge', amountCents: def.serviceChargeCents } } : {}),
    ...(elec ? { freeBasicUnits: 50 } : {}),
  };
}

const FIRST = ['Thandi', 'Sipho', 'Lerato', 'Johan', 'Ayesha', 'Pieter', 'Nomvula', 'Themba', 'Zanele', 'Kagiso', 'Anele', 'Fatima', 'Riaan', 'Palesa', 'Bongani', 'Naledi', 'Mandla', 'Charmaine', 'Tebogo', 'Lindiwe'];
const LAST = ['Nkosi', 'Dlamini', 'Van der Merwe', 'Botha', 'Mokoena', 'Naidoo', 'Khumalo', 'Pillay', 'Mahlangu', 'Jacobs', 'Ndlovu', 'Smith', 'Sithole', 'Mthembu', 'Petersen', 'Baloyi', 'Maluleke', 'Fourie', 'Zulu', 'Mabaso'];
const STREETS = ['Main Road', 'Church Street', 'Voortrekker Road', 'Nelson Mandela Drive', 'Oxford Street', 'Jan Smuts Avenue', 'Long Street', 'Beach Road', 'Market Street', 'Station Road'];

function customer(rng: Rng, id: string, town: string, n: number): CustomerRecord {
  return {
    id,
    firstName: rng.pick(FIRST),
    lastName: rng.pick(LAST),
    address: `${rng.int(1, 399)} ${rng.pick(STREETS)}, ${town}`,
    accountNumber: String(3_000_000_000 + n * 37),
    contactNumber: `0${rng.pick(['72', '82', '83', '71', '61', '79'])}${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
  };
}

function randomAccount(rng: Rng, def: DemoUtilityDef, month: string): MeterAccount {
  const keyed = def.utilityType !== 'GAS';
  const keys = { supplyGroupCode: String(600000 + Number(def.prefix) * 101).padStart(6, '0'), keyRevisionNum: '1', tariffIndex: '01' };
  return {
    arrearsCents: rng.chance(0.12) ? rng.int(50, 2500) * 100 : 0,
    blocked: rng.chance(0.01),
    keys,
    ...(keyed && rng.chance(0.03) ? { pendingKeyChange: { ...keys, keyRevisionNum: '2' } } : {}),
    freeBasicEligible: def.utilityType === 'ELECTRICITY' && rng.chance(0.15),
    ...(rng.chance(0.3) ? { freeBasicIssuedMonth: month } : {}),
    serviceChargeOwedCents: 0,
    ...(rng.chance(0.5) ? { serviceChargeMonth: month } : {}),
    unitsThisMonthHundredths: rng.int(0, def.utilityType === 'ELECTRICITY' ? 40_000 : 1_500),
    unitsMonth: month,
  };
}

/** A mini-grid customer: somewhere in an access-fee period, some with a solar home system on instalments. */
function randomMiniGridAccount(rng: Rng, base: MeterAccount, nowMs: number): MeterAccount {
  const account = miniGridAccount({ ...base, pendingKeyChange: undefined }, nowMs, rng.int(0, 20));
  return rng.chance(0.3) ? { ...account, appliances: [solarHomeSystem(nowMs - rng.int(0, 90) * 86_400_000)] } : account;
}

/** Overrides for the named meters, so each shows exactly its behaviour. */
function namedAccount(name: DemoMeterName, base: MeterAccount, month: string, nowMs: number): MeterAccount {
  const quiet: MeterAccount = {
    ...base,
    arrearsCents: 0,
    blocked: false,
    pendingKeyChange: undefined,
    freeBasicEligible: false,
    serviceChargeMonth: month,
    serviceChargeOwedCents: 0,
    unitsThisMonthHundredths: 0,
  };
  const newKeys = { ...base.keys, keyRevisionNum: '2' };
  switch (name) {
    case 'withArrears':
      return { ...quiet, arrearsCents: 45_000 };
    case 'serviceChargeDue':
      return { ...quiet, serviceChargeMonth: undefined };
    case 'keyChange':
      return { ...quiet, pendingKeyChange: newKeys };
    case 'bsstDue':
      return { ...quiet, freeBasicEligible: true, freeBasicIssuedMonth: undefined };
    case 'blocked':
      return { ...quiet, blocked: true };
    case 'water':
      return { ...quiet, serviceChargeMonth: undefined };
    case 'miniGridPlain':
    case 'miniGridArrears':
    case 'miniGridAccessFeeDue':
    case 'miniGridSolarHomeSystem':
    case 'miniGridTelevision':
      return namedMiniGridAccount(name, quiet, nowMs);
    case 'everything':
      return { ...quiet, arrearsCents: 30_000, serviceChargeMonth: undefined, pendingKeyChange: newKeys, freeBasicEligible: true, freeBasicIssuedMonth: undefined };
    default:
      return quiet;
  }
}

export interface DemoProfile {
  readonly data: BackOfficeData;
  readonly seed: ProfileSeed;
  readonly behaviours: Readonly<Record<string, Partial<ProviderBehaviour>>>;
}

export function demoProfile(opts: { seed?: number; nowMs?: number } = {}): DemoProfile {
  const rng = seededRng(opts.seed ?? DEMO_DEFAULT_SEED);
  const nowMs = opts.nowMs ?? Date.now();
  const month = monthKey(nowMs);
  const utilities = UTILITY_DEFS.map(utilityRecord);
  const customers: CustomerRecord[] = [];
  const meters: MeterRecord[] = [];
  const contractTable: MeterSeed[] = [];
  const named = new Map<string, DemoMeterName>(Object.entries(DEMO_METERS).map(([k, v]) => [v, k as DemoMeterName]));
  const allIds = PROVIDER_DESCRIPTORS.map((d) => d.id);

  for (const def of UTILITY_DEFS) {
    const uid = utilityId(def.code);
    const fixed = [...named.keys()].filter((m) => m.slice(1, 3) === def.prefix);
    // Random serials start at 1,000,000 so they never collide with the named meters' small serials.
    let serial = rng.int(1_000_000, 5_000_000);
    const numbers = [...fixed];
    while (numbers.length < def.meters) {
      serial += rng.int(1, 40);
      numbers.push(fixedMeter(def.prefix, serial));
    }
    for (const meterId of numbers) {
      const n = meters.length;
      const customerId = `C-${n + 1}`;
      customers.push(customer(rng, customerId, def.town, n));
      const name = named.get(meterId);
      const base = def.miniGrid ? randomMiniGridAccount(rng, randomAccount(rng, def, month), nowMs) : randomAccount(rng, def, month);
      meters.push({ meterId, utilityId: uid, customerId, account: name ? namedAccount(name, base, month, nowMs) : base });

      // The contract table: most meters known with their support statuses, some left out.
      if (name === 'unknownToContractTable' || (!name && rng.chance(0.08))) continue;
      const support: Record<string, SupportStatus> = {};
      for (const id of allIds) {
        const serves = def.servedBy.includes(id);
        // The mini-grid operator joined after seed 000: no random draw for it, so every seed's other
        // meters (named by tests and docs) stay what they were.
        const noise = id !== P.miniGrid && !name && rng.chance(0.05);
        support[id] = name === 'staleNotSupported' ? 'NOT_SUPPORTED' : noise ? 'UNCONFIRMED' : serves ? 'SUPPORTED' : 'NOT_SUPPORTED';
      }
      const allowed = def.servedBy.filter((id) => !def.excluded.includes(id));
      const preferred = name === 'meterPreference' ? P.easyPay : !name && rng.chance(0.03) ? rng.pick(allowed) : undefined;
      contractTable.push({ meterId, utilityId: uid, support, ...(preferred ? { preferredProviderId: preferred } : {}) });
    }
  }

  const utilitySeeds: UtilitySeed[] = UTILITY_DEFS.map((def) => ({
    id: utilityId(def.code),
    name: def.name,
    utilityType: def.utilityType,
    ranked: def.ranked,
    excluded: def.excluded,
  }));
  const servedBy = Object.fromEntries(UTILITY_DEFS.map((def) => [utilityId(def.code), def.servedBy]));
  return {
    data: { utilities, customers, meters, servedBy },
    seed: {
      utilities: utilitySeeds,
      contractTable,
      weights: { P01: 15, P02: 5, P03: 25, P04: 25, P05: 10, P06: 10, P07: 20, P08: 10, P09: 5, P10: 10, P11: 10 },
    },
    behaviours: { [DEMO_SLOW_PROVIDER_ID]: { latencyMs: DEMO_SLOW_PROVIDER_LATENCY_MS } },
  };
}
