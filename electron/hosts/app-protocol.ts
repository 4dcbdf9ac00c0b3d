/**
 * The till's own `app://till/` origin for the Electron window, and the one Content-Security-Policy
 * every host sends. Pure (no electron import) so the rules are tested under plain Node: which file a
 * request may read (nothing outside the built renderer), its content type, and whether an IPC call
 * comes from our own page. electron/main.ts wires these into `protocol.handle` and `ipcMain`.
 */
import { extname, join, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://till`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * One policy for the Electron protocol handler, the browser host's header and the `<meta>` in
 * renderer/index.html (a test keeps the meta equal to this). `frame-ancestors` only works as a
 * header, so the meta carries the rest and the header adds it.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
export const CSP_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `rendererDir` that an app:// URL names, or null for any other origin, an encoded
 * escape (`..`, `%2e%2e`, backslashes) or a path that would leave the directory.
 */
export function resolveAppFile(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== 'till') return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const root = resolve(rendererDir);
  const file = resolve(join(root, path === '/' ? 'index.html' : path));
  return file.startsWith(root + sep) ? file : null;
}

/** IPC is answered only for our own top-level page: the sender frame's URL is on app://till/. */
export function isTrustedSenderUrl(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'till';
  } catch {
    return false;
  }
}
