/**
 * The switch benches' outside world: the ten simulated providers and the clients run in a worker
 * thread (switch-load.worker.ts), so the switch under test has its own thread or process to itself,
 * as in production where providers are other companies' servers.
 */
import { Worker } from 'node:worker_threads';
import type { LoadCommand, LoadSetup, ProvidersReady, Run, WorkerCommand } from './switch-load.worker';

export type { Run } from './switch-load.worker';

/** A message to the worker before its sequence number is added (Omit taken over each member of the union). */
type Command<C = WorkerCommand> = C extends { seq: number } ? Omit<C, 'seq'> : never;

/** Starts the outside world (providers + clients) in a worker thread; resolves once its providers listen. */
export async function startOutsideWorld() {
  // The worker is TypeScript too: it registers tsx first, as scripts/bin/*.js do.
  const entry = new URL('./switch-load.worker.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
  const providers = await new Promise<ProvidersReady>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  let seq = 0;
  const waiting = new Map<number, { resolve: (r: Run | undefined) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: { seq: number; run?: Run }) => {
    waiting.get(m.seq)?.resolve(m.run);
    waiting.delete(m.seq);
  });
  worker.on('error', (e) => {
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  });
  const send = (cmd: Command): Promise<Run | undefined> => {
    const id = ++seq;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.postMessage({ ...cmd, seq: id });
    });
  };
  const run = async (cmd: LoadCommand): Promise<Run> => {
    const r = await send({ kind: 'run', ...cmd });
    if (!r) throw new Error('the load worker sent no figures');
    return r;
  };
  return {
    providers,
    connect: (setup: LoadSetup) => send({ kind: 'connect', setup }),
    setLatencies: (latencyMs: Record<string, number>) => send({ kind: 'latencies', latencyMs }),
    run,
    /**
     * `rounds` interleaved paced rounds (each client every 200 ms for 2 s), through `target` then
     * through `baseline`; the round with the median p50 difference is the figure, so one stall of the
     * shared machine lands in one round, not in the result. `all`: every round's difference.
     */
    async medianPacedRound(op: LoadCommand['op'], rounds: number, target: string, baseline: string): Promise<{ via: Run; base: Run; overhead: number; all: string }> {
      const pairs: [Run, Run][] = [];
      for (let i = 0; i < rounds; i++) {
        pairs.push([await run({ shape: 'paced', target, op, everyMs: 200, ms: 2_000 }), await run({ shape: 'paced', target: baseline, op, everyMs: 200, ms: 2_000 })]);
      }
      const overhead = ([via, base]: [Run, Run]) => via.p50 - base.p50;
      const all = pairs.map((p) => overhead(p).toFixed(2)).join(', ');
      pairs.sort((a, b) => overhead(a) - overhead(b));
      const [via, base] = pairs[Math.floor(rounds / 2)]!;
      return { via, base, overhead: overhead([via, base]), all };
    },
    async close(): Promise<void> {
      worker.postMessage({ kind: 'close', seq: 0 });
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

