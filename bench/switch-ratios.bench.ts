/**
 * The switch against the floor of Node on this machine, in one run: the same load through a bare
 * proxy (bare-proxy.ts), through a switch on its embedded SQLite store, and through a switch on
 * PostgreSQL (one node, a scratch cluster with fsync on: test-support/postgres.ts). Each is a
 * process of its own with the ten simulated providers inside it (switch-node.child.ts), so proxy
 * and switch do the same hops — the node's server request, its client request to the provider, the
 * provider's server request — and differ only by the switch's own work. 100 clients run in a
 * worker thread here (switch-outside-world.ts). The processes are measured in turn, round
 * by round, so a slow moment of the shared machine falls on all of them.
 *
 * Targets, as ratios to the proxy measured in the same run (the machine's speed cancels out):
 *  - saturated throughput: SQLite lookups ≥ 0.6×, purchases ≥ 0.5× (durable: a purchase's row and
 *    its provider are on disk before the request goes on); PostgreSQL lookups ≥ 0.5×, purchases ≥ 0.4×;
 *  - main-thread CPU per request over a counted run of saturated requests ≤ 2× the proxy's (the
 *    thread's own CPU time from /proc on Linux; the whole process's, process.cpuUsage, printed beside);
 *  - paced: p50 added to the provider's own answer ≤ 1 ms a lookup, ≤ 2 ms a purchase, printed
 *    beside the proxy's. The offered load is 500 req/s, or a third of the slowest path's saturated
 *    throughput in this run where that is less: a latency figure taken beyond a path's capacity
 *    would measure its queue, not the time it adds.
 * p99 is printed beside each figure, with no target: on this machine a proxy that does nothing has a
 * p99 of several ms under this load (the load generator's GC, loopback wake-ups, the other thread).
 * A path that cannot run (PostgreSQL not installed) fails its rows, saying how to install it.
 *
 * Beside the SQLite switch, the same switch as of a baseline commit (PPU_BENCH_BASELINE): its tree
 * checked out in a temp worktree (baseline-tree.ts) and run by this tree's node child, with this
 * tree's providers, in the saturated and CPU rounds. Targets, current / baseline: saturated
 * throughput ≥ 0.9×, main-thread CPU per request ≤ 1.1× (no more than 10% slower), each the median
 * of the rounds' ratios: the two sides of a round ran back to back, under the same load. On SQLite only:
 * the switch's own work is what changed, and it shows on either store. A baseline that cannot be
 * checked out or started fails its rows, saying what to do.
 *
 * For work on one path, a part of the run (the default, with neither set, is the whole run; a part
 * left out is neither measured nor checked): PPU_BENCH_PATHS=proxy,sqlite (of proxy, sqlite,
 * baseline, postgres; the proxy always runs, every ratio is to it) and PPU_BENCH_OPS=lookup (of
 * lookup, purchase) and PPU_BENCH_PARTS=saturated,cpu (of saturated, cpu, paced; paced without
 * saturated offers 500 req/s). `PPU_BENCH_PATHS=sqlite PPU_BENCH_OPS=lookup npx tsx bench/run-all.ts switch-ratios`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { DEMO_METERS } from '../switch-core/providers';
import { createTestDatabase, findPostgresBinaries, startScratchPostgres } from '../test-support/postgres';
import { checkOutBaseline } from './baseline-tree';
import { startBenchChild } from './child-process';
import { stopOnInterrupt } from './interrupt';
import type { BenchNode, NodeCpu, NodeReady } from './switch-node.child';
import { startOutsideWorld, type Run } from './switch-outside-world';
import { atLeast, atMost, missing, type TargetCheck } from './targets';

const CONCURRENCY = 100;
/**
 * Saturated runs per path and operation, interleaved, in reverse order every other round (no path
 * always follows the same one); the best is the figure. Three: with two, the switch's saturated
 * lookups measured 0.73× its baseline's in one run and 0.96× in the next (the same CPU per request
 * in both), on a machine shared with other work.
 */
const SATURATED_RUNS = 3;
const SATURATED_MS = 2_500;
/** Requests counted for the CPU figure, in CPU_ROUNDS interleaved rounds (reversed every other one). */
const CPU_COUNT = 2_000;
const CPU_ROUNDS = 3;
/** Paced rounds per path and operation; the median round is the figure. */
const ROUNDS = 3;
const ALL_OPS = ['lookup', 'purchase'] as const;
type Op = (typeof ALL_OPS)[number];
/** A comma-separated env filter: null (everything) when unset. */
const only = (name: string) => (process.env[name] ? new Set(process.env[name].split(',').map((x) => x.trim())) : null);
const OPS = ALL_OPS.filter((op) => only('PPU_BENCH_OPS')?.has(op) ?? true);
const PARTS = only('PPU_BENCH_PARTS');
const part = (name: 'saturated' | 'cpu' | 'paced') => PARTS?.has(name) ?? true;
const wanted = (path: string) => path === 'proxy' || (only('PPU_BENCH_PATHS')?.has(path) ?? true);
/**
 * The commit the SQLite switch is measured against: 57842d0 is issue 21's baseline (main before the
 * work that made issue 21's change), which that change must not be more than 10% slower than.
 */
const BASELINE = process.env.PPU_BENCH_BASELINE ?? '57842d0';
/** Current / baseline: saturated throughput at least, main-thread CPU per request at most. */
const AGAINST_BASELINE = { throughput: 0.9, cpu: 1.1 };

const root = resolve(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'switch-ratios-'));

interface Node extends NodeReady {
  cpu(): Promise<NodeCpu>;
  stop(): Promise<void>;
}

async function startNode(name: string, node: BenchNode): Promise<Node> {
  const description = join(scratch, `${name}.json`);
  writeFileSync(description, JSON.stringify(node));
  // PPU_BENCH_CPU_PROF=dir: each process writes its threads' CPU profiles into dir/<name> when it stops
  // (the largest is the main thread's; bench/profile-top.ts reads it).
  const profile = process.env.PPU_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.PPU_BENCH_CPU_PROF, name)}`] : [];
  const { ready, child, stop } = await startBenchChild<NodeReady>(name, 'bench/switch-node.child.ts', { PPU_BENCH_NODE: description }, profile);
  const cpu = () =>
    new Promise<NodeCpu>((ok) => {
      child.once('message', (m) => ok(m as NodeCpu));
      child.send('cpu');
    });
  return { ...ready, cpu, stop };
}

interface Path {
  name: string;
  label: string;
  node: Node;
  /** Saturated throughput targets (× the proxy's), or null for the proxy and the baseline. */
  targets: Record<Op, number> | null;
  /** The SQLite switch as of BASELINE: in the saturated and CPU rounds only, the current one's yardstick. */
  baseline?: true;
}

/** The SQLite switch as of BASELINE in a node of its own, or why it cannot run; its worktree goes when it stops. */
async function startBaselineNode(): Promise<Node | { missing: string }> {
  const tree = checkOutBaseline(root, BASELINE, join(scratch, `tree-${BASELINE}`));
  if ('missing' in tree) return tree;
  const unregister = stopOnInterrupt(async () => tree.remove());
  const done = () => {
    tree.remove();
    unregister();
  };
  try {
    const node = await startNode('baseline', { kind: 'switch', store: { dataDir: join(scratch, 'sqlite-baseline') }, nodeId: 'baseline', tree: tree.dir });
    return { ...node, stop: () => node.stop().finally(done) };
  } catch (e) {
    done();
    const why = e instanceof Error ? e.message : String(e);
    return { missing: `the switch as of ${BASELINE} did not start (${why}; its error is above): a baseline whose switch-core/index.ts differs needs an adapter in bench/switch-node.child.ts` };
  }
}

/** What the PostgreSQL node's database holds after the run: its size per transaction, traces and indexes included (for the capacity sums in docs/switch.md). */
async function databaseGrowth(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string; transactions: string; traces: string }>(
      'SELECT pg_database_size(current_database()) AS bytes, (SELECT count(*) FROM transactions) AS transactions, (SELECT count(*) FROM traces) AS traces',
    );
    const r = rows[0]!;
    return `${(Number(r.bytes) / 1e6).toFixed(1)} MB for ${r.transactions} transactions and ${r.traces} traces: ${(Number(r.bytes) / Number(r.transactions) / 1024).toFixed(1)} KB a transaction, an empty database's 8 MB included`;
  } finally {
    await client.end();
  }
}

const f = (x: number, w = 7) => x.toFixed(2).padStart(w);
const ratio = (x: number) => `${x.toFixed(2)}×`;
/** Round i's order of the paths: reversed every other round, so no path always follows the same one. */
const inRound = (paths: Path[], i: number) => (i % 2 ? [...paths].reverse() : paths);
/** Round by round, a figure of one side over the other's (the two ran back to back); the median is the figure. */
function medianRatio(side: number[], other: number[]): { median: number; all: string } {
  const each = side.map((x, i) => x / other[i]!);
  return { median: [...each].sort((a, b) => a - b)[Math.floor(each.length / 2)]!, all: each.map((x) => x.toFixed(2)).join(', ') };
}

export default async function (): Promise<TargetCheck[]> {
  const checks: TargetCheck[] = [];
  // An interrupted run takes its scratch files (node stores, the baseline's worktree) away too.
  const unregisterScratch = stopOnInterrupt(async () => rmSync(scratch, { recursive: true, force: true }));
  const binaries = findPostgresBinaries();
  const cluster = wanted('postgres') && 'binDir' in binaries ? await startScratchPostgres() : null;
  const unregisterPg = cluster ? stopOnInterrupt(() => cluster.stop()) : () => undefined;
  const gen = await startOutsideWorld();
  const paths: Path[] = [];
  try {
    const pgDatabase = cluster ? (await createTestDatabase(cluster.url)).url : null;
    const [proxy, sqlite, atBaseline, onPg] = await Promise.all([
      startNode('proxy', { kind: 'proxy' }),
      wanted('sqlite') ? startNode('sqlite', { kind: 'switch', store: { dataDir: join(scratch, 'sqlite') }, nodeId: 'sqlite' }) : null,
      wanted('baseline') && wanted('sqlite') ? startBaselineNode() : null,
      pgDatabase ? startNode('postgres', { kind: 'switch', store: { url: pgDatabase }, nodeId: 'pg1' }) : null,
    ]);
    paths.push({ name: 'proxy', label: 'bare proxy', node: proxy, targets: null });
    if (sqlite) paths.push({ name: 'sqlite', label: 'switch, SQLite', node: sqlite, targets: { lookup: 0.6, purchase: 0.5 } });
    const baselineLabel = `switch, SQLite @ ${BASELINE}`;
    const againstBaseline = (what: string) => `switch, SQLite / ${baselineLabel}: ${what}`;
    if (atBaseline && 'missing' in atBaseline) {
      console.log(`-- ${baselineLabel}: NOT RUN — ${atBaseline.missing}`);
      for (const op of OPS) {
        checks.push(missing(againstBaseline(`saturated ${op}s`), atBaseline.missing), missing(againstBaseline(`main-thread CPU per ${op}`), atBaseline.missing));
      }
    } else if (atBaseline) paths.push({ name: 'baseline', label: baselineLabel, node: atBaseline, targets: null, baseline: true });
    if (onPg) paths.push({ name: 'postgres', label: 'switch, PostgreSQL 1 node', node: onPg, targets: { lookup: 0.5, purchase: 0.4 } });
    else if (wanted('postgres')) {
      const why = 'missing' in binaries ? binaries.missing : 'PostgreSQL did not start';
      console.log(`-- switch, PostgreSQL 1 node: NOT RUN — ${why}`);
      for (const op of OPS) checks.push(missing(`switch, PostgreSQL 1 node: ${op}s`, why));
    }
    const targets = Object.fromEntries(paths.map((p) => [p.name, [{ baseUrl: p.node.url, username: 'bench', password: 'bench' }]]));
    await gen.connect({ targets: { ...targets, direct: [proxy.direct] }, meter: DEMO_METERS.plain, concurrency: CONCURRENCY });
    // Warm every path (JIT, connections, the meter's cache).
    for (const p of paths) for (const op of OPS) await gen.run({ shape: 'saturated', target: p.name, op, ms: 800 });

    console.log(`-- ${CONCURRENCY} clients (a worker thread here); each path a process with the ten simulated providers inside it; meter ${DEMO_METERS.plain} → P04`);
    console.log(`-- saturated: each client sends its next request as soon as the last is answered; best of ${SATURATED_RUNS} interleaved ${SATURATED_MS / 1000} s runs, every other round in reverse order`);
    const best = new Map<string, Run>();
    const runs = new Map<string, number[]>();
    for (const op of part('saturated') ? OPS : []) {
      for (let i = 0; i < SATURATED_RUNS; i++) {
        for (const p of inRound(paths, i)) {
          const r = await gen.run({ shape: 'saturated', target: p.name, op, ms: SATURATED_MS });
          const key = `${p.name}/${op}`;
          runs.set(key, [...(runs.get(key) ?? []), r.rps]);
          if (!best.has(key) || best.get(key)!.rps < r.rps) best.set(key, r);
        }
      }
      const floor = best.get(`proxy/${op}`)!;
      for (const p of paths) {
        const r = best.get(`${p.name}/${op}`)!;
        const x = r.rps / floor.rps;
        let target = p.targets ? ` ${ratio(x)} the proxy (target ≥ ${p.targets[op]}×)` : '';
        if (p.baseline) {
          const y = medianRatio(runs.get(`sqlite/${op}`)!, runs.get(`baseline/${op}`)!);
          target = ` ${ratio(x)} the proxy; switch, SQLite ${ratio(y.median)} this (target ≥ ${AGAINST_BASELINE.throughput}×; rounds ${y.all})`;
          checks.push(atLeast(againstBaseline(`saturated ${op}s`), y.median, AGAINST_BASELINE.throughput, '×'));
        }
        console.log(`${op.padEnd(8)} ${p.label.padEnd(26)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${f(r.p50)} ms  p99 ${f(r.p99)} ms${target}${r.errors ? ` [${r.errors} errors]` : ''}`);
        if (p.targets) checks.push(atLeast(`${p.label}: saturated ${op}s / bare proxy`, x, p.targets[op], '×'));
        if (r.errors) checks.push({ name: `${p.label}: saturated ${op}s answered`, met: false, detail: `${r.errors} of ${r.n} failed` });
      }
    }

    console.log(
      `-- CPU per request over ${CPU_ROUNDS} interleaved rounds of ${CPU_COUNT.toLocaleString('en')} saturated requests: the main thread's, and the whole process's (its providers, libuv's pool, the checkpointer) beside it`,
    );
    for (const op of part('cpu') ? OPS : []) {
      const totals = new Map<string, { main: number; cpu: number; n: number }>();
      const mainPerRound = new Map<string, number[]>();
      for (let i = 0; i < CPU_ROUNDS; i++) {
        for (const p of inRound(paths, i)) {
          const before = await p.node.cpu();
          const r = await gen.run({ shape: 'saturated', target: p.name, op, ms: 60_000, count: CPU_COUNT });
          const after = await p.node.cpu();
          const t = totals.get(p.name) ?? { main: 0, cpu: 0, n: 0 };
          totals.set(p.name, { main: t.main + after.mainMicros - before.mainMicros, cpu: t.cpu + after.cpuMicros - before.cpuMicros, n: t.n + r.n });
          mainPerRound.set(p.name, [...(mainPerRound.get(p.name) ?? []), (after.mainMicros - before.mainMicros) / r.n]);
        }
      }
      const perRequest = new Map([...totals].map(([name, t]) => [name, { main: t.main / t.n / 1000, cpu: t.cpu / t.n / 1000 }]));
      const floor = perRequest.get('proxy')!;
      for (const p of paths) {
        const c = perRequest.get(p.name)!;
        const x = c.main / floor.main;
        let target = p.targets ? ` ${ratio(x)} the proxy (target ≤ 2×); process ${ratio(c.cpu / floor.cpu)}` : '';
        if (p.baseline) {
          const y = medianRatio(mainPerRound.get('sqlite')!, mainPerRound.get('baseline')!);
          target = ` ${ratio(x)} the proxy; switch, SQLite ${ratio(y.median)} this (target ≤ ${AGAINST_BASELINE.cpu}×; rounds ${y.all}); process ${ratio(perRequest.get('sqlite')!.cpu / c.cpu)}`;
          checks.push(atMost(againstBaseline(`main-thread CPU per ${op}`), y.median, AGAINST_BASELINE.cpu, '×'));
        }
        console.log(`${op.padEnd(8)} ${p.label.padEnd(26)} main thread ${f(c.main, 5)} ms/request  process ${f(c.cpu, 5)} ms/request${target}`);
        if (p.targets) checks.push(atMost(`${p.label}: main-thread CPU per ${op} / bare proxy`, x, 2, '×'));
      }
    }

    const paced = paths.filter((p) => !p.baseline);
    console.log(`-- paced: p50 added to the provider's own answer (clients straight to P04); ${ROUNDS} interleaved rounds per path (path, then straight), the median round's p50 difference is the figure`);
    for (const op of part('paced') ? OPS : []) {
      const limit = op === 'lookup' ? 1 : 2;
      const offered = Math.min(500, Math.min(...paced.map((p) => best.get(`${p.name}/${op}`)?.rps ?? 1500)) / 3);
      const everyMs = Math.round((CONCURRENCY * 1000) / offered);
      console.log(`   ${op}s: each client every ${everyMs} ms (${offered.toFixed(0)} req/s offered)`);
      for (const p of paced) {
        const { via, base, overhead, all } = await gen.medianPacedRound(op, ROUNDS, p.name, 'direct', everyMs);
        const target = p.targets ? ` (target ≤ ${limit} ms)` : '';
        console.log(
          `${op.padEnd(8)} ${p.label.padEnd(26)} p50 ${f(via.p50)} p99 ${f(via.p99)} ms | straight p50 ${f(base.p50)} p99 ${f(base.p99)} ms | ` +
            `added p50 ${f(overhead)} ms${target} rounds ${all}${via.errors ? ` [${via.errors} errors]` : ''}`,
        );
        if (p.targets) checks.push(atMost(`${p.label}: paced ${op} p50 added`, overhead, limit, 'ms'));
      }
    }
    if (pgDatabase) console.log(`-- the PostgreSQL node's database after the run: ${await databaseGrowth(pgDatabase)}`);
  } finally {
    await Promise.all(paths.map((p) => p.node.stop()));
    await gen.close();
    await cluster?.stop();
    unregisterPg();
    rmSync(scratch, { recursive: true, force: true });
    unregisterScratch();
  }
  return checks;
}
