/**
 * What a provider sends back is recorded as it came, whatever it is: an HTML error page from a
 * proxy in front of it, or an empty 202. Over real HTTP on loopback, with a hand-rolled provider.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookupRequest } from '../protocol/test/fixtures';
import { startSwitch } from '../index';
import { admin, tillClient } from './helpers';

const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

const PAGE = '<html><body><h1>502 Bad Gateway</h1></body></html>';

describe('provider answers in the traces', () => {
  it('keeps an HTML error page from a provider readable in the transaction detail, and says the outcome is unknown', async () => {
    const provider = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(502, { 'content-type': 'text/html' }).end(PAGE));
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => provider.close(() => r())));
    const dir = mkdtempSync(join(tmpdir(), 'switch-answers-'));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const sw = await startSwitch({
      dataDir: dir,
      port: 0,
      auth: { username: 'till', password: 'pw' },
      providers: [
        {
          descriptor: { id: 'PX', name: 'Proxy-fronted', capabilities: { retries: true, reprints: true, trialPurchases: false, faultReports: false, keyChange: false }, utilityTypes: ['ELECTRICITY'] },
          baseUrl: `http://127.0.0.1:${(provider.address() as AddressInfo).port}`,
          username: 'u',
          password: 'p',
        },
      ],
    });
    closers.push(() => sw.close());
    const till = tillClient(sw);
    closers.push(() => till.close());

    const lookup = lookupRequest('01234567897');
    const r = await till.meterLookup(lookup);
    expect(r.outcome).not.toBe('successful');
    const detail = await admin(sw).get<{ traces: { direction: string; status: number | null; responseBody: unknown }[] }>(`/transactions/${lookup.id}`);
    expect(detail.status).toBe(200);
    const hop = detail.body.traces.find((t) => t.direction === 'switch->provider');
    expect(hop).toMatchObject({ status: 502, responseBody: PAGE });
  });
});
