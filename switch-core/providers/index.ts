/**
 * Public face of the simulated providers: the ten provider descriptors, the simulated utility
 * back office, the demo and certification profiles, and `startSimulatedProviders` which starts
 * all ten as real PPU v3 servers on loopback. Import from here, not from the files inside.
 */
import { UtilityBackOffice } from './back-office';
import { certificationData, certificationSeed } from './certification';
import { demoProfile } from './demo';
import { PROVIDER_DESCRIPTORS } from './descriptors';
import { startSimulatedProvider, type SimulatedProviderOptions } from './server';
import type { ProfileSeed, ProviderBehaviour, SimulatedProvider } from './types';

export * from './types';
export { PROVIDER_DESCRIPTORS, PROVIDER_IDS, descriptorById } from './descriptors';
export { UtilityBackOffice } from './back-office';
export type { BackOfficeData, BoResult, CustomerRecord, FixedScenario, IssuedToken, KeyChangeAnswer, LookupAnswer, MeterKeySetup, MeterRecord, MeterView, PurchaseRecord } from './back-office';
export * from './purchase-plan';
export * from './instalment-plan';
export { isValidMeterNumber, meterCheckDigit, withCheckDigit } from '../protocol/meter-number';
export { startSimulatedProvider, type SimulatedProviderOptions } from './server';
export { parseBehaviourPatch, ProviderBehaviourPatch } from './behaviour';
export { CERTIFICATION_METER_IDS, CERTIFICATION_SCENARIOS, CERTIFICATION_PROVIDER_ID, CERTIFICATION_SERVICE_PROVIDER_ID, CERTIFICATION_UTILITY_ID, certificationData, certificationSeed } from './certification';
export { ALGORITHM_CODE, TOKEN_TECH_CODE, drnOf, stsDataOf, type MeterStsData } from './sts-vending';
export { DEMO_METERS, DEMO_DEFAULT_SEED, DEMO_SLOW_PROVIDER_ID, DEMO_SLOW_PROVIDER_LATENCY_MS, demoProfile, type DemoMeterName, type DemoProfile } from './demo';

export type ProfileName = 'demo' | 'certification';

export interface Profile {
  readonly backOffice: UtilityBackOffice;
  readonly seed: ProfileSeed;
  /** Behaviour each provider starts with (e.g. the demo's slow provider). */
  readonly behaviours: Readonly<Record<string, Partial<ProviderBehaviour>>>;
}

/** Builds a profile's data without starting any server (the switch seeds its contract table from `seed`). */
export function buildProfile(profile: ProfileName, opts: { seed?: number; clock?: () => number } = {}): Profile {
  if (profile === 'certification') {
    return { backOffice: new UtilityBackOffice(certificationData(), { clock: opts.clock }), seed: certificationSeed(), behaviours: {} };
  }
  const demo = demoProfile({ seed: opts.seed, nowMs: (opts.clock ?? Date.now)() });
  return { backOffice: new UtilityBackOffice(demo.data, { clock: opts.clock }), seed: demo.seed, behaviours: demo.behaviours };
}

export interface SimulatedProviders {
  readonly providers: SimulatedProvider[];
  readonly seed: ProfileSeed;
  readonly backOffice: UtilityBackOffice;
  /** A provider by id ("P04") or name ("EasyPay"). */
  get(idOrName: string): SimulatedProvider;
  close(): Promise<void>;
}

/** Starts the ten simulated providers (each its own loopback port and random credentials) over one back office. */
export async function startSimulatedProviders(opts: {
  profile: ProfileName;
  host?: string;
  seed?: number;
  clock?: () => number;
  /** Start behaviour per provider id, over the profile's own (e.g. `{ P09: { latencyMs: 0 } }` for fast tests). */
  behaviours?: Readonly<Record<string, Partial<ProviderBehaviour>>>;
  /** Passed to every provider (e.g. a fixed `random` in tests). */
  providerOptions?: Omit<SimulatedProviderOptions, 'host' | 'behaviour' | 'username' | 'password' | 'port'>;
}): Promise<SimulatedProviders> {
  const built = buildProfile(opts.profile, { seed: opts.seed, clock: opts.clock });
  const started = await Promise.allSettled(
    PROVIDER_DESCRIPTORS.map((d) =>
      startSimulatedProvider(d, built.backOffice, { ...opts.providerOptions, host: opts.host ?? '127.0.0.1', behaviour: { ...built.behaviours[d.id], ...opts.behaviours?.[d.id] } }),
    ),
  );
  const providers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = started.find((s) => s.status === 'rejected');
  if (failure) {
    await Promise.all(providers.map((p) => p.close()));
    throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
  }
  return {
    providers,
    seed: built.seed,
    backOffice: built.backOffice,
    get(idOrName) {
      const p = providers.find((x) => x.descriptor.id === idOrName || x.descriptor.name === idOrName);
      if (!p) throw new Error(`no simulated provider ${idOrName}`);
      return p;
    },
    async close() {
      await Promise.all(providers.map((p) => p.close()));
    },
  };
}
