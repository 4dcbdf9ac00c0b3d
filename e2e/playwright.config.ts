/** Playwright: Debian's Chromium against the browser host (embedded switch + virtual printer). */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { e2ePort } from './free-port';

/** E2E_PORT, else a free port chosen once per run (e2e/free-port.ts). */
export const E2E_PORT = e2ePort();
export const E2E_TOKEN = process.env.E2E_TOKEN ?? 'e2e-token-0123456789';
/** Where the e2e host writes its virtual printer's port, for specs that send it raw jobs. */
export const E2E_PRINTER_SOCKET_FILE = join(tmpdir(), `till-e2e-printer-socket-${E2E_PORT}`);

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../test-results/e2e',
  fullyParallel: false,
  workers: 1, // one till, one signed-in session: specs run in order
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    viewport: { width: 1280, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: 'npx tsx e2e/host.ts',
    cwd: '..',
    url: `http://127.0.0.1:${E2E_PORT}/`,
    // A South African shop's till: the host's system zone is the shop's (e2e/till-day.spec.ts reads the slip's local time).
    env: { E2E_PORT: String(E2E_PORT), E2E_TOKEN, E2E_PRINTER_SOCKET_FILE, TZ: process.env.E2E_TZ ?? 'Africa/Johannesburg' },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 }, // lets host.ts close the till and remove its data directory
  },
});
