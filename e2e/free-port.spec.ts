/**
 * Two e2e runs on one machine do not clash: this run's host is on a port chosen for it (E2E_PORT
 * overrides), and a second run started now — its config loaded as `playwright test` loads it, in a
 * process without E2E_PORT — picks another port, one free to listen on, while this run holds its own.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { expect, test } from '@playwright/test';
import { E2E_PORT } from './playwright.config';

/** The port a run's config chooses in a fresh process, with `env` as its environment. */
function configPort(env: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./e2e/playwright.config.ts').then((m) => process.stdout.write('port=' + m.E2E_PORT))"], { encoding: 'utf8', env, timeout: 60_000 });
  const port = /port=(\d+)/.exec(r.stdout)?.[1];
  if (!port) throw new Error(`the config chose no port: ${r.stderr}`);
  return Number(port);
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

test('a second e2e run on this machine picks a free port of its own; E2E_PORT still chooses it', async () => {
  // This run's host answers on the port this worker was given (the runner's choice, inherited).
  expect(process.env.E2E_PORT).toBe(String(E2E_PORT));
  expect((await fetch(`http://127.0.0.1:${E2E_PORT}/`)).status).toBe(200);

  const { E2E_PORT: _ours, ...withoutPort } = process.env;
  const second = configPort(withoutPort);
  expect(second).not.toBe(E2E_PORT);
  expect(await canListen(second), `port ${second} is taken`).toBe(true);

  expect(configPort({ ...withoutPort, E2E_PORT: '47399' })).toBe(47399);
});
