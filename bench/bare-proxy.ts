/**
 * The switch benches' floor: a bare pass-through proxy in front of one provider. It does what
 * any switch must do to a request and nothing more — Node's HTTP server takes it in, its JSON is
 * parsed and written out again, Node's keep-alive HTTP client (the transport the switch's
 * PpuClient uses) sends it on with the provider's credentials, and the answer goes back byte for
 * byte: no validation, no routing, no store. Measured beside the switch under the same load, in a
 * process shaped like the switch's (switch-node.child.ts), it is what this machine charges for one
 * HTTP hop in Node before the switch does any work of its own: the switch's targets are ratios to it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upstream {
  baseUrl: string;
  username: string;
  password: string;
}

export interface BareProxy {
  /** The proxy's base URL: the upstream's, on the proxy's port (paths pass through unchanged). */
  url: string;
  close(): Promise<void>;
}

// Stream events, not `for await`: the floor should cost no more than it must.
function readAll(stream: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startBareProxy(upstream: Upstream): Promise<BareProxy> {
  const target = new URL(upstream.baseUrl);
  const authorization = `Basic ${Buffer.from(`${upstream.username}:${upstream.password}`).toString('base64')}`;
  // The switch's PpuClient pool settings (protocol/client.ts), so both hops pool their connections alike.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128, scheduling: 'lifo' });
  async function forward(req: http.IncomingMessage): Promise<{ status: number; body: Buffer }> {
    const body = Buffer.from(JSON.stringify(JSON.parse((await readAll(req)).toString('utf8'))));
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const out = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, agent, headers: { 'content-type': 'application/json', 'content-length': body.length, authorization } },
        resolve,
      );
      out.on('error', reject);
      out.end(body);
    });
    return { status: res.statusCode ?? 502, body: await readAll(res) };
  }
  const server = http.createServer((req, res) => {
    void forward(req)
      .catch((err: Error) => ({ status: 502, body: Buffer.from(JSON.stringify({ message: err.message })) }))
      .then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
