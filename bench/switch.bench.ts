/**
 * Switch benchmark. In one run, side by side:
 *  1. lookup and purchase throughput and p50/p99 through the switch vs straight to the same
 *     simulated provider (zero latency), 100 concurrent clients → the switch's overhead;
 *  2. a broadcast lookup's wall time vs the slowest provider asked (providers given 5–50 ms);
 *  3. meter prefix search p99 over 1M meters vs an unindexed LIKE scan of the same table.
 * Targets: overhead ≤ 2 ms p99; broadcast ≤ slowest + 10 ms; prefix search p99 ≤ 5 ms.
 * The 100 clients run in a worker thread (switch-load.worker.ts) so their own work does not queue
 * in the event loop the switch and the simulated providers share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PpuClient } from '../switch-core/protocol';
import { lookupRequest } from '../switch-core/protocol/test/fixtures';
import { DEMO_METERS, startSimulatedProviders } from '../switch-core/providers';
import { startSwitch, openStore } from '../switch-core/index';
import { pct, type LoadCommand, type LoadSetup, type Run } from './switch-load.worker';

const CONCURRENCY = 100;

/** Starts the load generator in a worker thread; `run` sends it one command and waits for the figures. */
function startLoadWorker(setup: LoadSetup) {
  // The worker is TypeScript too: it registers tsx first, as scripts/bin/*.js do.
  const entry = new URL('./switch-load.worker.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: setup });
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: Run) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { seq: number; run: Run }) => {
    waiting.get(m.seq)?.resolve(m.run);
    waiting.delete(m.seq);
  });
  worker.on('error', (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  return {
    run(cmd: Omit<LoadCommand, 'seq'>): Promise<Run> {
      const id = ++seq;
      return new Promise<Run>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ ...cmd, seq: id });
      });
    },
    async close(): Promise<void> {
      worker.postMessage('close');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

const f = (x: number) => x.toFixed(2).padStart(8);
function row(name: string, sw: Run, direct: Run): void {
  console.log(
    `${name.padEnd(9)} switch ${f(sw.rps)} req/s p50 ${f(sw.p50)} ms p99 ${f(sw.p99)} ms | direct ${f(direct.rps)} req/s p50 ${f(direct.p50)} ms p99 ${f(direct.p99)} ms | ` +
      `overhead p99 ${f(sw.p99 - direct.p99)} ms (target ≤ 2) ratio ${(sw.p99 / direct.p99).toFixed(2)}x, throughput ${(sw.rps / direct.rps).toFixed(2)}x` +
      (sw.errors + direct.errors ? ` [errors: switch ${sw.errors}, direct ${direct.errors}]` : ''),
  );
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switch-bench-'));
  const sims = await startSimulatedProviders({ profile: 'demo', behaviours: { P09: { latencyMs: 0 } } });
  const sw = await startSwitch({ dataDir: dir, port: 0, auth: { username: 'bench', password: 'bench' }, providers: sims.providers, contractSeed: sims.seed, broadcastTimeoutMs: 2_000 });
  const target = sims.get('P04'); // EasyPay: the ranked first provider for the Cape Town meter below
  const meter = DEMO_METERS.plain;
  const gen = startLoadWorker({
    switch: { baseUrl: sw.url, username: 'bench', password: 'bench' },
    direct: { baseUrl: target.baseUrl, username: target.username, password: target.password },
    meter,
    concurrency: CONCURRENCY,
  });
  const viaSwitch = new PpuClient({ baseUrl: sw.url, username: 'bench', password: 'bench' });
  try {
    // Warm up both paths (JIT, connections).
    for (const to of ['switch', 'direct'] as const) for (const op of ['lookup', 'purchase'] as const) await gen.run({ shape: 'saturated', target: to, op, ms: 600 });

    console.log(`-- ${CONCURRENCY} concurrent clients, zero-latency providers, meter ${meter} routed to ${target.descriptor.name}`);
    console.log('   (the load generator runs in a worker thread; switch and providers share the main thread; 2 cores for all)');
    console.log(`-- paced: each client sends every 200 ms (${CONCURRENCY * 5} req/s offered) — the latency the switch adds`);
    console.log('   3 interleaved rounds of 2 s each; the round with the median p99 overhead is shown (the machine is shared)');
    // Warm the paced path itself (JIT settles after a couple of seconds of this traffic shape).
    await gen.run({ shape: 'paced', target: 'switch', op: 'purchase', everyMs: 200, ms: 2_500 });
    await gen.run({ shape: 'paced', target: 'switch', op: 'lookup', everyMs: 200, ms: 1_500 });
    const median = async (op: 'lookup' | 'purchase'): Promise<[Run, Run]> => {
      const rounds: [Run, Run][] = [];
      for (let i = 0; i < 3; i++) {
        rounds.push([await gen.run({ shape: 'paced', target: 'switch', op, everyMs: 200, ms: 2_000 }), await gen.run({ shape: 'paced', target: 'direct', op, everyMs: 200, ms: 2_000 })]);
      }
      rounds.sort((a, b) => a[0].p99 - a[1].p99 - (b[0].p99 - b[1].p99));
      return rounds[1]!;
    };
    row('lookup', ...(await median('lookup')));
    row('purchase', ...(await median('purchase')));
    console.log('-- saturated: each client sends its next request as soon as the last is answered — throughput');
    for (const op of ['lookup', 'purchase'] as const) {
      const direct = await gen.run({ shape: 'saturated', target: 'direct', op, ms: 2_500 });
      row(op, await gen.run({ shape: 'saturated', target: 'switch', op, ms: 2_500 }), direct);
    }

    // Broadcast: meters no provider knows, so the switch must hear from all ten before it answers.
    console.log('-- broadcast lookup of unknown meters to 10 providers with latencies 5..50 ms');
    sims.providers.forEach((p, i) => p.setBehaviour({ latencyMs: 5 + i * 5 }));
    const walls: number[] = [];
    const slowest: number[] = [];
    for (let i = 0; i < 20; i++) {
      const unknown = `99${String(100000000 + i)}`;
      const s = performance.now();
      await viaSwitch.meterLookup(lookupRequest(unknown));
      walls.push(performance.now() - s);
      // Baseline: each provider asked directly for the same meter, the slowest answer.
      const times = await Promise.all(
        sims.providers.map(async (p) => {
          const c = new PpuClient({ baseUrl: p.baseUrl, username: p.username, password: p.password });
          const r = await c.meterLookup(lookupRequest(unknown));
          await c.close();
          return r.ms;
        }),
      );
      slowest.push(Math.max(...times));
    }
    walls.sort((a, b) => a - b);
    slowest.sort((a, b) => a - b);
    const sum = sims.providers.reduce((acc, _p, i) => acc + 5 + i * 5, 0);
    console.log(
      `broadcast wall p50 ${f(pct(walls, 50))} ms p99 ${f(pct(walls, 99))} ms | slowest provider p50 ${f(pct(slowest, 50))} ms p99 ${f(pct(slowest, 99))} ms | ` +
        `wall − slowest p50 ${f(pct(walls, 50) - pct(slowest, 50))} ms (target ≤ 10) | sum of latencies would be ${sum} ms`,
    );
  } finally {
    await gen.close();
    await viaSwitch.close();
    await sw.close();
    await sims.close();
  }

  // Prefix search over 1M meters.
  const store = openStore(join(dir, 'million.db'));
  const t0 = performance.now();
  const N = 1_000_000;
  function* meters() {
    for (let i = 0; i < N; i++) yield { meterId: String(10_000_000_000 + i * 7919 % 90_000_000_000).padStart(11, '0'), utilityId: null };
  }
  store.insertMeters(meters(), new Date().toISOString());
  const loaded = (performance.now() - t0) / 1000;
  const prefixes = Array.from({ length: 2_000 }, (_, i) => String(10 + ((i * 37) % 89)) + String(i % 1000).padStart(3, '0').slice(0, 1 + (i % 3)));
  const lat: number[] = [];
  for (const p of prefixes) {
    const s = performance.now();
    store.searchMeters(p, 20);
    lat.push(performance.now() - s);
  }
  lat.sort((a, b) => a - b);
  const scan = store.db.prepare<[string], { meter_id: string }>("SELECT meter_id FROM meters WHERE meter_id LIKE ? || '%' ORDER BY meter_id LIMIT 20");
  // LIKE is case-insensitive in SQLite, so it cannot use the primary key: a full scan per query.
  const scanLat: number[] = [];
  for (const p of prefixes.slice(0, 10)) {
    const s = performance.now();
    scan.all(p);
    scanLat.push(performance.now() - s);
  }
  scanLat.sort((a, b) => a - b);
  console.log(
    `-- meter prefix search over ${N.toLocaleString('en')} meters (loaded in ${loaded.toFixed(1)} s)\n` +
      `prefix search p50 ${f(pct(lat, 50))} ms p99 ${f(pct(lat, 99))} ms (target ≤ 5) | unindexed LIKE scan p50 ${f(pct(scanLat, 50))} ms | ratio ${(pct(scanLat, 50) / pct(lat, 50)).toFixed(0)}x faster`,
  );
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
