/**
 * The PPU client against misbehaving servers over real loopback HTTP: whatever comes back, the
 * outcome is classified (never a throw, never a success read from a broken answer).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, PpuClient } from './client';
import { lookupRequest } from './test/fixtures';

let server: http.Server | null = null;
let client: PpuClient | null = null;
afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = client = null;
});

async function serve(handler: http.RequestListener, timeoutMs = 5_000): Promise<PpuClient> {
  server = http.createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  client = new PpuClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, username: 'u', password: 'p', timeoutMs });
  return client;
}

describe('PPU client on a misbehaving server', () => {
  it('refuses an answer larger than 1 MiB as an unknown outcome saying so', async () => {
    const c = await serve((req, res) => {
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(`{"pad":"${'x'.repeat(MAX_ANSWER_BYTES + 10)}"}`);
    });
    const r = await c.meterLookup(lookupRequest('01234567897'));
    expect(r).toMatchObject({ outcome: 'unknown', status: null });
    expect(r.outcome === 'unknown' && r.reason).toMatch(/answer larger than/);
  });

  it('treats a connection cut halfway through a 201 answer as unknown, not as a success', async () => {
    const c = await serve((req, res) => {
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '5000' });
      res.write('{"id":"half');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const r = await c.meterLookup(lookupRequest('01234567897'));
    expect(r).toMatchObject({ outcome: 'unknown', status: null });
  });

  it('gives up after its timeout when the server never answers', async () => {
    const c = await serve((req) => req.resume(), 200);
    const r = await c.meterLookup(lookupRequest('01234567897'));
    expect(r).toMatchObject({ outcome: 'unknown', status: null, reason: 'timeout' });
    expect(r.ms).toBeGreaterThanOrEqual(190);
  });

  it('sends basic auth and reads a 400 ErrorDetail as a failed outcome', async () => {
    let auth = '';
    const c = await serve((req, res) => {
      auth = req.headers.authorization ?? '';
      req.resume();
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errorType: 'FORMAT_ERROR', errorMessage: 'bad' }));
    });
    const r = await c.meterLookup(lookupRequest('01234567897'));
    expect(auth).toBe('Basic ' + Buffer.from('u:p').toString('base64'));
    expect(r).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'FORMAT_ERROR' } });
  });

  it('says a refused connection sent nothing, and a request cut after it arrived may have been received', async () => {
    let received = 0;
    const c = await serve((req) => {
      received++;
      req.resume();
      req.once('end', () => req.socket.destroy());
    });
    const cut = await c.meterLookup(lookupRequest('01234567897'));
    expect(received).toBe(1);
    expect(cut).toMatchObject({ outcome: 'unknown', status: null });
    expect(cut.outcome === 'unknown' && cut.notSent).toBeUndefined();
    // Nothing listens on a port just closed: the request never leaves.
    const port = (server!.address() as AddressInfo).port;
    const refused = new PpuClient({ baseUrl: `http://127.0.0.1:${port}`, username: 'u', password: 'p' });
    server!.closeAllConnections();
    await new Promise<void>((r) => server!.close(() => r()));
    server = null;
    const r = await refused.meterLookup(lookupRequest('01234567897'));
    await refused.close();
    expect(r).toMatchObject({ outcome: 'unknown', status: null, notSent: true });
    expect(r.outcome === 'unknown' && r.reason).toMatch(/ECONNREFUSED/);
  });
});
