/**
 * The providers the switch connects to, as data: id, name, capabilities and the utility types each
 * sells — the ten of seed 000 and a MicroPowerManager-style mini-grid operator (seed 004). Real providers plug in with the same descriptors; the simulators
 * serve exactly these capabilities and refuse the rest with FUNCTION_NOT_SUPPORTED.
 */
import type { ProviderCapabilities, ProviderDescriptor } from './types';

const BASIC: ProviderCapabilities = { retries: false, reprints: false, trialPurchases: false, faultReports: false, keyChange: false };
/** Seed 000: these providers support retries and reprints. */
const RETRIES_AND_REPRINTS: ProviderCapabilities = { ...BASIC, retries: true, reprints: true };

export const PROVIDER_DESCRIPTORS: readonly ProviderDescriptor[] = [
  { id: 'P01', name: 'iPay', capabilities: BASIC, utilityTypes: ['ELECTRICITY', 'WATER'] },
  {
    id: 'P02',
    name: 'Ontec (via iPay)',
    capabilities: { ...BASIC, trialPurchases: true, faultReports: true, keyChange: true },
    utilityTypes: ['ELECTRICITY', 'WATER'],
  },
  { id: 'P03', name: 'Blue Label Telecoms', capabilities: RETRIES_AND_REPRINTS, utilityTypes: ['ELECTRICITY', 'WATER', 'GAS'] },
  { id: 'P04', name: 'EasyPay', capabilities: RETRIES_AND_REPRINTS, utilityTypes: ['ELECTRICITY', 'WATER', 'GAS'] },
  {
    id: 'P05',
    name: 'Contour',
    capabilities: { ...RETRIES_AND_REPRINTS, faultReports: true, keyChange: true },
    utilityTypes: ['ELECTRICITY'],
  },
  { id: 'P06', name: 'Syntell', capabilities: RETRIES_AND_REPRINTS, utilityTypes: ['ELECTRICITY', 'WATER'] },
  { id: 'P07', name: 'Kazang', capabilities: RETRIES_AND_REPRINTS, utilityTypes: ['ELECTRICITY'] },
  { id: 'P08', name: 'SwitchOne', capabilities: RETRIES_AND_REPRINTS, utilityTypes: ['ELECTRICITY', 'WATER'] },
  { id: 'P09', name: 'Sandulela', capabilities: RETRIES_AND_REPRINTS, utilityTypes: ['ELECTRICITY', 'GAS'] },
  { id: 'P10', name: 'R&A Cellular', capabilities: RETRIES_AND_REPRINTS, utilityTypes: ['ELECTRICITY'] },
  // Seed 004: sells its own mini-grid's tokens; trial purchases let the till show the debt-first split.
  { id: 'P11', name: 'MicroPowerManager', capabilities: { ...RETRIES_AND_REPRINTS, trialPurchases: true }, utilityTypes: ['ELECTRICITY'] },
];

export function descriptorById(id: string): ProviderDescriptor | undefined {
  return PROVIDER_DESCRIPTORS.find((d) => d.id === id);
}

/** Named ids so profiles and tests read like the seeds. */
export const PROVIDER_IDS = {
  iPay: 'P01',
  ontec: 'P02',
  blueLabel: 'P03',
  easyPay: 'P04',
  contour: 'P05',
  syntell: 'P06',
  kazang: 'P07',
  switchOne: 'P08',
  sandulela: 'P09',
  raCellular: 'P10',
  miniGrid: 'P11',
} as const;
