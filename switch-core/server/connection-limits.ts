/**
 * Bounds on what a client can hold open on the switch: how long a request may take to arrive (its
 * headers, then the whole of it), how long an idle keep-alive socket stays, and how many sockets may
 * be open at once — in total and per client address — so half-sent requests from one host cannot
 * exhaust the switch for every till. A socket over a cap is closed at once, before any byte is read.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Time for a request's headers to arrive (Node's headersTimeout). */
  headersTimeoutMs: number;
  /** Time for a whole request to arrive (Node's requestTimeout); a purchase's answer time is not counted. */
  requestTimeoutMs: number;
  /** An idle kept-alive socket is closed after this. */
  keepAliveTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 2_048,
  // A shop's tills often share one public address (NAT); the bench runs 100 clients from one host.
  maxConnectionsPerAddress: 256,
};

/** Applies the limits to a listening-ready node:http(s) server; returns how many sockets each address holds (for tests and the admin view). */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits): { openByAddress(): ReadonlyMap<string, number> } {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  const onSocket = (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  };
  // TLS servers hand over the raw socket on 'connection' too, before the handshake.
  server.on('connection', onSocket);
  return { openByAddress: () => open };
}
