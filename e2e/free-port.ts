/**
 * The e2e run's port: E2E_PORT when given, else one the OS says is free now, so two e2e runs on one
 * machine never clash. Playwright's config must be synchronous, so a child process asks the OS (it
 * listens on port 0, prints the port it got, and closes). The answer goes into E2E_PORT, so the
 * worker processes — which load the config again — inherit the same port instead of drawing another.
 */
import { spawnSync } from 'node:child_process';

const ASK_THE_OS = "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); });";

export function e2ePort(env: NodeJS.ProcessEnv = process.env): number {
  if (!env.E2E_PORT) {
    const r = spawnSync(process.execPath, ['-e', ASK_THE_OS], { encoding: 'utf8', timeout: 10_000 });
    const port = Number(r.stdout);
    if (r.status !== 0 || !Number.isInteger(port) || port <= 0) throw new Error(`e2e: no free port from the OS (${r.stderr || r.error?.message || 'no answer'}); set E2E_PORT to a free port`);
    env.E2E_PORT = String(port);
  }
  const port = Number(env.E2E_PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`E2E_PORT must be a port number (1–65535), not "${env.E2E_PORT}"`);
  return port;
}
