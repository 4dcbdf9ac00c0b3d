/**
 * The switch bench's outside world, in a worker thread: the ten simulated providers and the 100
 * clients (their requests, timing and percentile maths). The switch has the main thread to
 * itself, as in production where providers are other companies' servers: nothing the providers
 * or the clients do (their CPU, their garbage) queues in the switch's event loop. Both paths
 * measured cross the same loopback TCP; only the switch path also crosses the switch.
 */
import { parentPort } from 'node:worker_threads';
import { percentile } from '../switch-core/engine/health';
import { PpuClient, type PpuResult } from '../switch-core/protocol';
import { lookupRequest, purchaseRequest } from '../switch-core/protocol/test/fixtures';
import { startSimulatedProviders } from '../switch-core/providers';
import type { ProfileSeed, ProviderEndpoint } from '../switch-core/providers/types';

export interface Endpoint {
  baseUrl: string;
  username: string;
  password: string;
}
export interface LoadSetup {
  /**
   * Where each named path leads (a switch, the bare proxy, a provider straight): client i of a path
   * talks to its endpoint i mod n (a load balancer's round robin over several nodes).
   */
  targets: Record<string, Endpoint[]>;
  meter: string;
  concurrency: number;
}
/** The worker's first message: where its simulated providers listen, and their contract seed. */
export interface ProvidersReady {
  endpoints: ProviderEndpoint[];
  seed: ProfileSeed;
}
/** Messages to the worker, each answered with `{ seq, run? }`. */
export type WorkerCommand =
  | { seq: number; kind: 'connect'; setup: LoadSetup }
  | { seq: number; kind: 'latencies'; latencyMs: Record<string, number> }
  | ({ seq: number; kind: 'run' } & LoadCommand)
  | { seq: number; kind: 'close' };
export interface LoadCommand {
  shape: 'saturated' | 'paced';
  /** A path named in LoadSetup.targets. */
  target: string;
  op: 'lookup' | 'purchase';
  ms: number;
  everyMs?: number;
  /** Saturated only: stop once this many requests are answered (or at `ms`, whichever comes first). */
  count?: number;
}
export interface Run {
  rps: number;
  p50: number;
  p99: number;
  n: number;
  errors: number;
}

function summarise(lat: number[], errors: number, seconds: number): Run {
  lat.sort((a, b) => a - b);
  return { rps: lat.length / seconds, p50: percentile(lat, 50), p99: percentile(lat, 99), n: lat.length, errors };
}

/** Client i's next request. */
type Send = (client: number) => Promise<PpuResult<unknown>>;

/** Each client sends its next request as soon as the last is answered (closed loop: throughput). */
async function saturated(send: Send, clients: number, ms: number, count = Infinity): Promise<Run> {
  const lat: number[] = [];
  let errors = 0;
  let sent = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: clients }, async (_x, i) => {
      while (performance.now() < end && sent++ < count) {
        const s = performance.now();
        const r = await send(i);
        lat.push(performance.now() - s);
        if (r.outcome !== 'successful') errors++;
      }
    }),
  );
  return summarise(lat, errors, (performance.now() - t0) / 1000);
}

/** Each client sends one request every `everyMs` (open loop: the latency added, not saturation). */
async function paced(send: Send, clients: number, everyMs: number, ms: number): Promise<Run> {
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: clients }, async (_x, i) => {
      let next = t0 + (i * everyMs) / clients;
      while (next < end) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const s = performance.now();
        const r = await send(i);
        lat.push(performance.now() - s);
        if (r.outcome !== 'successful') errors++;
        next += everyMs;
      }
    }),
  );
  return summarise(lat, errors, (performance.now() - t0) / 1000);
}

if (parentPort) {
  const port = parentPort;
  const sims = await startSimulatedProviders({ profile: 'demo', behaviours: { P09: { latencyMs: 0 } } });
  const ready: ProvidersReady = {
    endpoints: sims.providers.map((p) => ({ descriptor: p.descriptor, baseUrl: p.baseUrl, username: p.username, password: p.password })),
    seed: sims.seed,
  };
  port.postMessage(ready);
  let load: { setup: LoadSetup; clients: Map<string, PpuClient[]> } | null = null;
  const closeLoad = async () => {
    if (load) await Promise.all([...load.clients.values()].flat().map((c) => c.close()));
    load = null;
  };
  port.on('message', async (cmd: WorkerCommand) => {
    if (cmd.kind === 'connect') {
      await closeLoad();
      const clients = new Map(
        Object.entries(cmd.setup.targets).map(([name, endpoints]) => {
          const perNode = Math.ceil(cmd.setup.concurrency / endpoints.length);
          return [name, endpoints.map((e) => new PpuClient({ ...e, connections: perNode }))] as const;
        }),
      );
      load = { setup: cmd.setup, clients };
      port.postMessage({ seq: cmd.seq });
    } else if (cmd.kind === 'latencies') {
      for (const [id, latencyMs] of Object.entries(cmd.latencyMs)) sims.get(id).setBehaviour({ latencyMs });
      port.postMessage({ seq: cmd.seq });
    } else if (cmd.kind === 'close') {
      await closeLoad();
      await sims.close();
      port.close();
    } else {
      if (!load) throw new Error('connect first');
      const { setup } = load;
      const clients = load.clients.get(cmd.target);
      if (!clients) throw new Error(`no path named ${cmd.target}`);
      const c = (i: number) => clients[i % clients.length]!;
      const send: Send = cmd.op === 'lookup' ? (i) => c(i).meterLookup(lookupRequest(setup.meter)) : (i) => c(i).purchase(purchaseRequest(setup.meter, 2000));
      const run = cmd.shape === 'paced' ? await paced(send, setup.concurrency, cmd.everyMs ?? 200, cmd.ms) : await saturated(send, setup.concurrency, cmd.ms, cmd.count);
      port.postMessage({ seq: cmd.seq, run });
    }
  });
}
