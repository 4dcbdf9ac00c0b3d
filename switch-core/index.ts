/**
 * The switch core's public entry: `startSwitch` wires the store (SQLite in the data folder, or a
 * PostgreSQL database several nodes share), the simulated providers
 * (or external ones), one PPU v3 client per provider, the engine and the HTTP server, plus the
 * background work (advice queue, health sampling, periodic re-broadcast). Everything it starts,
 * `close()` stops.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PpuClient } from './protocol';
import { startSimulatedProviders } from './providers';
import type { ProfileSeed, ProviderEndpoint, SimulatedProvider } from './providers/types';
import { SwitchEngine, type EngineConfig } from './engine/switch-engine';
import { buildServer } from './server/app';
import type { StoreUser } from './server/api-users';
import type { ConnectionLimits } from './server/connection-limits';
import { alertLine, type AuthAlert, type AuthLimits } from './server/auth-limits';
import type { HealthCheck } from './server/health-routes';
import { startBackgroundJobs } from './background-jobs';
import { openPostgresStore, openSqliteStore, type SwitchStore } from './store';

export { SwitchEngine } from './engine/switch-engine';
export type { Reply, ProviderClient, EngineConfig } from './engine/switch-engine';
export { openSqliteStore, type SwitchStore } from './store';

export interface SwitchOptions {
  /** The SQLite store's folder (one node); ignored when `storeUrl` is given. */
  dataDir?: string;
  /** postgres://user:pass@host:port/db — a PostgreSQL store that any number of nodes may share. */
  storeUrl?: string;
  /** This node's name (advice leases, the admin API's node view); one is made up when absent. */
  nodeId?: string;
  /** 0 = ephemeral. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  profile?: 'demo' | 'certification';
  auth: { username: string; password: string };
  /** Tills' users bound to their stores (server/api-users.ts); the `auth` user is the operator. */
  storeUsers?: readonly StoreUser[];
  /** mTLS when caPath is set. */
  tls?: { keyPath: string; certPath: string; caPath?: string };
  /** OAuth2 on the PPU API besides basic auth: a client-credentials token endpoint at /oauth2/token. */
  oauth2?: { tokenTtlSeconds: number };
  /** External providers instead of the simulated ones. */
  providers?: readonly ProviderEndpoint[];
  broadcastTimeoutMs?: number;
  providerTimeoutMs?: number;
  /** Default 30 days. */
  rebroadcastIntervalMs?: number;
  log?: boolean;
  /** Seed for the simulated providers' demo data. */
  seed?: number;
  /**
   * Certification profile: how long TST011's first purchase waits before its 504 (the public test
   * server waits 10 s, which `ppu-switch serve` keeps as its default). Default 0.
   */
  tst011DelayMs?: number;
  /** Contract table and preferences to seed on first start when `providers` are external. */
  contractSeed?: ProfileSeed;
  /** Engine tuning (advice backoff, circuit breaker, ...) for tests and field techs. */
  engine?: Partial<EngineConfig>;
  /** Load-balancer randomness, injectable for tests. */
  rng?: () => number;
  /** Request/header timeouts and open-connection caps (server/connection-limits.ts). */
  limits?: Partial<ConnectionLimits>;
  /** Slowing and locking after wrong credentials (server/auth-limits.ts); each lockout's alert is filed in the store and told here (default: a line on standard error). */
  authLimits?: Partial<AuthLimits>;
  onAlert?: (a: AuthAlert) => void;
  /** What GET /healthz checks (server/health-routes.ts); by default that the store answers its ping. */
  health?: HealthCheck;
}

export interface RunningSwitch {
  /** Base origin, e.g. http://127.0.0.1:PORT; PPU at url+'/prepaidutility/v3', admin at url+'/admin/v1'. */
  url: string;
  username: string;
  password: string;
  /** Empty when external providers are used. */
  providers: SimulatedProvider[];
  engine: SwitchEngine;
  store: SwitchStore;
  close(): Promise<void>;
}

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

/** First start only: the profile's contract table, utilities' preferences and load-balancer weights. */
async function seedStore(store: SwitchStore, endpoints: readonly ProviderEndpoint[], seed: ProfileSeed | null, profile: string): Promise<void> {
  await store.upsertProviders(endpoints.map((e) => ({ id: e.descriptor.id, name: e.descriptor.name, weight: seed?.weights[e.descriptor.id] ?? 1, enabled: true })));
  if (!seed || (await store.getMeta('seeded_profile')) !== null) return;
  const now = new Date().toISOString();
  for (const u of seed.utilities) await store.upsertUtility({ id: u.id, name: u.name, utilityType: u.utilityType, ranked: u.ranked, excluded: u.excluded });
  await store.insertMeters(
    seed.contractTable.map((m) => ({
      meterId: m.meterId,
      utilityId: m.utilityId,
      preferredProviderId: m.preferredProviderId ?? null,
      support: Object.entries(m.support).map(([providerId, status]) => ({ providerId, status, lastResponseAt: status === 'UNCONFIRMED' ? null : now })),
    })),
    now,
  );
  for (const [id, w] of Object.entries(seed.weights)) await store.setProviderWeight(id, w);
  await store.setMeta('seeded_profile', profile);
}

async function openSwitchStore(opts: SwitchOptions): Promise<SwitchStore> {
  if (opts.storeUrl) return openPostgresStore(opts.storeUrl, { nodeId: opts.nodeId! });
  if (!opts.dataDir) throw new Error('the switch needs a data folder (--data DIR) or a PostgreSQL store (--store postgres://…)');
  // A checkpoint a second keeps each one small: with one every 30 s the disk's burst of checkpointed
  // pages held up the WAL syncs durable purchases wait for (in-switch purchase p99 14.4 → 4.8 ms,
  // p999 32–49 → 9–14 ms in the bench). SQLite's own auto-checkpoint (every 1,000 pages) is as often.
  return openSqliteStore(join(opts.dataDir, 'switch.db'), { backgroundCheckpointMs: 1_000 });
}

export async function startSwitch(options: SwitchOptions): Promise<RunningSwitch> {
  const opts = { ...options, nodeId: options.nodeId ?? `${hostname()}-${process.pid}` };
  const store = await openSwitchStore(opts);
  let sim: Awaited<ReturnType<typeof startSimulatedProviders>> | null = null;
  const cleanup: Array<() => Promise<void> | void> = [() => store.close()];
  try {
    let endpoints: readonly ProviderEndpoint[];
    let seed: ProfileSeed | null = opts.contractSeed ?? null;
    if (opts.providers) {
      endpoints = opts.providers;
    } else {
      sim = await startSimulatedProviders({ profile: opts.profile ?? 'demo', host: '127.0.0.1', seed: opts.seed, providerOptions: { scenarioTimeoutMs: opts.tst011DelayMs } });
      const started = sim;
      cleanup.unshift(() => started.close());
      endpoints = sim.providers;
      seed = sim.seed;
    }
    await seedStore(store, endpoints, seed, opts.providers ? 'providers-file' : (opts.profile ?? 'demo'));

    let engineRef: SwitchEngine | null = null;
    const providers = endpoints.map((e) => ({
      descriptor: e.descriptor,
      client: new PpuClient({
        baseUrl: e.baseUrl,
        username: e.username,
        password: e.password,
        timeoutMs: e.timeoutMs ?? opts.providerTimeoutMs ?? 15_000,
        ...(e.tls ? { tls: e.tls } : {}),
        ...(e.authorization ? { authorization: e.authorization } : {}),
        onTrace: (t) => engineRef?.onProviderTrace(e.descriptor.id, t),
      }),
    }));
    // A provider that never answers would hold close() until the client timeout: bound the wait.
    cleanup.unshift(() =>
      Promise.race([Promise.all(providers.map((p) => p.client.close())).then(() => undefined), new Promise<void>((r) => setTimeout(r, 1_000).unref())]),
    );
    const engine = new SwitchEngine({
      store,
      providers,
      config: {
        // As the public test server, TST011's 504 reaches the client, whose own /retry gets the tokens.
        ...(!opts.providers && opts.profile === 'certification' ? { unknownOutcomeRetries: 0 } : {}),
        ...opts.engine,
        ...(opts.broadcastTimeoutMs !== undefined ? { broadcastTimeoutMs: opts.broadcastTimeoutMs } : {}),
      },
      rng: opts.rng,
      nodeId: opts.nodeId,
    });
    engineRef = engine;
    cleanup.unshift(() => engine.close());

    const simulated = new Map((sim?.providers ?? []).map((p) => [p.descriptor.id, p]));
    // A lockout is filed where the operator reads the other alerts (GET /admin/v1/alerts), and told.
    const onAlert = (a: AuthAlert) => {
      store.insertAuthAlert(a).catch((e: unknown) => console.error(`alert not filed (${e instanceof Error ? e.message : String(e)})`));
      (opts.onAlert ?? alertLine)(a);
    };
    const app = buildServer(engine, simulated, { auth: opts.auth, tls: opts.tls, log: opts.log, limits: opts.limits, authLimits: opts.authLimits, onAlert, oauth2: opts.oauth2, storeUsers: opts.storeUsers, health: opts.health ?? (() => store.ping()) });
    const address = await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
    cleanup.unshift(() => app.close());
    const port = new URL(address).port;
    const url = `${opts.tls ? 'https' : 'http'}://${opts.host ?? '127.0.0.1'}:${port}`;

    // Background work: the must-deliver queue resumes what a previous run left pending.
    engine.startAdvices();
    const jobs = await startBackgroundJobs(engine, store, { rebroadcastIntervalMs: opts.rebroadcastIntervalMs ?? THIRTY_DAYS_MS });
    cleanup.unshift(() => jobs.stop());

    let closing: Promise<void> | null = null;
    return {
      url,
      username: opts.auth.username,
      password: opts.auth.password,
      providers: sim?.providers ?? [],
      engine,
      store,
      close() {
        closing ??= (async () => {
          for (const step of cleanup) await step();
        })();
        return closing;
      },
    };
  } catch (err) {
    for (const step of cleanup) await step();
    throw err;
  }
}
