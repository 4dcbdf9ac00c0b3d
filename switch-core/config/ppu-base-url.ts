/**
 * A PPU server's base URL as its operator publishes it (`https://host:8443/prepaidutility/v3`) turned
 * into the origin our PPU client puts its paths under. An origin alone means the standard path under
 * it. Shared by the switch's providers file and the till's switch URL, so both read URLs alike.
 */
import { PPU_BASE_PATH } from '../protocol';

export type PpuRoot = { ok: true; root: string } | { ok: false; message: string };

export function ppuRoot(baseUrl: string): PpuRoot {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { ok: false, message: 'is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, message: 'must be an http:// or https:// URL' };
  if (url.search || url.hash || url.username || url.password) return { ok: false, message: 'must carry no query, fragment or credentials' };
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '' && !path.endsWith(PPU_BASE_PATH)) return { ok: false, message: `must end in ${PPU_BASE_PATH} (or be an origin alone)` };
  return { ok: true, root: url.origin + path.slice(0, path.length - (path === '' ? 0 : PPU_BASE_PATH.length)) };
}
