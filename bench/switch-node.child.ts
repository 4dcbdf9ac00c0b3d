/**
 * One process of the switch benches, as in production: a switch node, or the benches' floor (a bare
 * proxy, bare-proxy.ts), each with the ten simulated providers in the same process — the shape the
 * issue's figures were taken in: two server requests (the node's and the provider's) and one client
 * request per sale. Started from a JSON description in the file PPU_BENCH_NODE names, it prints
 * `ready {…}` (its URL, and where its provider P04 answers for the direct baseline) once it serves;
 * over the IPC channel it answers 'cpu' with its main thread's CPU time, its process.cpuUsage() and main-thread busy time; it
 * stops on SIGTERM or when the bench that started it is gone. A switch description may name another
 * tree's switch-core (a baseline commit's worktree, baseline-tree.ts): that switch then runs with
 * this tree's providers, so the two differ only by the switch's code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { startSimulatedProviders } from '../switch-core/providers';
import { startBareProxy, type Upstream } from './bare-proxy';

export type BenchNode =
  | { kind: 'proxy' }
  | {
      kind: 'switch';
      store: { url: string } | { dataDir: string };
      nodeId: string;
      /** The top directory of the tree whose switch-core runs; this one's when absent. */
      tree?: string;
    };
/** What the node prints after `ready `. */
export interface NodeReady {
  url: string;
  /** The provider the bench's meter is routed to, in this process: the direct baseline. */
  direct: Upstream;
}
/** Its answer to 'cpu', in µs since it started: CPU of its main thread, of the whole process, and the main thread's busy (not idle) time. */
export interface NodeCpu {
  mainMicros: number;
  cpuMicros: number;
  busyMicros: number;
}

/**
 * The main thread's own CPU time: its line in /proc (utime + stime, in clock ticks of 10 ms) on
 * Linux, where Node 20 has no per-thread figure; process.cpuUsage() elsewhere (every thread).
 */
function mainThreadMicros(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    const cpu = process.cpuUsage();
    return cpu.user + cpu.system;
  }
}

/** The provider the benches' meter (DEMO_METERS.plain, City of Cape Town) is routed to first. */
const ROUTED = 'P04';

const file = process.env.PPU_BENCH_NODE;
if (!file) throw new Error('PPU_BENCH_NODE (the node description file) is not set');
const node = JSON.parse(readFileSync(file, 'utf8')) as BenchNode;
const sims = await startSimulatedProviders({ profile: 'demo', behaviours: { P09: { latencyMs: 0 } } });
const routed = sims.get(ROUTED);
const direct: Upstream = { baseUrl: routed.baseUrl, username: routed.username, password: routed.password };
/**
 * Typed as this tree's: another tree's startSwitch is trusted to take the options below the same
 * way (57842d0's SwitchOptions, the switch bench's baseline, has each of them as they are now).
 */
const switchCore = (tree: string | undefined) =>
  (tree ? import(pathToFileURL(join(tree, 'switch-core/index.ts')).href) : import('../switch-core/index')) as Promise<typeof import('../switch-core/index')>;
const started =
  node.kind === 'proxy'
    ? await startBareProxy(direct)
    : await (await switchCore(node.tree)).startSwitch({
        ...('url' in node.store ? { storeUrl: node.store.url } : { dataDir: node.store.dataDir }),
        nodeId: node.nodeId,
        port: 0,
        auth: { username: 'bench', password: 'bench' },
        providers: sims.providers.map((p) => ({ descriptor: p.descriptor, baseUrl: p.baseUrl, username: p.username, password: p.password })),
        contractSeed: sims.seed,
        broadcastTimeoutMs: 2_000,
      });
console.log(`ready ${JSON.stringify({ url: started.url, direct } satisfies NodeReady)}`);
process.on('message', (m) => {
  if (m !== 'cpu') return;
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  process.send?.({ mainMicros: mainThreadMicros(), cpuMicros: cpu.user + cpu.system, busyMicros: elu.active * 1000 } satisfies NodeCpu);
});
const stop = () => void Promise.all([started.close(), sims.close()]).then(() => process.exit(0));
process.on('SIGTERM', stop);
// The bench holds our stdin open: it closing means the bench is gone (killed, even with SIGKILL).
process.stdin.on('end', stop);
process.stdin.resume();
