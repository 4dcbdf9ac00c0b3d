/**
 * Bounds on what a client can hold open on the switch: how long a request may take to arrive (its
 * headers, then the whole of it), how long an idle keep-alive socket stays, and how many sockets may
 * be open at once — in total and per client address — so half-sent requests from one host cannot
 * exhaust the switch for every till. At the total, a new client is let in by closing the oldest socket
 * of the address holding the most (when that holds more than the newcomer would), so no number of
 * busy addresses can shut out one holding few: nine addresses at their cap (9 × 256 > 2,048) once
 * refused every client for seconds at a time. Otherwise a socket over a cap is closed at once, before
 * any byte is read.
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
  // The total is enforced here, not by Node (which would refuse the newcomer, however few it holds).
  const open = new Map<string, Set<Socket>>();
  let total = 0;
  const heaviest = (): Set<Socket> | null => {
    let worst: Set<Socket> | null = null;
    for (const s of open.values()) if (!worst || s.size > worst.size) worst = s;
    return worst;
  };
  const onSocket = (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const own = open.get(address) ?? new Set<Socket>();
    if (own.size >= limits.maxConnectionsPerAddress) {
      socket.destroy();
      return;
    }
    if (total >= limits.maxConnections) {
      const worst = heaviest();
      const oldest = worst && worst.size > own.size + 1 ? worst.values().next().value : undefined;
      if (!oldest) {
        socket.destroy();
        return;
      }
      oldest.destroy(); // its 'close' below gives the place back
    }
    own.add(socket);
    open.set(address, own);
    total++;
    socket.once('close', () => {
      total--;
      own.delete(socket);
      if (own.size === 0 && open.get(address) === own) open.delete(address);
    });
  };
  // TLS servers hand over the raw socket on 'connection' too, before the handshake.
  server.on('connection', onSocket);
  return { openByAddress: () => new Map([...open].map(([a, s]) => [a, s.size])) };
}
