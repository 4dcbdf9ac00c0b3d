/**
 * The e2e target: the till back end with its embedded switch (demo profile) and virtual printer,
 * behind the browser host on the run's port with a fixed token (both from the environment), serving
 * the built renderer, over a fresh data directory removed at the end (or E2E_DATA_DIR, kept, for a
 * spec that restarts a till of its own on the same data). Playwright starts it as its
 * webServer and stops it after the run. It writes its virtual printer's socket path to
 * E2E_PRINTER_SOCKET_FILE for specs that send the printer raw jobs. The cashier's and manager's
 * drawer sessions are open from the start, and cashiers see the field-tech screens.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { browserAccessKey, startBrowserHost } from '../electron/hosts/browser-host';
import { startTillRuntime } from '../electron/till/runtime';
import { fileSecretStore } from '../electron/till/secrets';
import { DEFAULT_OPERATORS } from '../electron/till/service';

// The run's port from the config (0 when started by hand: a free one, printed below).
const port = Number(process.env.E2E_PORT ?? 0);
const token = process.env.E2E_TOKEN ?? 'e2e-token-0123456789';
const keep = process.env.E2E_DATA_DIR;
const dataDir = keep ?? mkdtempSync(join(tmpdir(), 'till-e2e-'));
const restart = existsSync(join(dataDir, 'till.db'));
// Provisioned as an installer would (so the specs sign in with known PINs), plus a trainee whose
// manager-given PIN must be replaced at first sign-in (e2e/pin.spec.ts).
const runtime = await startTillRuntime({ dataDir, mode: 'browser', fileUrls: true, workerIntervalMs: 500, operators: DEFAULT_OPERATORS });
if (!restart) {
  await runtime.backend.invoke('signIn', { operatorId: 'manager', pin: '9999' });
  await runtime.backend.invoke('saveOperator', { id: 'trainee', name: 'Trainee', role: 'cashier', pin: '2468' });
  // A field tech's test till: cashiers see the field-tech screens (e2e/drawer.spec.ts turns it off and on).
  await runtime.backend.invoke('setSettings', { security: { cashierFieldTools: true } });
  // The day starts with both drawer sessions open on a R500 float, as each operator would open hers.
  await runtime.backend.invoke('openShift', { floatCents: 50_000 });
  await runtime.backend.invoke('signIn', { operatorId: 'cashier', pin: '1111' });
  await runtime.backend.invoke('openShift', { floatCents: 50_000 });
  await runtime.backend.invoke('signOut', {});
}
const accessKey = browserAccessKey(fileSecretStore(join(dataDir, 'secrets.json')));
const host = await startBrowserHost({ invokeAs: runtime.backend.invokeAs, port, token, accessKey });
if (process.env.E2E_PRINTER_SOCKET_FILE) writeFileSync(process.env.E2E_PRINTER_SOCKET_FILE, runtime.virtualPrinter?.path ?? '');
console.log(`e2e till at ${host.openUrl} (data ${dataDir})`);
const stop = async () => {
  await host.close();
  await runtime.close();
  if (!keep) rmSync(dataDir, { recursive: true, force: true }); // each run starts from a fresh till
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
