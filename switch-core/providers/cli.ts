/**
 * Runs the ten simulated providers on their own, for till integrators and field techs:
 *   npx tsx switch-core/providers/cli.ts [--profile demo|certification] [--seed N] [--host 127.0.0.1] [--tst011-delay MS]
 * Prints one JSON line per provider (id, name, baseUrl, username, password) and the named demo
 * meters, then serves until Ctrl-C.
 */
import { Command } from 'commander';
import { DEMO_METERS, startSimulatedProviders, type ProfileName } from './index';

const program = new Command()
  .name('ppu-providers')
  .description('Start the ten simulated PPU v3 providers over one simulated utility back office')
  .option('--profile <profile>', 'demo or certification', 'demo')
  .option('--seed <n>', 'seed for the demo data', '2026')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--tst011-delay <ms>', "certification: how long TST011's first purchase waits before its 504 (the test server: 10 s)", '10000')
  .parse();

const opts = program.opts<{ profile: string; seed: string; host: string; tst011Delay: string }>();
if (opts.profile !== 'demo' && opts.profile !== 'certification') {
  console.error(`--profile must be demo or certification, not "${opts.profile}"`);
  process.exit(2);
}
const seed = Number(opts.seed);
if (!Number.isSafeInteger(seed)) {
  console.error(`--seed must be an integer, not "${opts.seed}"`);
  process.exit(2);
}

const delay = Number(opts.tst011Delay);
if (!Number.isInteger(delay) || delay < 0 || delay > 600_000) {
  console.error(`--tst011-delay must be milliseconds 0..600000, not "${opts.tst011Delay}"`);
  process.exit(2);
}

const sims = await startSimulatedProviders({ profile: opts.profile as ProfileName, seed, host: opts.host, providerOptions: { scenarioTimeoutMs: delay } });
for (const p of sims.providers) {
  console.log(JSON.stringify({ id: p.descriptor.id, name: p.descriptor.name, baseUrl: p.baseUrl, username: p.username, password: p.password }));
}
if (opts.profile === 'demo') console.log(JSON.stringify({ demoMeters: DEMO_METERS, meters: sims.backOffice.meterCount() }));
const stop = (): void => {
  void sims.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
