/**
 * The switch's background work besides the advice queue: health samples every 10 s and the
 * periodic re-broadcast of the contract table. With several nodes on one database these run on
 * one node only — the leader, holding the store's lock (tryLead) — and another node takes them over
 * within one leadership check after the leader dies. Provider-health alerts follow the same leader.
 */
import type { SwitchEngine } from './engine/switch-engine';
import type { SwitchStore } from './store';

export interface BackgroundJobOptions {
  rebroadcastIntervalMs: number;
  /** How often leadership is checked (taken over at most this long after a leader dies). */
  leadershipCheckMs?: number;
  healthSampleMs?: number;
}

export interface BackgroundJobs {
  /** Whether this node runs the jobs for all, as of the last check. */
  leading(): boolean;
  stop(): void;
}

export async function startBackgroundJobs(engine: SwitchEngine, store: SwitchStore, opts: BackgroundJobOptions): Promise<BackgroundJobs> {
  let leading = false;
  let stopped = false;
  const checkLeadership = async () => {
    try {
      leading = !stopped && (await store.tryLead());
    } catch {
      leading = false; // the database is unreachable: nothing runs for all until it answers again
    }
    engine.setLeading(leading);
  };
  await checkLeadership();
  if (leading && (await store.getMeta('last_rebroadcast_at')) === null) await store.setMeta('last_rebroadcast_at', new Date().toISOString());

  const leaderTimer = setInterval(() => void checkLeadership(), opts.leadershipCheckMs ?? 2_000);
  const healthTimer = setInterval(() => {
    if (leading) engine.track(store.insertHealthSamples(engine.monitor.sample(engine.providerIds())));
  }, opts.healthSampleMs ?? 10_000);
  let rebroadcasting = false;
  // setTimeout cannot wait 30 days (2^31 ms cap), so check regularly whether the period has passed.
  const rebroadcastTimer = setInterval(
    () => {
      if (!leading || rebroadcasting) return;
      rebroadcasting = true;
      const run = (async () => {
        const last = Date.parse((await store.getMeta('last_rebroadcast_at')) ?? new Date().toISOString());
        if (Date.now() - last >= opts.rebroadcastIntervalMs) await engine.rebroadcastAll();
      })().finally(() => (rebroadcasting = false));
      engine.track(run);
    },
    Math.max(50, Math.min(opts.rebroadcastIntervalMs / 4, 3_600_000)),
  );
  for (const t of [leaderTimer, healthTimer, rebroadcastTimer]) t.unref();
  return {
    leading: () => leading,
    stop() {
      stopped = true;
      for (const t of [leaderTimer, healthTimer, rebroadcastTimer]) clearInterval(t);
    },
  };
}
