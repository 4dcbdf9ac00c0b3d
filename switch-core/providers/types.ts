/**
 * The contract between the switch engine and the providers it connects to (simulated here, real ones
 * plug in with the same descriptor): who a provider is, what it can do, where it listens, and how a
 * field tech tunes a simulated provider's faults at run time.
 */
import type { UtilityType } from '../protocol';

/** What a provider supports beyond the mandatory lookup, purchase (and retry where marked). From seed 000. */
export interface ProviderCapabilities {
  readonly retries: boolean;
  readonly reprints: boolean;
  readonly trialPurchases: boolean;
  readonly faultReports: boolean;
  readonly keyChange: boolean;
}

export interface ProviderDescriptor {
  /** Institution id assigned by the switch operator, e.g. "P001". Shown as "Provider ID" in the console. */
  readonly id: string;
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  readonly utilityTypes: readonly UtilityType[];
}

/** Where and how the switch reaches a provider's PPU v3 server. */
export interface ProviderEndpoint {
  readonly descriptor: ProviderDescriptor;
  /** The origin (and any prefix) the PPU paths go under, without /prepaidutility/v3. */
  readonly baseUrl: string;
  readonly username: string;
  readonly password: string;
  /** Client timeout toward this provider (the switch's default otherwise). */
  readonly timeoutMs?: number;
  /** The provider's CA, and our client certificate and key for mTLS (PEM). */
  readonly tls?: { readonly ca?: Buffer; readonly cert?: Buffer; readonly key?: Buffer };
  /** The Authorization header per request when the provider uses OAuth2 instead of basic auth. */
  readonly authorization?: () => Promise<string>;
}

/** Faults a field tech can inject into a simulated provider (admin API and till tools). */
export interface ProviderBehaviour {
  /** Added to every answer, in ms. */
  latencyMs: number;
  /** Share of purchases (0..1) that hang past the client's timeout and then complete (outcome unknown). */
  timeoutRate: number;
  /** Share of requests (0..1) answered with a 500 (outcome unknown) after the purchase took effect. */
  serverErrorRate: number;
  /** Answer nothing at all to meter lookups (never responds; the broadcast must not wait for it). */
  ignoreLookups: boolean;
  /** Refuse everything with 503 UPSTREAM_UNAVAILABLE, as a provider that is down. */
  down: boolean;
  /** Meters this provider answers UNKNOWN_METER_ID for, whatever its back office says. */
  refusedMeters: string[];
}

export const DEFAULT_BEHAVIOUR: ProviderBehaviour = {
  latencyMs: 0,
  timeoutRate: 0,
  serverErrorRate: 0,
  ignoreLookups: false,
  down: false,
  refusedMeters: [],
};

export interface SimulatedProvider extends ProviderEndpoint {
  behaviour(): ProviderBehaviour;
  setBehaviour(patch: Partial<ProviderBehaviour>): ProviderBehaviour;
  close(): Promise<void>;
}

/** Seed data a profile gives the switch's contract table and routing preferences. */
export interface UtilitySeed {
  readonly id: string;
  readonly name: string;
  readonly utilityType: UtilityType;
  /** Providers in the order they are tried. */
  readonly ranked: readonly string[];
  /** Providers never used for this utility (contractual restrictions). */
  readonly excluded: readonly string[];
}

export type SupportStatus = 'SUPPORTED' | 'NOT_SUPPORTED' | 'UNCONFIRMED';

export interface MeterSeed {
  readonly meterId: string;
  readonly utilityId: string;
  /** Known answers per provider id; providers not listed are Unconfirmed. */
  readonly support: Readonly<Record<string, SupportStatus>>;
  readonly preferredProviderId?: string;
}

export interface ProfileSeed {
  readonly utilities: readonly UtilitySeed[];
  /** Meters already in the contract table (others are unknown and get broadcast). */
  readonly contractTable: readonly MeterSeed[];
  /** Load-balancer weights per provider id (relative; e.g. 50 / 20 / 30). */
  readonly weights: Readonly<Record<string, number>>;
}
