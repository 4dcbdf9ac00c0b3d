/**
 * Broadcast (seeds 000–002): asking providers whether they support a meter and folding their
 * answers into the contract table — the fan-out behind a meter lookup (and a purchase for a meter
 * nobody confirmed yet), "Confirm support", and the periodic re-broadcast of the whole table.
 */
import { utilityTypeOf, type MeterLookupRequest, type PpuResult } from '../protocol';
import { applyLookupAnswers, classifyLookupResult, keepPreferences, markForRebroadcast, newMeter, supportingProviders, whomToBroadcast, type LookupAnswer } from './contract';
import type { MeterState } from './model';
import { isProviderError } from './replies';
import type { SwitchState } from './switch-state';

export interface Discovery {
  /** The first Supported answer, else the first definite refusal; null when nobody could say. */
  result: { providerId: string; result: PpuResult<unknown> } | null;
  /**
   * Why no provider could be asked or none answered (circuits open, timeouts, down), when that is
   * so: the meter is then not known to be unknown, only unreachable.
   */
  unreachable: string | null;
}

/**
 * The lookup's fan-out: unconfirmed providers (all of them for an unknown or flagged meter) plus
 * the provider a purchase would go to, in parallel, bounded by the broadcast timeout. Resolves
 * with the first Supported answer (or the first definite refusal once everyone answered) while
 * late answers keep updating the contract table until the timeout. `settled` lets a purchase wait
 * past a Supported answer it cannot use (an excluded provider, one without the capability, one
 * the utility ranks below a provider not heard yet) for the next one, or for everyone's answer;
 * it is asked again each time a provider is heard from (`heard`: answered, gave up, or not asked).
 */
export async function discover(
  s: SwitchState,
  txId: string,
  req: MeterLookupRequest,
  settled: (meter: MeterState, heard: ReadonlySet<string>) => Promise<boolean> = async () => true,
): Promise<Discovery> {
  const meterId = req.meter.meterId;
  const before = await s.store.getMeter(meterId);
  const wasFlagged = before?.rebroadcastFlag ?? false;
  const enabled = await s.enabledIds();
  const unasked = whomToBroadcast(before, enabled);
  const anyShut = unasked.some(s.isOpen) || (before?.support.some((x) => x.status === 'SUPPORTED' && s.isOpen(x.providerId)) ?? false);
  const broadcast = anyShut ? unasked.filter((id) => !s.isOpen(id)) : unasked;
  // Providers left out because their circuit is open: they have not said they do not know the meter.
  const shut = anyShut ? [...new Set([...unasked, ...(before ? supportingProviders(before) : [])])].filter((id) => enabled.includes(id) && s.isOpen(id)) : [];
  const route = before ? await s.route(before) : null;
  const primaries = route && route.ok ? route.candidates : [];
  const first = primaries.find((p) => !broadcast.includes(p));
  const ask = first ? [first, ...broadcast] : broadcast;
  if (!before) {
    await s.withMeter(meterId, async () => {
      // Another answer (or node) may have created the row meanwhile: only a still-unknown meter is seeded.
      if ((await s.store.getMeter(meterId)) === null) {
        await s.store.saveMeter(applyLookupAnswers(newMeter(meterId), broadcast.map((p) => ({ providerId: p, answer: 'NO_ANSWER', at: s.now() }))), s.now());
      }
    });
  }

  return new Promise((resolve) => {
    let decided = false;
    let pending = ask.length;
    let refusal: { providerId: string; result: PpuResult<unknown> } | null = null;
    let anyAnswer = false;
    let supported: { providerId: string; result: PpuResult<unknown> } | null = null;
    const heard = new Set<string>();
    for (const p of s.providerIds()) if (!ask.includes(p)) heard.add(p);
    const silent: string[] = shut.map((p) => `${s.nameOf(p)}: circuit open`);
    const decide = (v: { providerId: string; result: PpuResult<unknown> } | null, unreachable: boolean) => {
      if (decided) return;
      decided = true;
      resolve({ result: v, unreachable: unreachable ? silent.join('; ') || 'no provider could be asked' : null });
    };
    const deadline = s.clock() + s.config.broadcastTimeoutMs;
    let timer: NodeJS.Timeout | null = null;
    const done = new Promise<void>((res) => {
      timer = setTimeout(res, s.config.broadcastTimeoutMs);
      timer.unref?.();
    });
    const tryFailover = async () => {
      // Known meter whose first supporting provider could not answer: ask the next ones in route order.
      for (const p of primaries) {
        if (ask.includes(p)) continue;
        const r = await s.call(txId, p, req, (c, b) => c.meterLookup(b));
        await applyAnswer(s, meterId, p, r);
        if (r.outcome === 'successful') return decide({ providerId: p, result: r }, false);
        if (r.outcome === 'failed' && r.status !== 503) refusal ??= { providerId: p, result: r };
        else silent.push(`${s.nameOf(p)}: ${silenceOf(r)}`);
      }
      decide(refusal, !anyAnswer && !refusal);
    };
    if (ask.length === 0) {
      // Everyone already answered and nobody supports the meter: the contract table decides —
      // unless the providers that could say were left out with their circuits open.
      anyAnswer = shut.length === 0;
      void tryFailover();
      return;
    }
    const all = ask.map(async (p) => {
      const r = await Promise.race([s.call(txId, p, req, (c, b) => c.meterLookup(b)), done.then(() => null)]);
      if (s.closed) return;
      if (r === null || s.clock() > deadline + 5) {
        silent.push(`${s.nameOf(p)}: no answer in ${s.config.broadcastTimeoutMs} ms`);
        await applyAnswer(s, meterId, p, null);
      } else {
        const answer = await applyAnswer(s, meterId, p, r);
        if (answer !== 'NO_ANSWER') anyAnswer = true;
        else silent.push(`${s.nameOf(p)}: ${silenceOf(r)}`);
        if (r.outcome === 'successful') supported ??= { providerId: p, result: r };
        else if (r.outcome === 'failed' && r.status !== 503 && r.error?.errorType !== 'UNKNOWN_METER_ID') refusal ??= { providerId: p, result: r };
      }
      heard.add(p);
      if (supported && !decided) {
        const meter = await s.store.getMeter(meterId);
        if (meter && (await settled(meter, heard))) decide(supported, false);
      }
      pending--;
      if (pending === 0 && !decided) void tryFailover();
    });
    const finished = Promise.all(all).then(async () => {
      if (timer) clearTimeout(timer);
      if (wasFlagged && !s.closed) {
        // The rebroadcast cycle ends once the flagged lookup has been sent to everyone unconfirmed.
        await s.withMeter(meterId, async () => {
          const m = await s.store.getMeter(meterId);
          if (m) await s.store.saveMeter({ ...m, rebroadcastFlag: false }, s.now());
        });
      }
    });
    s.track(finished);
  });
}

/** Why a provider's result says nothing about the meter, in a few words. */
function silenceOf(r: PpuResult<unknown>): string {
  if (r.outcome === 'unknown') return r.reason;
  if (r.outcome === 'successful') return `HTTP ${r.status}`;
  return r.error?.errorType ? `${r.error.errorType} (HTTP ${r.status})` : `HTTP ${r.status}`;
}

/**
 * One provider's answer (null: none in time) into the meter's row, writing as little as it can. A
 * known meter answered as the table already says (the hot path: every sale's lookup) changes no
 * status: its response time is touched in the next batch, outside the meter's queue of
 * read-modify-write steps — unless a step is queued, which may be changing that very status.
 */
export async function applyAnswer(s: SwitchState, meterId: string, providerId: string, r: PpuResult<unknown> | null): Promise<LookupAnswer> {
  const answer = r ? classifyLookupResult(r) : 'NO_ANSWER';
  const known = await s.store.getMeter(meterId);
  const before = known && !(r?.outcome === 'successful' && known.utilityId === null) ? known.support.find((x) => x.providerId === providerId) : undefined;
  if (before && (answer === 'NO_ANSWER' || answer === before.status) && !s.meterBusy(meterId)) {
    const at = s.now();
    if (answer !== 'NO_ANSWER' && at !== before.lastResponseAt) s.traces.addTouch(meterId, providerId, at);
    return answer;
  }
  return s.withMeter(meterId, async () => {
    const at = s.now();
    const current = (await s.store.getMeter(meterId)) ?? newMeter(meterId);
    const utilityId = r && r.outcome === 'successful' && current.utilityId === null ? await utilityIdFor(s, r.body) : null;
    const next = applyLookupAnswers(current, [{ providerId, answer, at }], { utilityId });
    if (current.support.length > 0 && utilityId === null) {
      // A known meter: write only the provider's row that changed.
      const row = next.support.find((x) => x.providerId === providerId);
      const was = current.support.find((x) => x.providerId === providerId);
      if (row && row.status !== was?.status) await s.store.setSupport(meterId, row);
      else if (row?.lastResponseAt && row.lastResponseAt !== was?.lastResponseAt) s.traces.addTouch(meterId, providerId, row.lastResponseAt); // only the time moved
    } else {
      await s.store.saveMeter(next, at);
    }
    return answer;
  });
}

/** Learns a meter's utility from a provider's answer (by name), adding a utility the table lacks. */
async function utilityIdFor(s: SwitchState, body: unknown): Promise<string | null> {
  const u = (body as { utility?: { name?: string; clientId?: string }; utilityType?: string } | null)?.utility;
  if (!u?.name) return null;
  for (const x of (await s.utilityCache()).values()) if (x.id === u.clientId || x.name.toLowerCase() === u.name.toLowerCase()) return x.id;
  const id = 'U-' + u.name.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-|-$/g, '');
  // utilityType is a free string in the models ("Electricity"): mapped onto ours, electricity when absent or unknown.
  const utilityType = utilityTypeOf((body as { utilityType?: string }).utilityType) ?? 'ELECTRICITY';
  await s.store.upsertUtility({ id, name: u.name, utilityType, ranked: [], excluded: [] });
  s.forgetUtilities();
  return id;
}

/** "Confirm support" on a meter (seed 001). */
export function confirmSupport(s: SwitchState, meterId: string): Promise<MeterState | null> {
  return s.withMeter(meterId, async () => {
    const meter = await s.store.getMeter(meterId);
    if (!meter) return null;
    const next = markForRebroadcast(meter, s.providerIds());
    await s.store.saveMeter(next, s.now());
    return next;
  });
}

const REBROADCAST_ORIGINATOR = {
  institution: { id: 'SWITCH', name: 'PPU switch' },
  terminalId: 'SWITCH01',
  merchant: { merchantId: '000000000000000', merchantType: '0000', merchantName: { name: 'PPU switch', city: 'Switch', region: 'ZA', country: 'ZA' } },
};

/**
 * Periodic re-broadcast of the contract table: every meter is looked up at every enabled provider
 * again (a few meters at a time), statuses refreshed, meter preferences kept only where the
 * preferred provider still supports the meter.
 */
export async function rebroadcastAll(s: SwitchState, opts: { concurrency?: number; batch?: number } = {}): Promise<{ meters: number }> {
  const concurrency = opts.concurrency ?? 4;
  const batch = opts.batch ?? 200;
  let after = '';
  let meters = 0;
  const providers = await s.enabledIds();
  for (;;) {
    const ids = await s.store.meterIdsAfter(after, batch);
    if (ids.length === 0 || s.closed) break;
    after = ids[ids.length - 1]!;
    for (let i = 0; i < ids.length; i += concurrency) {
      await Promise.all(
        ids.slice(i, i + concurrency).map(async (meterId) => {
          const req: MeterLookupRequest = {
            id: globalThis.crypto.randomUUID(),
            time: s.now(),
            originator: REBROADCAST_ORIGINATOR,
            client: { id: 'SWITCH', name: 'PPU switch' },
            thirdPartyIdentifiers: [],
            meter: { meterId },
          };
          const answers = await Promise.all(
            providers.map(async (p) => {
              const r = await s.client(p)!.meterLookup(req);
              s.monitor.record(p, r.ms, isProviderError(r));
              return { providerId: p, answer: classifyLookupResult(r), at: s.now(), r };
            }),
          );
          const utilityIds = await Promise.all(answers.map((a) => (a.r.outcome === 'successful' ? utilityIdFor(s, a.r.body) : null)));
          const utilityId = utilityIds.find((x) => x) ?? null;
          await s.withMeter(meterId, async () => {
            const current = await s.store.getMeter(meterId);
            if (current) await s.store.saveMeter(keepPreferences(applyLookupAnswers(current, answers, { utilityId })), s.now());
          });
        }),
      );
      meters += Math.min(concurrency, ids.length - i);
    }
  }
  await s.store.setMeta('last_rebroadcast_at', s.now());
  return { meters };
}
