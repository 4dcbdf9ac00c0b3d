/**
 * The switch under abuse, over real TCP from several loopback addresses: nine addresses holding
 * half-sent requests up to their cap (more than the total) cannot shut out a till on a tenth; wrong passwords are locked per address and per user name, with an alert
 * for each filed where the operator reads the switch's alerts (GET /admin/v1/alerts), while the till that signed in rightly keeps selling; `serve --auth-file` takes the
 * credentials from a file, and the password is not in the process's command line (what `ps` shows).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { startSwitch, type RunningSwitch } from '../index';
import type { AuthAlert } from '../server/auth-limits';

const dir = mkdtempSync(join(tmpdir(), 'switch-abuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sw: RunningSwitch | null = null;
const held: Socket[] = [];
afterEach(async () => {
  for (const s of held.splice(0)) s.destroy();
  await sw?.close();
  sw = null;
});

const portOf = (url: string) => Number(new URL(url).port);
/** A signed-in lookup's answer (the certification meter TST001 as this lookup names it is not found: 404, past auth). */
const SERVED = 404;

function halfSent(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, localAddress }, () => {
      s.write('POST /prepaidutility/v3/meterLookups HTTP/1.1\r\nHost: switch\r\nContent-Type: application');
      resolve(s);
    });
    s.resume();
    s.on('error', () => resolve(s));
    held.push(s);
  });
}

/** A whole lookup from `localAddress` with these credentials; answers its status code (0: the connection was refused or reset). */
function lookupFrom(port: number, localAddress: string, auth: string): Promise<number> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ id: '6f1c1a3e-1d2b-4c5d-8e9f-0a1b2c3d4e5f', time: new Date().toISOString(), meterId: 'TST001' });
    const req = request({ host: '127.0.0.1', port, localAddress, method: 'POST', path: '/prepaidutility/v3/meterLookups', auth, headers: { 'content-type': 'application/json' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** An admin API GET from `localAddress`: its JSON body. */
function adminGet(port: number, localAddress: string, auth: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, localAddress, path, auth, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode}: ${body}`))));
    })
      .on('error', reject)
      .end();
  });
}

it('nine addresses at their socket cap cannot starve a till on a tenth', async () => {
  sw = await startSwitch({
    dataDir: join(dir, 'caps'),
    profile: 'certification',
    host: '0.0.0.0',
    auth: { username: 'till', password: 'pw' },
    limits: { headersTimeoutMs: 20_000, requestTimeoutMs: 30_000, maxConnections: 100, maxConnectionsPerAddress: 20 },
  });
  const port = portOf(sw.url);
  // 9 × 20 = 180 half-sent requests against a total of 100.
  for (let a = 1; a <= 9; a++) await Promise.all(Array.from({ length: 20 }, () => halfSent(port, `127.0.1.${a}`)));
  for (let i = 0; i < 3; i++) expect(await lookupFrom(port, `127.0.2.${i + 1}`, 'till:pw')).toBe(SERVED);
});

it('wrong passwords lock the address, then the user name for new addresses, with an alert each; the till that signed in keeps working', async () => {
  const alerts: AuthAlert[] = [];
  sw = await startSwitch({
    dataDir: join(dir, 'auth'),
    profile: 'certification',
    host: '0.0.0.0',
    auth: { username: 'till', password: 'pw' },
    authLimits: { slowAfter: 2, firstDelayMs: 10, maxDelayMs: 40, lockAddressAfter: 6, lockUserAfter: 15, lockMs: 60_000 },
    onAlert: (a) => alerts.push(a),
  });
  const port = portOf(sw.url);
  const till = '127.0.3.1';
  expect(await lookupFrom(port, till, 'till:pw')).toBe(SERVED);

  const guesser = '127.0.3.2';
  for (let i = 0; i < 6; i++) expect(await lookupFrom(port, guesser, `till:guess${i}`)).toBe(401);
  // Locked: refused unchecked, even with the right password.
  expect(await lookupFrom(port, guesser, 'till:pw')).toBe(429);
  expect(alerts.map((a) => [a.kind, a.subject])).toEqual([['AUTH_LOCKED_ADDRESS', guesser]]);

  // Guesses from other addresses add up for the user name: locked for every address that has not signed in rightly.
  for (let i = 0; i < 9; i++) await lookupFrom(port, `127.0.4.${1 + Math.floor(i / 5)}`, `till:more${i}`);
  expect(alerts.map((a) => a.kind)).toContain('AUTH_LOCKED_USER');
  expect(await lookupFrom(port, '127.0.5.1', 'till:pw')).toBe(429);
  // The till that signed in rightly before keeps selling throughout.
  for (let i = 0; i < 3; i++) expect(await lookupFrom(port, till, 'till:pw')).toBe(SERVED);

  // The operator reads both lockouts where the switch's other alerts are (the admin API, the console), after a restart too.
  await sw.close();
  sw = await startSwitch({ dataDir: join(dir, 'auth'), profile: 'certification', host: '0.0.0.0', auth: { username: 'till', password: 'pw' } });
  const listed = (await adminGet(portOf(sw.url), till, 'till:pw', '/admin/v1/alerts')) as { alerts: Array<{ kind: string; subject?: string; message: string }> };
  expect(listed.alerts.filter((a) => a.kind.startsWith('AUTH_')).map((a) => [a.kind, a.subject])).toEqual([
    ['AUTH_LOCKED_USER', 'till'],
    ['AUTH_LOCKED_ADDRESS', guesser],
  ]);
  expect(listed.alerts[0]!.message).toMatch(/failed sign-ins for user "till"/);
});

it('serve --auth-file: the credentials come from the file and are not on the command line', async () => {
  const file = join(dir, 'auth.txt');
  writeFileSync(file, 'till:file-secret-42\n', { mode: 0o600 });
  // Node itself, not npx → tsx → node: a SIGTERM to npx left the switch running after the test.
  const child = spawn(process.execPath, ['--import', 'tsx', 'switch-core/cli.ts', 'serve', '--port', '0', '--data', join(dir, 'cli'), '--auth-file', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect(await lookupFrom(portOf(url), '127.0.0.1', 'till:file-secret-42')).toBe(SERVED);
    expect(await lookupFrom(portOf(url), '127.0.0.1', 'till:wrong')).toBe(401);
    // The node process's command line (what `ps` shows) names the file, never the password.
    const { execFileSync } = await import('node:child_process');
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(ps).toContain(file);
    expect(ps).not.toContain('file-secret-42');
    expect(readFileSync(file, 'utf8')).toContain('file-secret-42');
  } finally {
    const exited = new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
    child.kill('SIGTERM');
    await exited;
  }
}, 60_000);
