/** A TillApi over the browser host's HTTP — the renderer's own httpInvoke — that keeps its session cookie as a browser would (tests only). */
import { apiFromInvoke, type TillApi } from '../../api/contract';
import { httpInvoke } from '../../api/http-client';
import { SESSION_COOKIE } from '../browser-host';

export type BrowserClient = TillApi & { cookie(): string | null; setCookieHeaders: string[] };

export function browserClient(url: string, token: string): BrowserClient {
  let cookie: string | null = null;
  const setCookieHeaders: string[] = [];
  const jarFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(input, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      setCookieHeaders.push(line);
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name === SESSION_COOKIE) cookie = value ? `${name}=${value}` : null;
    }
    return res;
  };
  return Object.assign(apiFromInvoke(httpInvoke(url, token, jarFetch)), { cookie: () => cookie, setCookieHeaders });
}
