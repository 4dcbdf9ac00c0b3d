/**
 * A hostile client on the switch's port, over real TCP: half-sent requests are cut off by the header
 * timeout, one address cannot hold more sockets than its cap, and another client is served throughout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSwitch, type RunningSwitch } from '../index';

let dir: string;
let sw: RunningSwitch;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switch-limits-'));
  sw = await startSwitch({
    dataDir: dir,
    profile: 'certification',
    host: '0.0.0.0',
    auth: { username: 'till', password: 'pw' },
    limits: { headersTimeoutMs: 600, requestTimeoutMs: 1_200, maxConnectionsPerAddress: 20 },
  });
});
afterAll(async () => {
  await sw?.close();
  rmSync(dir, { recursive: true, force: true });
});

const port = () => Number(new URL(sw.url).port);

function halfSent(localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: port(), localAddress }, () => {
      s.write('POST /prepaidutility/v3/meterLookups HTTP/1.1\r\nHost: switch\r\nContent-Type: application');
      s.resume(); // read the server's 408 and its end, as a real client would
      resolve(s);
    });
    s.on('error', () => undefined);
    s.once('error', reject);
  });
}

/** A whole request from another loopback address; answers its status code. */
function lookupFrom(localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ id: '6f1c1a3e-1d2b-4c5d-8e9f-0a1b2c3d4e5f', time: new Date().toISOString(), meterId: 'TST001' });
    const req = request(
      { host: '127.0.0.1', port: port(), localAddress, method: 'POST', path: '/prepaidutility/v3/meterLookups', auth: 'till:pw', headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function waitUntil(check: () => boolean, limitMs: number): Promise<number> {
  const started = Date.now();
  while (!check() && Date.now() - started < limitMs) await new Promise((r) => setTimeout(r, 50));
  return Date.now() - started;
}

it('closes half-sent requests after the header timeout and caps sockets per address, while another client is served', async () => {
  const sockets = await Promise.all(Array.from({ length: 60 }, () => halfSent('127.0.0.3')));
  const closed = new Set<Socket>();
  for (const s of sockets) s.once('close', () => closed.add(s));

  // Everything over the cap of 20 is closed at once, before a byte is read.
  await waitUntil(() => closed.size >= 40, 2_000);
  expect(closed.size).toBeGreaterThanOrEqual(40);
  expect(closed.size).toBeLessThan(60);

  // A till on another address is served while the hostile one holds its 20 sockets.
  expect(await lookupFrom('127.0.0.4')).toBeLessThan(500);

  // The 20 half-sent requests are cut off by the header timeout (600 ms, checked every 300 ms).
  const waited = await waitUntil(() => closed.size === 60, 5_000);
  expect(closed.size).toBe(60);
  expect(waited).toBeLessThan(5_000);
  // And the hostile address may connect again once its sockets are gone.
  expect(await lookupFrom('127.0.0.3')).toBeLessThan(500);
});
