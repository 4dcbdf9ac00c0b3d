/**
 * `ppu-switch serve --port P (--data DIR | --store postgres://…) [--profile demo|certification | --providers FILE]
 *  [--auth-file F | --auth USER:PASSWORD] [--oauth2] [--tls-key K --tls-cert C [--tls-ca CA]]`: runs the switch with
 * simulated providers, or with the external providers a providers file names.
 * Credentials: --auth-file (its first line USER:PASSWORD), else --auth (which `ps` shows to every user
 * of the machine), else env PPU_SWITCH_AUTH, else a generated password printed once.
 */
import { Command, InvalidArgumentError } from 'commander';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadProvidersFile, type ProvidersFile } from './config/providers-file';
import { DEFAULT_SLIP_WIDTH, MAX_SLIP_WIDTH, MIN_SLIP_WIDTH } from './engine/slip-data';
import { parseStoreUser, type StoreUser } from './server/api-users';
import { startSwitch } from './index';

function parseAuth(value: string): { username: string; password: string } {
  const i = value.indexOf(':');
  if (i <= 0 || i === value.length - 1) throw new InvalidArgumentError('expected USER:PASSWORD');
  return { username: value.slice(0, i), password: value.slice(i + 1) };
}

function collectStoreUser(value: string, previous: StoreUser[] = []): StoreUser[] {
  const r = parseStoreUser(value);
  if (!r.ok) throw new InvalidArgumentError(r.message);
  return [...previous, r.value];
}

/** USER:PASSWORD from a file's first line; a missing or wrong file stops the start in words. */
function authFromFile(path: string): { username: string; password: string } {
  try {
    return parseAuth(readFileSync(path, 'utf8').split(/\r?\n/)[0]?.trim() ?? '');
  } catch (err) {
    console.error(`ppu-switch: --auth-file ${path}: ${err instanceof InvalidArgumentError ? 'its first line must be USER:PASSWORD' : (err as Error).message}`);
    process.exit(2);
  }
}

function parseMs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 600_000) throw new InvalidArgumentError('expected milliseconds 0..600000');
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 86_400) throw new InvalidArgumentError('expected seconds 1..86400');
  return n;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function parseSlipWidth(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_SLIP_WIDTH || n > MAX_SLIP_WIDTH) throw new InvalidArgumentError(`expected a whole number of columns ${MIN_SLIP_WIDTH}..${MAX_SLIP_WIDTH}`);
  return n;
}

function parseRetries(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError('expected a whole number 0..10');
  return n;
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0..65535');
  return n;
}

interface ServeOptions {
  port: number;
  host: string;
  data?: string;
  store?: string;
  nodeId?: string;
  profile?: string;
  providers?: string;
  tst011Delay: number;
  authFile?: string;
  auth?: { username: string; password: string };
  storeUser?: StoreUser[];
  oauth2?: boolean;
  oauth2Ttl: number;
  tlsKey?: string;
  tlsCert?: string;
  tlsCa?: string;
  broadcastTimeout?: number;
  adviceMaxAge: number;
  adviceLease: number;
  slipWidth: number;
  unknownOutcomeRetries?: number;
  log?: boolean;
}

/** A store URL fit for a log: the password never printed. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unreadable URL)';
  }
}

const program = new Command('ppu-switch').description('PPU v3 switch core, with simulated providers or external ones from a file');

program
  .command('serve')
  .description('serve /prepaidutility/v3 and /admin/v1')
  .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 8080)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .option('--data <dir>', 'directory for the switch database (SQLite: one node)')
  .option('--store <url>', 'postgres://user:pass@host:port/db shared by any number of nodes (or env PPU_SWITCH_STORE); replaces --data')
  .option('--node-id <name>', "this node's name in advice leases and the admin API (default host-pid)")
  .option('--profile <profile>', 'simulated providers data: demo | certification (default demo)')
  .option('--providers <file>', 'external providers from a JSON file instead of the simulated ones (docs/switch.md)')
  .option('--tst011-delay <ms>', "certification: how long TST011's first purchase waits before its 504", parseMs, 10_000)
  .option('--auth-file <path>', 'basic-auth credentials USER:PASSWORD from the first line of this file (keep it 0600)')
  .option('--auth <user:password>', 'basic-auth credentials; visible to every user in `ps` — prefer --auth-file or env PPU_SWITCH_AUTH', parseAuth)
  .option('--store-user <user:password:merchantId>', "a till's user bound to one store (repeatable; or env PPU_SWITCH_STORE_USERS, comma-separated): it sells and reads as that merchant only", collectStoreUser)
  .option('--oauth2', 'also accept OAuth2 bearer tokens from POST /oauth2/token (client credentials = the switch credentials)')
  .option('--oauth2-ttl <seconds>', 'lifetime of an OAuth2 bearer token', parseSeconds, 300)
  .option('--tls-key <path>', 'TLS private key (PEM)')
  .option('--tls-cert <path>', 'TLS certificate (PEM)')
  .option('--tls-ca <path>', 'CA for client certificates: turns on mTLS')
  .option('--broadcast-timeout <ms>', 'overall bound on a broadcast lookup', (v) => parsePort(v))
  .option('--advice-max-age <hours>', 'how long an advice without a final answer is repeated before it is parked for reconciliation', parsePositive, 7 * 24)
  .option('--advice-lease <seconds>', 'how long a node holds an advice it is delivering before another node may take it over', parsePositive, 60)
  .option('--slip-width <columns>', 'width of the slipData the switch builds for answers without one', parseSlipWidth, DEFAULT_SLIP_WIDTH)
  .option('--unknown-outcome-retries <n>', "how often an unknown purchase outcome is retried at its provider before the client gets 504 (default 1; 0 leaves the retry to the client, as the certification profile does)", parseRetries)
  .option('--log', 'log every request')
  .action(async (o: ServeOptions) => {
    if (o.profile !== undefined && o.providers !== undefined) {
      console.error('ppu-switch: --profile and --providers exclude each other: a profile starts simulated providers, a providers file names real ones');
      process.exit(2);
    }
    const storeUrl = o.store ?? process.env.PPU_SWITCH_STORE;
    if (storeUrl !== undefined && !/^postgres(ql)?:\/\//.test(storeUrl)) {
      console.error('ppu-switch: --store must be a postgres://user:pass@host:port/db URL');
      process.exit(2);
    }
    if (storeUrl === undefined && o.data === undefined) {
      console.error('ppu-switch: give --data DIR (SQLite, one node) or --store postgres://… (several nodes)');
      process.exit(2);
    }
    const profile = o.profile ?? 'demo';
    if (profile !== 'demo' && profile !== 'certification') {
      console.error(`ppu-switch: --profile must be demo or certification, not "${profile}"`);
      process.exit(2);
    }
    if (Boolean(o.tlsKey) !== Boolean(o.tlsCert) || (o.tlsCa && !o.tlsKey)) {
      console.error('ppu-switch: TLS needs both --tls-key and --tls-cert (and --tls-ca only with them)');
      process.exit(2);
    }
    let external: ProvidersFile | null = null;
    if (o.providers !== undefined) {
      const loaded = loadProvidersFile(o.providers);
      if (!loaded.ok) {
        console.error(`ppu-switch: providers file ${o.providers}: ${loaded.message}`);
        process.exit(2);
      }
      external = loaded.value;
    }
    const fromFile = o.authFile !== undefined ? authFromFile(o.authFile) : undefined;
    let auth = fromFile ?? o.auth;
    if (!auth && process.env.PPU_SWITCH_AUTH) {
      try {
        auth = parseAuth(process.env.PPU_SWITCH_AUTH);
      } catch {
        console.error('ppu-switch: PPU_SWITCH_AUTH must be USER:PASSWORD');
        process.exit(2);
      }
    }
    let storeUsers = o.storeUser ?? [];
    if (storeUsers.length === 0 && process.env.PPU_SWITCH_STORE_USERS) {
      try {
        storeUsers = process.env.PPU_SWITCH_STORE_USERS.split(',').reduce<StoreUser[]>((all, u) => collectStoreUser(u.trim(), all), []);
      } catch (e) {
        console.error(`ppu-switch: PPU_SWITCH_STORE_USERS: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(2);
      }
    }
    let generated = false;
    if (!auth) {
      auth = { username: 'till', password: randomBytes(12).toString('base64url') };
      generated = true;
    }
    const running = await startSwitch({
      ...(storeUrl !== undefined ? { storeUrl } : { dataDir: o.data }),
      ...(o.nodeId !== undefined ? { nodeId: o.nodeId } : {}),
      port: o.port,
      host: o.host,
      ...(external ? { providers: external.providers, contractSeed: external.seed } : { profile, tst011DelayMs: o.tst011Delay }),
      auth,
      storeUsers,
      ...(o.oauth2 ? { oauth2: { tokenTtlSeconds: o.oauth2Ttl } } : {}),
      tls: o.tlsKey && o.tlsCert ? { keyPath: o.tlsKey, certPath: o.tlsCert, caPath: o.tlsCa } : undefined,
      broadcastTimeoutMs: o.broadcastTimeout,
      engine: {
        adviceMaxAgeMs: o.adviceMaxAge * 3600 * 1000,
        slipWidth: o.slipWidth,
        adviceLeaseMs: o.adviceLease * 1000,
        ...(o.unknownOutcomeRetries !== undefined ? { unknownOutcomeRetries: o.unknownOutcomeRetries } : {}),
      },
      log: o.log ?? false,
    });
    if (generated) console.log(`Generated credentials (shown once): ${auth.username}:${auth.password}`);
    console.log(`PPU switch listening on ${running.url}`);
    const providers = external ? `${external.providers.length} external (${o.providers})` : `${running.providers.length} simulated (${profile})`;
    console.log(`  PPU v3: ${running.url}/prepaidutility/v3   admin: ${running.url}/admin/v1   providers: ${providers}`);
    const node = running.engine.node();
    console.log(`  store: ${storeUrl !== undefined ? `PostgreSQL ${redactedUrl(storeUrl)}` : `SQLite in ${o.data}`}   node: ${node.nodeId}${node.leading ? ' (leader)' : ''}`);
    if (storeUsers.length > 0) console.log(`  store users: ${storeUsers.map((u) => `${u.username} (merchant ${u.merchantId})`).join(', ')}   store API: ${running.url}/store/v1`);
    if (o.oauth2) console.log(`  OAuth2: POST ${running.url}/oauth2/token (client credentials), tokens valid ${o.oauth2Ttl} s`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`ppu-switch: ${signal}, shutting down`);
      running.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('ppu-switch: shutdown failed', err);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`ppu-switch: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
