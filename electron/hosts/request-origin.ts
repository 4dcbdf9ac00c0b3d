/**
 * Who may talk to the browser host: it listens on loopback only, so the Host header must name
 * loopback at our port (a DNS-rebinding page arrives with its own host name), and a cross-origin page
 * that tries the API carries its own Origin. Pure, so the rule is tested without a server.
 */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The Host header names this host: a loopback name and our port. */
export function isOwnHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(host.trim().toLowerCase());
  return m !== null && LOOPBACK_NAMES.has(m[1] ?? '') && Number(m[2]) === port;
}

/** No Origin (a same-origin GET, the CLI, tests) or our own origin; anything else is another site. */
export function isOwnOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return u.protocol === 'http:' && isOwnHost(u.host, port);
  } catch {
    return false;
  }
}
