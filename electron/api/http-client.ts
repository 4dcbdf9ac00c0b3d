/**
 * Browser-safe TillApi clients for the renderer: over HTTP (browser host) with the per-launch token,
 * or over the Electron preload bridge (`window.till`). `connectTill()` picks whichever is present.
 * No Node imports: only fetch and the contract.
 */
import {
  API_PREFIX,
  TOKEN_HEADER,
  TOKEN_QUERY,
  apiFromInvoke,
  type ArgsOf,
  type Invoke,
  type MethodName,
  type Result,
  type TillApi,
  type TillBridge,
  type TillValues,
} from './contract';

/** HTTP invoke: POST <baseUrl>/api/<method> with the token header; never throws. */
export function httpInvoke(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): Invoke {
  const base = baseUrl.replace(/\/+$/, '');
  return async <M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<TillValues[M]>> => {
    try {
      const res = await fetchImpl(`${base}${API_PREFIX}${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(args ?? {}),
      });
      const body = (await res.json().catch(() => null)) as Result<TillValues[M]> | null;
      if (body && typeof body === 'object' && 'ok' in body) return body;
      return { ok: false, error: { code: 'INTERNAL', message: `The till answered HTTP ${res.status} without a result. Try again; if it repeats, restart the till.` } };
    } catch {
      return { ok: false, error: { code: 'BACKEND_UNREACHABLE', message: 'Cannot reach the till back end. Check that the till is running, then try again.' } };
    }
  };
}

export function createHttpTillApi(baseUrl: string, token: string, fetchImpl?: typeof fetch): TillApi {
  return apiFromInvoke(httpInvoke(baseUrl, token, fetchImpl));
}

/** The token from the page URL (`?token=`) or from `window.__TILL_TOKEN__`; kept in sessionStorage across reloads. */
export function tokenFromLocation(): string | null {
  const g = globalThis as unknown as { location?: { search: string; hash: string }; __TILL_TOKEN__?: string; sessionStorage?: Storage };
  if (typeof g.__TILL_TOKEN__ === 'string' && g.__TILL_TOKEN__) return g.__TILL_TOKEN__;
  const fromQuery = g.location ? new URLSearchParams(g.location.search).get(TOKEN_QUERY) ?? new URLSearchParams(g.location.hash.replace(/^#/, '')).get(TOKEN_QUERY) : null;
  try {
    if (fromQuery) g.sessionStorage?.setItem('till-token', fromQuery);
    return fromQuery ?? g.sessionStorage?.getItem('till-token') ?? null;
  } catch {
    return fromQuery;
  }
}

/** Electron (window.till) if present, else HTTP to the page's own origin with the token from the URL. */
export function connectTill(): { api: TillApi; mode: 'electron' | 'browser' } {
  const g = globalThis as unknown as { till?: TillBridge; location?: { origin: string } };
  if (g.till && typeof g.till.invoke === 'function') return { api: apiFromInvoke(g.till.invoke), mode: 'electron' };
  const origin = g.location?.origin ?? 'http://127.0.0.1';
  return { api: createHttpTillApi(origin, tokenFromLocation() ?? ''), mode: 'browser' };
}
