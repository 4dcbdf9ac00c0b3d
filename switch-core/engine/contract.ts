/**
 * The contract table's rules from seeds 000–002, as pure functions over a meter's row:
 * whom a lookup is broadcast to, how answers update support statuses, what "Confirm support"
 * (the rebroadcast flag) does, and what the periodic re-broadcast keeps.
 */
import type { PpuResult } from '../protocol';
import type { MeterState, ProviderSupport, SupportStatus } from './model';

/** What one provider said to a lookup: a definite yes/no, or nothing usable (timeout, 5xx, down). */
export type LookupAnswer = 'SUPPORTED' | 'NOT_SUPPORTED' | 'NO_ANSWER';

export interface ProviderLookupAnswer {
  readonly providerId: string;
  readonly answer: LookupAnswer;
  readonly at: string;
}

/**
 * Unknown meter → every enabled provider. Known meter → every enabled provider that has not
 * answered yet (Unconfirmed or never asked); after "Confirm support" that is everyone not Supported.
 */
export function whomToBroadcast(meter: MeterState | null, enabledProviders: readonly string[]): string[] {
  if (meter === null) return [...enabledProviders];
  const out: string[] = [];
  for (const p of enabledProviders) {
    const s = statusOf(meter, p);
    if (s === undefined || s === 'UNCONFIRMED') out.push(p);
  }
  return out;
}

/** A provider's status on a meter's row (a handful of rows: a scan, no Map built per lookup). */
function statusOf(meter: MeterState, providerId: string): SupportStatus | undefined {
  for (const s of meter.support) if (s.providerId === providerId) return s.status;
  return undefined;
}

/**
 * A provider's lookup result as contract-table evidence. 201 → Supported; UNKNOWN_METER_ID or
 * UTILITY_INVALID → Not supported; any other definite business refusal (blocked meter, bad key)
 * still proves the provider knows the meter → Supported; timeouts, 5xx and "down" say nothing.
 */
export function classifyLookupResult(result: PpuResult<unknown>): LookupAnswer {
  if (result.outcome === 'successful') return 'SUPPORTED';
  if (result.outcome === 'unknown') return 'NO_ANSWER';
  if (result.status === 503 || result.status >= 500) return 'NO_ANSWER';
  const type = result.error?.errorType;
  if (type === 'UNKNOWN_METER_ID' || type === 'UTILITY_INVALID') return 'NOT_SUPPORTED';
  if (type === 'METER_ID_BLOCKED' || type === 'METER_KEY_INVALID') return 'SUPPORTED';
  return 'NO_ANSWER';
}

/**
 * Folds lookup answers into a meter's row. Answering providers get their status and last-response
 * time; non-answering ones stay as they were (a new one is Unconfirmed, a Supported one keeps its
 * support through a hiccup). `clearRebroadcastFlag` ends the "Confirm support" cycle.
 */
export function applyLookupAnswers(
  meter: MeterState,
  answers: readonly ProviderLookupAnswer[],
  opts: { clearRebroadcastFlag?: boolean; utilityId?: string | null } = {},
): MeterState {
  const byProvider = new Map<string, ProviderSupport>(meter.support.map((s) => [s.providerId, s]));
  for (const a of answers) {
    if (a.answer === 'NO_ANSWER') {
      if (!byProvider.has(a.providerId)) byProvider.set(a.providerId, { providerId: a.providerId, status: 'UNCONFIRMED', lastResponseAt: null });
      continue;
    }
    byProvider.set(a.providerId, { providerId: a.providerId, status: a.answer, lastResponseAt: a.at });
  }
  return {
    ...meter,
    utilityId: opts.utilityId !== undefined && opts.utilityId !== null ? opts.utilityId : meter.utilityId,
    rebroadcastFlag: opts.clearRebroadcastFlag ? false : meter.rebroadcastFlag,
    support: [...byProvider.values()].sort((a, b) => a.providerId.localeCompare(b.providerId)),
  };
}

/** A meter the contract table has never seen: no utility, nobody asked yet. */
export function newMeter(meterId: string): MeterState {
  return { meterId, utilityId: null, rebroadcastFlag: false, preferredProviderId: null, support: [] };
}

/**
 * "Confirm support" (seed 001): raise the rebroadcast flag and make every provider that has not
 * explicitly confirmed support Unconfirmed. Nothing is sent now; the next lookup does the work.
 */
export function markForRebroadcast(meter: MeterState, providers: readonly string[]): MeterState {
  const known = new Map(meter.support.map((s) => [s.providerId, s]));
  const ids = [...new Set([...providers, ...known.keys()])].sort();
  return {
    ...meter,
    rebroadcastFlag: true,
    support: ids.map((id) => {
      const s = known.get(id);
      if (s && s.status === 'SUPPORTED') return s;
      return { providerId: id, status: 'UNCONFIRMED' as SupportStatus, lastResponseAt: s?.lastResponseAt ?? null };
    }),
  };
}

/**
 * After a periodic re-broadcast: a meter-level preference survives only while its provider still
 * supports the meter (seed 002: "preference maintained where the meter is still supported").
 */
export function keepPreferences(meter: MeterState): MeterState {
  if (meter.preferredProviderId === null) return meter;
  const s = meter.support.find((x) => x.providerId === meter.preferredProviderId);
  if (s && s.status === 'NOT_SUPPORTED') return { ...meter, preferredProviderId: null };
  return meter;
}

export function supportingProviders(meter: MeterState): string[] {
  return meter.support.filter((s) => s.status === 'SUPPORTED').map((s) => s.providerId);
}
