/**
 * The switch bench's load generator, in a worker thread: 100 clients' requests, their timing and
 * the percentile maths run on their own event loop, so the latencies measured through the switch
 * and straight to the provider are not queued behind the generator's own work in one loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PpuClient, type PpuResult } from '../switch-core/protocol';
import { lookupRequest, purchaseRequest } from '../switch-core/protocol/test/fixtures';

export interface Endpoint {
  baseUrl: string;
  username: string;
  password: string;
}
export interface LoadSetup {
  switch: Endpoint;
  direct: Endpoint;
  meter: string;
  concurrency: number;
}
export interface LoadCommand {
  seq: number;
  shape: 'saturated' | 'paced';
  target: 'switch' | 'direct';
  op: 'lookup' | 'purchase';
  ms: number;
  everyMs?: number;
}
export interface Run {
  rps: number;
  p50: number;
  p99: number;
  n: number;
  errors: number;
}

export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function summarise(lat: number[], errors: number, seconds: number): Run {
  lat.sort((a, b) => a - b);
  return { rps: lat.length / seconds, p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length, errors };
}

/** Each client sends its next request as soon as the last is answered (closed loop: throughput). */
async function saturated(send: () => Promise<PpuResult<unknown>>, clients: number, ms: number): Promise<Run> {
  const lat: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        const r = await send();
        lat.push(performance.now() - s);
        if (r.outcome !== 'successful') errors++;
      }
    }),
  );
  return summarise(lat, errors, (performance.now() - t0) / 1000);
}

/** Each client sends one request every `everyMs` (open loop: the latency added, not saturation). */
async function paced(send: () => Promise<PpuResult<unknown>>, clients: number, everyMs: number, ms: number): Promise<Run> {
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
        const r = await send();
        lat.push(performance.now() - s);
        if (r.outcome !== 'successful') errors++;
        next += everyMs;
      }
    }),
  );
  return summarise(lat, errors, (performance.now() - t0) / 1000);
}

if (parentPort) {
  const setup = workerData as LoadSetup;
  const port = parentPort;
  const clients = {
    switch: new PpuClient({ ...setup.switch, connections: setup.concurrency }),
    direct: new PpuClient({ ...setup.direct, connections: setup.concurrency }),
  };
  port.on('message', async (cmd: LoadCommand | 'close') => {
    if (cmd === 'close') {
      await Promise.all([clients.switch.close(), clients.direct.close()]);
      port.close();
      return;
    }
    const c = clients[cmd.target];
    const send = cmd.op === 'lookup' ? () => c.meterLookup(lookupRequest(setup.meter)) : () => c.purchase(purchaseRequest(setup.meter, 2000));
    const run = cmd.shape === 'paced' ? await paced(send, setup.concurrency, cmd.everyMs ?? 200, cmd.ms) : await saturated(send, setup.concurrency, cmd.ms);
    port.postMessage({ seq: cmd.seq, run });
  });
}
