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
    let total = 0;
    for (const id of left) total += Math.max(0, weightOf(id));
    let index = 0;
    if (total > 0) {
      let r = rng() * total;
      index = left.length - 1;
      for (let i = 0; i < left.length; i++) {
        r -= Math.max(0, weightOf(left[i]!));
        if (r < 0) {
          index = i;
          break;
        }
      }
    }
    out.push(left.splice(index, 1)[0]!);
  }
  return out;
}

/** An enabled provider by id (a handful: a scan, no Map built per sale). */
function enabledProvider(providers: readonly RoutingProvider[], id: string): RoutingProvider | undefined {
  for (const p of providers) if (p.id === id) return p.enabled ? p : undefined;
  return undefined;
}

export function routePurchase(input: RouteInput): RouteDecision {
  const { meter, utility, providers, circuit, rng, capability } = input;
  const excluded = utility?.excluded ?? [];
  const capable: string[] = [];
  let supported = false;
  for (const s of meter.support) {
    if (s.status !== 'SUPPORTED' || excluded.includes(s.providerId)) continue;
    const p = enabledProvider(providers, s.providerId);
    if (!p) continue;
    supported = true;
    if (!capability || p.capabilities[capability] === true) capable.push(p.id);
  }
  if (!supported) return { ok: false, reason: 'NO_SUPPORTING_PROVIDER' };
  if (capable.length === 0) return { ok: false, reason: 'NOT_CAPABLE' };

  const ordered: string[] = [];
  const take = (id: string | null | undefined) => {
    if (id && capable.includes(id) && !ordered.includes(id)) ordered.push(id);
  };
  take(meter.preferredProviderId);
  for (const id of utility?.ranked ?? []) take(id);
  const rest = capable.filter((id) => !ordered.includes(id));
  for (const id of weightedOrder(rest, (id) => enabledProvider(providers, id)?.weight ?? 0, rng)) take(id);

  const candidates = ordered.filter((id) => circuit(id) !== 'open');
  if (candidates.length === 0) return { ok: false, reason: 'ALL_UNAVAILABLE' };
  return { ok: true, candidates };
}
