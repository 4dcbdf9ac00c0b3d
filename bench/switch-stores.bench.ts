/**
 * The switch's stores side by side: the latency a switch adds with its embedded SQLite store, with
 * PostgreSQL on the same machine (one node), and with two nodes sharing that PostgreSQL behind a
 * round-robin of the clients — each node its own process, the providers and 100 clients in a
 * worker thread (switch-outside-world.ts), the same paced load and the same direct baseline (the
 * clients straight to the provider the switch routes to). Target (issue 13): lookup and purchase
 * p99 overhead ≤ 3 ms on PostgreSQL, one node and two. PostgreSQL is a scratch cluster with fsync
 * on (test-support/postgres.ts); without its binaries the PostgreSQL rows are skipped, said why.
 * The first row is the floor: the same load through a bare pass-through proxy (bare-proxy.ts) in a
 * process of its own, in the nodes' place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { DEMO_METERS } from '../switch-core/providers';
import { createTestDatabase, findPostgresBinaries, startScratchPostgres } from '../test-support/postgres';
import { stopOnInterrupt } from './interrupt';
import type { BenchNode, BenchProxy } from './switch-node.child';
import { startOutsideWorld } from './switch-outside-world';
import { atMost, type TargetCheck } from './targets';

const CONCURRENCY = 100;
const ROUNDS = 5;
const root = resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Node {
  url: string;
  stop(): Promise<void>;
}

const scratch = mkdtempSync(join(tmpdir(), 'switch-stores-'));

function startNode(node: BenchNode | BenchProxy): Promise<Node> {
  const description = join(scratch, `${'nodeId' in node ? node.nodeId : 'bare-proxy'}.json`);
  writeFileSync(description, JSON.stringify(node));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/switch-node.child.ts'], {
    cwd: root,
    env: { ...process.env, PPU_BENCH_NODE: description },
    // stdin stays open while this process lives: the node stops when it closes, even after a SIGKILL here.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const stop = () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))));
  const unregister = stopOnInterrupt(stop);
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening (\S+)/.exec(out);
      if (m?.[1]) ok({ url: m[1], stop: () => stop().finally(unregister) });
    });
    child.once('exit', (code) => fail(new Error(`switch node exited ${code} before listening: ${out}`)));
  });
}

const f = (x: number) => x.toFixed(2).padStart(7);

/** What the shared database holds: its size and its rows by kind (for the capacity sums in docs/switch.md). */
async function databaseFigures(url: string): Promise<{ bytes: number; lookups: number; purchases: number; traces: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string; lookups: string; purchases: string; traces: string }>(
      `SELECT pg_database_size(current_database()) AS bytes,
              (SELECT count(*) FROM transactions WHERE type = 'LOOKUP') AS lookups,
              (SELECT count(*) FROM transactions WHERE type = 'PURCHASE') AS purchases,
              (SELECT count(*) FROM traces) AS traces`,
    );
    const r = rows[0]!;
    return { bytes: Number(r.bytes), lookups: Number(r.lookups), purchases: Number(r.purchases), traces: Number(r.traces) };
  } finally {
    await client.end();
  }
}

export default async function (): Promise<TargetCheck[]> {
  const checks: TargetCheck[] = [];
  const gen = await startOutsideWorld();
  const { endpoints, seed } = gen.providers;
  const binaries = findPostgresBinaries();
  const pg = 'binDir' in binaries ? await startScratchPostgres() : null;
  const unregisterPg = pg ? stopOnInterrupt(() => pg.stop()) : () => undefined;
  if (!pg && 'missing' in binaries) console.log(`-- PostgreSQL rows skipped: ${binaries.missing}`);
  const onePgNode = pg ? (await createTestDatabase(pg.url)).url : null;
  const configs: { name: string; via?: string; target: number | null; database?: string; open(): Promise<Node[]> }[] = [
    {
      // The floor: what one HTTP hop in Node costs here before any switch work (bare-proxy.ts).
      name: 'bare proxy (floor)',
      via: 'proxy ',
      target: null,
      open: async () => [await startNode({ bareProxyTo: endpoints.find((e) => e.descriptor.id === 'P04')! })],
    },
    {
      name: 'SQLite, 1 node',
      target: null, // its ≤ 2 ms target is switch.bench.ts's, with the switch in the bench's own process
      open: async () => {
        return [await startNode({ store: { dataDir: join(scratch, 'sqlite') }, nodeId: 'sqlite', endpoints, seed })];
      },
    },
    ...(pg
      ? [
          {
            name: 'PostgreSQL, 1 node',
            target: 3,
            database: onePgNode!,
            open: async () => [await startNode({ store: { url: onePgNode! }, nodeId: 'pg1', endpoints, seed })],
          },
          {
            name: 'PostgreSQL, 2 nodes',
            target: 3,
            open: async () => {
              const url = (await createTestDatabase(pg.url)).url;
              const first = await startNode({ store: { url }, nodeId: 'pg2-a', endpoints, seed }); // seeds the contract table
              return [first, await startNode({ store: { url }, nodeId: 'pg2-b', endpoints, seed })];
            },
          },
        ]
      : []),
  ];
  console.log(`-- ${CONCURRENCY} clients, each sending every 200 ms (${CONCURRENCY * 5} req/s offered), zero-latency provider; each node its own process`);
  console.log(`   ${ROUNDS} interleaved 2 s rounds per row (switch, then direct); the median round's p99 overhead is the figure`);
  try {
    for (const config of configs) {
      const nodes = await config.open();
      const before = config.database ? await databaseFigures(config.database) : null;
      try {
        await gen.connect({
          switches: nodes.map((n) => ({ baseUrl: n.url, username: 'bench', password: 'bench' })),
          directProviderId: 'P04',
          meter: DEMO_METERS.plain,
          concurrency: CONCURRENCY,
        });
        for (const op of ['lookup', 'purchase'] as const) await gen.run({ shape: 'saturated', target: 'switch', op, ms: 1_000 });
        for (const op of ['lookup', 'purchase'] as const) {
          await gen.run({ shape: 'paced', target: 'switch', op, everyMs: 200, ms: 1_500 });
          const { sw, direct, overhead, all } = await gen.medianPacedRound(op, ROUNDS);
          const errors = sw.errors + direct.errors ? ` [errors: ${config.via ?? 'switch'} ${sw.errors}, direct ${direct.errors}]` : '';
          console.log(
            `${config.name.padEnd(20)} ${op.padEnd(8)} ${config.via ?? 'switch'} p50 ${f(sw.p50)} p99 ${f(sw.p99)} ms | direct p50 ${f(direct.p50)} p99 ${f(direct.p99)} ms | ` +
              `overhead p99 ${f(overhead)} ms${config.target === null ? '' : ` (target ≤ ${config.target})`} rounds ${all}${errors}`,
          );
          if (config.target !== null) checks.push(atMost(`${config.name}: ${op} p99 overhead`, overhead, config.target, 'ms'));
        }
        const sat = await gen.run({ shape: 'saturated', target: 'switch', op: 'purchase', ms: 2_500 });
        const satDirect = await gen.run({ shape: 'saturated', target: 'direct', op: 'purchase', ms: 2_500 });
        console.log(`${config.name.padEnd(20)} saturated purchases ${sat.rps.toFixed(0)}/s (p99 ${sat.p99.toFixed(1)} ms) | direct ${satDirect.rps.toFixed(0)}/s | ${(sat.rps / satDirect.rps).toFixed(2)}x`);
        if (config.database && before) {
          await sleep(200); // the last trace batch
          const after = await databaseFigures(config.database);
          const rows = after.lookups - before.lookups + after.purchases - before.purchases;
          console.log(
            `${config.name.padEnd(20)} database grew ${((after.bytes - before.bytes) / 1e6).toFixed(1)} MB for ${after.lookups - before.lookups} lookups + ${after.purchases - before.purchases} purchases ` +
              `(${after.traces - before.traces} traces): ${((after.bytes - before.bytes) / rows / 1024).toFixed(1)} KB per transaction with its traces, indexes included`,
          );
        }
      } finally {
        await Promise.all(nodes.map((n) => n.stop()));
      }
    }
  } finally {
    await gen.close();
    await pg?.stop();
    unregisterPg();
    rmSync(scratch, { recursive: true, force: true });
  }
  return checks;
}
