/**
 * Purchase routing (seeds 002/003) as a pure decision: among providers that support the meter,
 * the meter-level preference first, then the utility's ranked providers in order, excluded never,
 * and the rest ordered by load-balancer weights. Providers whose circuit is open are skipped so the
 * caller fails over to the next; an operation nobody capable can do is FUNCTION_NOT_SUPPORTED.
 */
import type { ProviderCapabilities } from '../providers/types';
import type { CircuitState, MeterState, UtilityPrefs } from './model';

export interface RoutingProvider {
  readonly id: string;
  readonly weight: number;
  readonly enabled: boolean;
  readonly capabilities: ProviderCapabilities;
}

export interface RouteInput {
  readonly meter: MeterState;
  readonly utility: UtilityPrefs | null;
  readonly providers: readonly RoutingProvider[];
  readonly circuit: (providerId: string) => CircuitState;
  /** [0, 1) — injected so tests can pin the load balancer. */
  readonly rng: () => number;
  /** Only providers with this capability may take the operation (reprint, trial, ...). */
  readonly capability?: keyof ProviderCapabilities;
}

export type RouteDecision =
  | { ok: true; candidates: string[] }
  | { ok: false; reason: 'NO_SUPPORTING_PROVIDER' | 'NOT_CAPABLE' | 'ALL_UNAVAILABLE' };

/** Weighted random order without replacement (each pick ∝ weight among those left); weight 0 goes last. */
export function weightedOrder(ids: readonly string[], weightOf: (id: string) => number, rng: () => number): string[] {
  const left = [...ids].sort();
  const out: string[] = [];
  while (left.length > 0) {
    const total = left.reduce((sum, id) => sum + Math.max(0, weightOf(id)), 0);
    let index = 0;
    if (total > 0) {
      let r = rng() * total;
      index = left.findIndex((id) => (r -= Math.max(0, weightOf(id))) < 0);
      if (index < 0) index = left.length - 1;
    }
    out.push(...left.splice(index, 1));
  }
  return out;
}

export function routePurchase(input: RouteInput): RouteDecision {
  const { meter, utility, providers, circuit, rng, capability } = input;
  const enabled = new Map(providers.filter((p) => p.enabled).map((p) => [p.id, p]));
  const excluded = new Set(utility?.excluded ?? []);
  const supporting = meter.support
    .filter((s) => s.status === 'SUPPORTED' && enabled.has(s.providerId) && !excluded.has(s.providerId))
    .map((s) => s.providerId);
  if (supporting.length === 0) return { ok: false, reason: 'NO_SUPPORTING_PROVIDER' };
  const capable = capability ? supporting.filter((id) => enabled.get(id)?.capabilities[capability] === true) : supporting;
  if (capable.length === 0) return { ok: false, reason: 'NOT_CAPABLE' };

  const pool = new Set(capable);
  const ordered: string[] = [];
  const take = (id: string | null | undefined) => {
    if (id && pool.has(id)) {
      ordered.push(id);
      pool.delete(id);
    }
  };
  take(meter.preferredProviderId);
  for (const id of utility?.ranked ?? []) take(id);
  for (const id of weightedOrder([...pool], (id) => enabled.get(id)?.weight ?? 0, rng)) take(id);

  const candidates = ordered.filter((id) => circuit(id) !== 'open');
  if (candidates.length === 0) return { ok: false, reason: 'ALL_UNAVAILABLE' };
  return { ok: true, candidates };
}
