/**
 * `npm start`: the whole till with nothing else to start. The embedded switch (demo profile) unless a
 * switch URL is configured (settings, or PPU_TILL_SWITCH_URL / _USERNAME / _PASSWORD), the virtual printer unless a printer is configured, then Electron if its
 * binary is on disk, else the browser host with its URL printed — on port 4730 unless `--port N` or
 * PORT says otherwise, so the address can be bookmarked. Default operators are printed too.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findElectronBinary } from '../electron/binary';
import { browserAccessKey, DEFAULT_BROWSER_PORT, startBrowserHost } from '../electron/hosts/browser-host';
import { DEFAULT_OPERATORS, operatorsWithShippedPins, type ProvisionedOperator } from '../electron/till/service';
import { tillDataDir } from '../electron/till/data-dir';
import { startTillRuntime } from '../electron/till/runtime';
import { fileSecretStore } from '../electron/till/secrets';
import { switchOverrideFromEnv } from '../electron/till/settings';

const root = resolve(import.meta.dirname, '..');
const dataDir = tillDataDir();

/** The shipped operators whose PINs are still the shipped ones (each must choose a PIN at first sign-in); nobody else's. */
function printOperators(shipped: readonly ProvisionedOperator[]): void {
  if (shipped.length === 0) return;
  console.log('First sign-in (each operator chooses their own PIN then):');
  for (const o of shipped) console.log(`  ${o.role.padEnd(8)} id ${o.id.padEnd(8)} PIN ${o.pin}`);
}
/** The browser host's port: `--port N`, else PORT, else the fixed default (0 = any free port). */
function portFrom(argv: readonly string[], env: NodeJS.ProcessEnv): number | string {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_BROWSER_PORT;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 && n <= 65_535 ? n : `"${raw}" is not a port number (0 to 65535)`;
}
const freshTill = !existsSync(join(dataDir, 'till.db')) && !process.env.PPU_TILL_OPERATORS;

// A wrong PPU_TILL_SWITCH_URL stops the start here, in words, before Electron or the host starts.
const override = switchOverrideFromEnv(process.env);
if (!override.ok) {
  console.error(`npm start: ${override.message}`);
  process.exit(2);
}
if (override.value.switchUrl) console.log(`Switch: ${override.value.switchUrl} (PPU_TILL_SWITCH_URL; no embedded switch)`);

const binary = process.env.PPU_TILL_BROWSER ? ({ found: false, reason: 'PPU_TILL_BROWSER is set' } as const) : findElectronBinary();
if (binary.found) {
  // Electron runs the bundled main/preload (a sandboxed preload must be plain CommonJS).
  const { buildElectron } = await import('../electron/build');
  await buildElectron();
  console.log(`Starting the till in Electron (data in ${dataDir})`);
  printOperators(freshTill ? DEFAULT_OPERATORS : []);
  const child = spawn(binary.path, [join(root, 'dist-electron/main.js')], { stdio: 'inherit', env: { ...process.env, PPU_TILL_DATA: dataDir } });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const port = portFrom(process.argv, process.env);
  if (typeof port === 'string') {
    console.error(`npm start: ${port}. Use --port N or PORT=N.`);
    process.exit(2);
  }
  const runtime = await startTillRuntime({ dataDir, mode: 'browser', fileUrls: true, log: (l) => console.log(l) }).catch((err: unknown) => {
    // A till that cannot start (a full disk, say) says why in one line.
    console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
  const accessKey = browserAccessKey(fileSecretStore(join(dataDir, 'secrets.json')));
  const host = await startBrowserHost({ invokeAs: runtime.backend.invokeAs, port, accessKey }).catch(async (err: NodeJS.ErrnoException) => {
    await runtime.close();
    console.error(err.code === 'EADDRINUSE' ? `npm start: port ${port} is in use (is the till already running?). Start on another with --port N or PORT=N.` : `npm start: ${err.message}`);
    process.exit(2);
  });
  const built = existsSync(join(root, 'dist/renderer/index.html'));
  console.log('');
  console.log(`Till is running in browser mode (Electron not started: ${binary.reason}). Open:`);
  console.log(`  ${host.openUrl}`);
  console.log(`  (this browser then keeps its access: bookmark ${host.url}/ — it works after a restart too)`);
  if (!built) console.log('  (screens not built yet: run `npx vite build` for the renderer)');
  printOperators(operatorsWithShippedPins(runtime.backend.store.listOperators()));
  console.log(`Data: ${dataDir}   Stop with Ctrl+C.`);
  const stop = async () => {
    await host.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
