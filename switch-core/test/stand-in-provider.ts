/**
 * A stand-in provider for tests: an HTTP server on loopback that passes every PPU request on to a
 * real (simulated) provider, except where the test answers it itself — for answers the simulators
 * never give (a 404 to an advice).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderEndpoint } from '../providers/types';

export interface Exchange {
  /** Path and query, e.g. /prepaidutility/v3/tokenPurchases/ID/confirmations/ID2. */
  path: string;
  body: unknown;
}

export interface Answer {
  status: number;
  body?: unknown;
}

export interface StandInOptions {
  /** An answer of the stand-in's own instead of the provider's; null passes the request on. */
  answer: (x: Exchange) => Answer | null;
}

export interface StandIn {
  endpoint: ProviderEndpoint;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const parse = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
};

export async function startStandIn(target: ProviderEndpoint, opts: StandInOptions): Promise<StandIn> {
  const server = createServer((req, res) => {
    void (async () => {
      const text = await bodyOf(req);
      const x: Exchange = { path: req.url ?? '/', body: parse(text) };
      let answer = opts.answer(x);
      if (!answer) {
        const upstream = await fetch(target.baseUrl + x.path, {
          method: req.method,
          headers: { authorization: req.headers.authorization ?? '', 'content-type': 'application/json' },
          body: req.method === 'GET' ? undefined : text,
        });
        answer = { status: upstream.status, body: parse(await upstream.text()) };
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: { ...target, baseUrl: `http://127.0.0.1:${port}` },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // the switch's client keeps connections alive
      }),
  };
}
