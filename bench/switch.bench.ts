/**
 * Switch benchmark, the parts that are not a ratio to the bare proxy (switch-ratios.bench.ts has
 * those): in one run, side by side,
 *  1. a broadcast lookup's wall time vs the same lookup sent to all ten providers in parallel by
 *     pooled keep-alive clients (created once and warmed, as the switch's own are), providers
 *     given 5–50 ms;
 *  2. meter prefix search over 1M meters vs raw SQLite running the store's statement, and that
 *     statement vs the bare indexed range query on the same table (SQLite's own best).
 * Targets, as ratios: broadcast wall p50 ≤ 1.2× the parallel pooled baseline's p50; prefix search
 * ≤ 1.5× raw SQLite running the same statement, and that statement ≤ 10× the bare key range query
 * (a lost index would be hundreds of times).
 * The ten simulated providers run in a worker thread (switch-load.worker.ts): the switch has the
 * main thread to itself, as it would in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PpuClient } from '../switch-core/protocol';
import { lookupRequest } from '../switch-core/protocol/test/fixtures';
import { startSwitch, openSqliteStore } from '../switch-core/index';
import { percentile } from '../switch-core/engine/health';
import { SQL } from '../switch-core/store/statements';
import { startOutsideWorld } from './switch-outside-world';
import { atMost, type TargetCheck } from './targets';

const f = (x: number) => x.toFixed(2).padStart(8);

export default async function (): Promise<TargetCheck[]> {
  const checks: TargetCheck[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'switch-bench-'));
  const gen = await startOutsideWorld();
  const { endpoints, seed } = gen.providers;
  const sw = await startSwitch({ dataDir: dir, port: 0, auth: { username: 'bench', password: 'bench' }, providers: endpoints, contractSeed: seed, broadcastTimeoutMs: 2_000 });
  const viaSwitch = new PpuClient({ baseUrl: sw.url, username: 'bench', password: 'bench' });
  try {
    // Broadcast: meters no provider knows, so the switch must hear from all ten before it answers.
    console.log('-- broadcast lookup of unknown meters to 10 providers with latencies 5..50 ms');
    await gen.setLatencies(Object.fromEntries(endpoints.map((p, i) => [p.descriptor.id, 5 + i * 5])));
    // Baseline: one pooled keep-alive client per provider, made once and warmed like the switch's.
    const pooled = endpoints.map((p) => new PpuClient({ baseUrl: p.baseUrl, username: p.username, password: p.password }));
    const parallel = () => Promise.all(pooled.map((c, k) => c.meterLookup(lookupRequest(`98${String(100000000 + k)}`))));
    for (let i = 0; i < 3; i++) await parallel();
    const walls: number[] = [];
    const baseline: number[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const unknown = `99${String(100000000 + i)}`;
        const s = performance.now();
        await viaSwitch.meterLookup(lookupRequest(unknown));
        walls.push(performance.now() - s);
        const b = performance.now();
        await Promise.all(pooled.map((c) => c.meterLookup(lookupRequest(unknown))));
        baseline.push(performance.now() - b);
      }
    } finally {
      await Promise.all(pooled.map((c) => c.close()));
    }
    walls.sort((a, b) => a - b);
    baseline.sort((a, b) => a - b);
    const sum = endpoints.reduce((acc, _p, i) => acc + 5 + i * 5, 0);
    const wallRatio = percentile(walls, 50) / percentile(baseline, 50);
    console.log(
      `broadcast wall p50 ${f(percentile(walls, 50))} ms p99 ${f(percentile(walls, 99))} ms | pooled clients in parallel p50 ${f(percentile(baseline, 50))} ms p99 ${f(percentile(baseline, 99))} ms | ` +
        `wall p50 ${wallRatio.toFixed(2)}× the pooled baseline's (target ≤ 1.2×) | sum of latencies would be ${sum} ms`,
    );
    checks.push(atMost('broadcast wall p50 / pooled parallel lookups p50', wallRatio, 1.2, '×'));
  } finally {
    await viaSwitch.close();
    await sw.close();
    await gen.close();
  }

  // Prefix search over 1M meters.
  const store = openSqliteStore(join(dir, 'million.db'));
  const t0 = performance.now();
  const N = 1_000_000;
  function* meters() {
    for (let i = 0; i < N; i++) yield { meterId: String(10_000_000_000 + i * 7919 % 90_000_000_000).padStart(11, '0'), utilityId: null };
  }
  await store.insertMeters(meters(), new Date().toISOString());
  const loaded = (performance.now() - t0) / 1000;
  const prefixes = Array.from({ length: 2_000 }, (_, i) => String(10 + ((i * 37) % 89)) + String(i % 1000).padStart(3, '0').slice(0, 1 + (i % 3)));
  // Each query takes microseconds, near performance.now()'s resolution: a figure is the mean over
  // all prefixes (the whole loop timed), best of three rounds each, interleaved.
  const timeRound = async (query: (prefix: string) => unknown) => {
    const s = performance.now();
    for (const p of prefixes) await query(p);
    return (performance.now() - s) / prefixes.length;
  };
  // Baselines: raw better-sqlite3 running the store's own statement (the same work: what the store
  // adds is its own cost), and the bare key range with no join (SQLite's best: a lost index or a scan
  // in the store's statement would show as hundreds of times this).
  const same = store.db.prepare<[string, string, number], { meter_id: string; name: string | null }>(SQL.searchMeters);
  const range = store.db.prepare<[string, string], { meter_id: string }>('SELECT meter_id FROM meters WHERE meter_id >= ? AND meter_id < ? ORDER BY meter_id LIMIT 20');
  let searchMs = Infinity;
  let sameMs = Infinity;
  let rangeMs = Infinity;
  for (let round = 0; round < 3; round++) {
    searchMs = Math.min(searchMs, await timeRound((p) => store.searchMeters(p, 20)));
    sameMs = Math.min(sameMs, await timeRound((p) => same.all(p, p + '\uffff', 20)));
    rangeMs = Math.min(rangeMs, await timeRound((p) => range.all(p, p + '\uffff')));
  }
  const µs = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(
    `-- meter prefix search over ${N.toLocaleString('en')} meters (loaded in ${loaded.toFixed(1)} s), mean of ${prefixes.length} prefixes, best of 3\n` +
      `prefix search ${µs(searchMs)} | raw SQLite, same statement ${µs(sameMs)}: ${(searchMs / sameMs).toFixed(2)}× (target ≤ 1.5×) | ` +
      `bare key range, no join ${µs(rangeMs)}: the statement ${(sameMs / rangeMs).toFixed(2)}× it (target ≤ 10×)`,
  );
  checks.push(atMost('meter prefix search / raw SQLite running the same statement (mean)', searchMs / sameMs, 1.5, '×'));
  checks.push(atMost("the search's statement / the bare key range query (mean; a scan would be hundreds of times)", sameMs / rangeMs, 10, '×'));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return checks;
}
