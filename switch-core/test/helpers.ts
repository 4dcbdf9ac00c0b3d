/** Test helpers: a PPU client and an admin client against a running switch over real HTTP. */
import { PpuClient } from '../protocol';
import type { RunningSwitch } from '../index';

export function tillClient(sw: RunningSwitch, password = sw.password): PpuClient {
  return new PpuClient({ baseUrl: sw.url, username: sw.username, password, timeoutMs: 20_000 });
}

export function admin(sw: RunningSwitch) {
  const auth = 'Basic ' + Buffer.from(`${sw.username}:${sw.password}`).toString('base64');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(sw.url + '/admin/v1' + path, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body?: unknown) => call<T>('POST', path, body ?? {}),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  };
}

export interface MeterDetail {
  meterId: string;
  utility: { id: string; name: string } | null;
  rebroadcastFlag: boolean;
  preferredProviderId: string | null;
  providers: { providerId: string; status: string; lastResponseAt: string | null }[];
}

export interface TxDetail {
  transaction: { id: string; type: string; providerId: string | null; status: string; references: string[] };
  traces: { direction: string; providerId: string | null; operation: string; status: number | null; responseBody?: unknown }[];
}

/** Polls until `check` returns a value (bounded: at most `tries` × `ms`). */
export async function until<T>(check: () => Promise<T | null | undefined | false>, tries = 100, ms = 50): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, ms));
  }
  throw new Error('condition not reached');
}

/** A small deterministic [0,1) generator so load-balancer choices are repeatable in tests. */
export function fixedRng(seed = 7): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
