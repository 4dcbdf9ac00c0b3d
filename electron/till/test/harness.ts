/**
 * Test harness: a real PPU v3 server over HTTP on 127.0.0.1 and a till back end on a real SQLite file.
 * It uses the real switch (switch-core/index.ts startSwitch, certification profile) when that module
 * is present, else the simulated provider that serves the certification meters directly — also a
 * conformant PPU v3 server, which is all the till may assume.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ProviderBehaviour } from '../../../switch-core/providers';
import { createTransport, startVirtualPrinter, type VirtualPrinter } from '../../../printer';
import { createSlipPrinter, sinkFromTransport, type ByteSink } from '../printing';
import { DEFAULT_OPERATORS, createTillBackend, type SecretStore, type TillBackend, type VirtualJobsSource } from '../service';
import { openTillStore } from '../store/repository';
import { apiFromInvoke, type TillApi } from '../../api/contract';

export interface Target {
  url: string;
  username: string;
  password: string;
  kind: 'switch' | 'provider';
  setBehaviour(patch: Partial<ProviderBehaviour>): void;
  /** Whether this purchase id was sold (the switch's ledger, or the provider's back office): 0 or 1. */
  purchaseCount(purchaseId: string): number;
  /** Takes the server off the network (connection refused) until `up()`; same port, same data. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

interface SwitchModule {
  startSwitch(opts: Record<string, unknown>): Promise<{
    url: string;
    username: string;
    password: string;
    providers: { setBehaviour(p: Partial<ProviderBehaviour>): unknown }[];
    store: { db: { prepare(sql: string): { get(...a: unknown[]): unknown } }; pendingAdviceHeads(): unknown[] };
    engine: { flushTraces(): void };
    close(): Promise<void>;
  }>;
}

export async function startTarget(): Promise<Target> {
  const root = resolve(import.meta.dirname, '../../..');
  const swPath = join(root, 'switch-core/index.ts');
  if (existsSync(swPath) && !process.env.TILL_TEST_PROVIDER_ONLY) {
    const mod = (await import(/* @vite-ignore */ swPath)) as Partial<SwitchModule>;
    if (typeof mod.startSwitch === 'function') {
      const dataDir = mkdtempSync(join(tmpdir(), 'till-sw-'));
      const start = (port: number) => mod.startSwitch!({ dataDir, port, profile: 'certification', auth: { username: 'till', password: 'till-secret' }, providerTimeoutMs: 2000 });
      let sw: Awaited<ReturnType<SwitchModule['startSwitch']>> | null = await start(0);
      const url = sw.url;
      const port = Number(new URL(url).port);
      // The switch's ledger: a purchase id sold when its purchase (or a retry of it) succeeded upstream.
      const sold = (id: string) => {
        if (!sw) throw new Error('the switch is down: bring it up before reading its ledger');
        sw.engine.flushTraces(); // outcomes are written in batches; a read flushes first, as the admin API does
        const row = sw.store.db.prepare(`SELECT COUNT(*) AS n FROM transactions WHERE (id = ? OR purchase_id = ?) AND type IN ('PURCHASE', 'RETRY') AND status = 'SUCCESSFUL'`).get(id, id) as { n: number };
        return row.n > 0 ? 1 : 0;
      };
      return {
        url, username: sw.username, password: sw.password, kind: 'switch',
        setBehaviour: (p) => sw?.providers.forEach((x) => x.setBehaviour(p)),
        purchaseCount: sold,
        down: async () => {
          await sw?.close();
          sw = null;
        },
        up: async () => {
          // The port was free a moment ago; a connection elsewhere may hold it as its source port for
          // a moment (many test files share the machine's ephemeral range): bounded retries.
          for (let attempt = 1; !sw; attempt++) {
            try {
              sw = await start(port);
            } catch (err) {
              if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt >= 50) throw err;
              await new Promise((r) => setTimeout(r, 100));
            }
          }
        },
        close: async () => {
          // Let the switch finish forwarding advices first: its engine writes after an in-flight call returns.
          for (let i = 0; i < 100 && sw && sw.store.pendingAdviceHeads().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
          await new Promise((r) => setTimeout(r, 50));
          await sw?.close();
          sw = null;
        },
      };
    }
  }
  const { startSimulatedProviders, CERTIFICATION_PROVIDER_ID } = await import('../../../switch-core/providers');
  const all = await startSimulatedProviders({ profile: 'certification' });
  const p = all.get(CERTIFICATION_PROVIDER_ID);
  return {
    url: p.baseUrl.replace(/\/prepaidutility\/v3\/?$/, ''), username: p.username, password: p.password, kind: 'provider',
    setBehaviour: (patch) => void p.setBehaviour(patch),
    purchaseCount: (id) => (all.backOffice.findPurchase(id) ? 1 : 0),
    down: async () => void p.setBehaviour({ serverErrorRate: 1 }),
    up: async () => void p.setBehaviour({ serverErrorRate: 0 }),
    close: () => all.close(),
  };
}

export function memorySecrets(): SecretStore {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k) ?? null, set: (k, v) => void m.set(k, v), encrypted: false };
}

export function memorySink(): ByteSink & { jobs: Uint8Array[] } {
  const jobs: Uint8Array[] = [];
  return { description: 'memory', jobs, send: async (b) => void jobs.push(b), status: async () => ({ state: 'ready', message: 'Ready' }) };
}

export interface TestTill {
  backend: TillBackend;
  api: TillApi;
  sink: ReturnType<typeof memorySink>;
  dir: string;
}

export async function startTill(target: Pick<Target, 'url' | 'username' | 'password'>, opts: { dir?: string; workerIntervalMs?: number; printer?: ByteSink; freeBytes?: () => number; virtualPrinter?: VirtualJobsSource } = {}): Promise<TestTill> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'till-'));
  const store = openTillStore(join(dir, 'till.db'));
  const sink = memorySink();
  const backend = createTillBackend({
    store,
    printer: createSlipPrinter(() => opts.printer ?? sink, () => 80, join(dir, 'print-jobs.db')),
    secrets: memorySecrets(),
    mode: 'cli',
    embeddedSwitch: { url: target.url, username: target.username, password: target.password },
    workerIntervalMs: opts.workerIntervalMs ?? 20,
    operators: DEFAULT_OPERATORS,
    freeBytes: opts.freeBytes,
    virtualPrinter: opts.virtualPrinter ?? null,
    log: () => undefined,
  });
  const api = apiFromInvoke(backend.invoke);
  // Both operators' drawer sessions open with a R500 float, as each would at the start of a day (sign-in opens none).
  for (const [operatorId, pin] of [['cashier', '1111'], ['manager', '9999']] as const) {
    const signed = await api.signIn({ operatorId, pin });
    if (!signed.ok) throw new Error(signed.error.message);
    const opened = await api.openShift({ floatCents: 50_000 });
    if (!opened.ok) throw new Error(opened.error.message);
  }
  const set = await api.setSettings({ timeouts: { requestMs: 3000, retryBaseMs: 20, retryMaxMs: 200 } });
  if (!set.ok) throw new Error(set.error.message);
  return { backend, api, sink, dir };
}

/** Polls getSale until the sale leaves the given states (bounded). */
export async function waitSale(api: TillApi, saleId: string, until: (s: string) => boolean, rounds = 200) {
  let version = 0;
  for (let i = 0; i < rounds; i++) {
    const r = await api.getSale({ saleId, sinceVersion: version, waitMs: 500 });
    if (!r.ok) throw new Error(r.error.message);
    if (until(r.value.state)) return r.value;
    version = r.value.version;
  }
  throw new Error(`sale ${saleId} did not reach the expected state`);
}

/**
 * A till printing to a real virtual printer over TCP (its jobs also listed as the till's virtual
 * printer), in a fresh directory; `close` stops both and removes the directory.
 */
export async function startTillOnVirtualPrinter(target: Pick<Target, 'url' | 'username' | 'password'>, name: string): Promise<{ till: TestTill; vp: VirtualPrinter; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'vp') });
  const till = await startTill(target, {
    dir: join(dir, 'till'),
    workerIntervalMs: 0, // nothing retries or prints behind the test's back: tests call tick()
    printer: sinkFromTransport(createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 2000 })),
    virtualPrinter: { jobs: () => vp.jobs() },
  });
  return {
    till,
    vp,
    async close() {
      await till.backend.close();
      await vp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
