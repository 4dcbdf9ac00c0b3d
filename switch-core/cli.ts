/**
 * `ppu-switch serve --port P --data DIR [--profile demo|certification] [--auth USER:PASSWORD]
 *  [--tls-key K --tls-cert C [--tls-ca CA]]`: runs the switch with simulated providers.
 * Credentials: --auth, else env PPU_SWITCH_AUTH, else a generated password printed once.
 */
import { Command, InvalidArgumentError } from 'commander';
import { randomBytes } from 'node:crypto';
import { DEFAULT_SLIP_WIDTH, MAX_SLIP_WIDTH, MIN_SLIP_WIDTH } from './engine/slip-data';
import { startSwitch } from './index';

function parseAuth(value: string): { username: string; password: string } {
  const i = value.indexOf(':');
  if (i <= 0 || i === value.length - 1) throw new InvalidArgumentError('expected USER:PASSWORD');
  return { username: value.slice(0, i), password: value.slice(i + 1) };
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

function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0..65535');
  return n;
}

const program = new Command('ppu-switch').description('PPU v3 switch core with simulated providers');

program
  .command('serve')
  .description('serve /prepaidutility/v3 and /admin/v1')
  .option('--port <port>', 'port to listen on (0 = any free port)', parsePort, 8080)
  .option('--host <host>', 'address to bind', '127.0.0.1')
  .requiredOption('--data <dir>', 'directory for the switch database')
  .option('--profile <profile>', 'simulated providers data: demo | certification', 'demo')
  .option('--auth <user:password>', 'basic-auth credentials (or env PPU_SWITCH_AUTH)', parseAuth)
  .option('--tls-key <path>', 'TLS private key (PEM)')
  .option('--tls-cert <path>', 'TLS certificate (PEM)')
  .option('--tls-ca <path>', 'CA for client certificates: turns on mTLS')
  .option('--broadcast-timeout <ms>', 'overall bound on a broadcast lookup', (v) => parsePort(v))
  .option('--advice-max-age <hours>', 'how long an advice without a final answer is repeated before it is parked for reconciliation', parsePositive, 7 * 24)
  .option('--slip-width <columns>', 'width of the slipData the switch builds for answers without one', parseSlipWidth, DEFAULT_SLIP_WIDTH)
  .option('--log', 'log every request')
  .action(async (o: { port: number; host: string; data: string; profile: string; auth?: { username: string; password: string }; tlsKey?: string; tlsCert?: string; tlsCa?: string; broadcastTimeout?: number; adviceMaxAge: number; slipWidth: number; log?: boolean }) => {
    if (o.profile !== 'demo' && o.profile !== 'certification') {
      console.error(`ppu-switch: --profile must be demo or certification, not "${o.profile}"`);
      process.exit(2);
    }
    if (Boolean(o.tlsKey) !== Boolean(o.tlsCert) || (o.tlsCa && !o.tlsKey)) {
      console.error('ppu-switch: TLS needs both --tls-key and --tls-cert (and --tls-ca only with them)');
      process.exit(2);
    }
    let auth = o.auth;
    if (!auth && process.env.PPU_SWITCH_AUTH) {
      try {
        auth = parseAuth(process.env.PPU_SWITCH_AUTH);
      } catch {
        console.error('ppu-switch: PPU_SWITCH_AUTH must be USER:PASSWORD');
        process.exit(2);
      }
    }
    let generated = false;
    if (!auth) {
      auth = { username: 'till', password: randomBytes(12).toString('base64url') };
      generated = true;
    }
    const running = await startSwitch({
      dataDir: o.data,
      port: o.port,
      host: o.host,
      profile: o.profile,
      auth,
      tls: o.tlsKey && o.tlsCert ? { keyPath: o.tlsKey, certPath: o.tlsCert, caPath: o.tlsCa } : undefined,
      broadcastTimeoutMs: o.broadcastTimeout,
      engine: { adviceMaxAgeMs: o.adviceMaxAge * 3600 * 1000, slipWidth: o.slipWidth },
      log: o.log ?? false,
    });
    if (generated) console.log(`Generated credentials (shown once): ${auth.username}:${auth.password}`);
    console.log(`PPU switch listening on ${running.url}`);
    console.log(`  PPU v3: ${running.url}/prepaidutility/v3   admin: ${running.url}/admin/v1   providers: ${running.providers.length} simulated`);
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
