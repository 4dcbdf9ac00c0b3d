/** Shared by the simulated providers' HTTP tests: a PpuClient per provider (closed by the caller) and success unwrapping. */
import { PpuClient, type PpuResult } from '../../protocol';
import type { SimulatedProvider } from '../types';

export function clientPool(): { clientFor(p: SimulatedProvider, timeoutMs?: number): PpuClient; closeAll(): Promise<void> } {
  const clients: PpuClient[] = [];
  return {
    clientFor(p, timeoutMs = 5_000) {
      const c = new PpuClient({ baseUrl: p.baseUrl, username: p.username, password: p.password, timeoutMs });
      clients.push(c);
      return c;
    },
    async closeAll() {
      await Promise.all(clients.map((c) => c.close()));
    },
  };
}

export function ok<T>(r: PpuResult<T>): T {
  if (r.outcome !== 'successful') throw new Error(`expected success, got ${JSON.stringify(r)}`);
  return r.body;
}
