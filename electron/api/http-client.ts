/**
 * The renderer's TillApi client, and the one the host tests drive: over the Electron preload bridge
 * (`window.till`) when present, else over HTTP to the browser host with the per-launch token.
 * `connectTill()` picks whichever is present. No Node imports, and only types from the contract
 * (values from transport.ts), so zod stays out of the screens' bundle. Never throws.
 */
import type { ArgsOf, Invoke, MethodName, Result, SessionView, TillBridge, TillValues } from './contract';
import { API_PREFIX, PAGE_SESSION_ID, TOKEN_HEADER, TOKEN_QUERY } from './transport';

const TOKEN_KEY = 'till-token';

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

/** The session's answer the browser host wrote into the page (browser-host.ts withPageSession), or null when there is none (Electron). */
export function pageSession(): Result<SessionView> | null {
  const g = globalThis as unknown as { document?: Document };
  const text = g.document?.getElementById(PAGE_SESSION_ID)?.textContent;
  if (!text) return null;
  try {
    const r = JSON.parse(text) as Result<SessionView> | null;
    return r && typeof r === 'object' && 'ok' in r ? r : null;
  } catch {
    return null;
  }
}

/** The token from `window.__TILL_TOKEN__` or the page URL (`?token=` or `#token=`); kept in sessionStorage across reloads. */
function tokenFromLocation(): string {
  const g = globalThis as unknown as { location?: { search: string; hash: string }; __TILL_TOKEN__?: string; sessionStorage?: Storage };
  if (typeof g.__TILL_TOKEN__ === 'string' && g.__TILL_TOKEN__) return g.__TILL_TOKEN__;
  const fromQuery = g.location ? new URLSearchParams(g.location.search).get(TOKEN_QUERY) ?? new URLSearchParams(g.location.hash.replace(/^#/, '')).get(TOKEN_QUERY) : null;
  try {
    if (fromQuery) g.sessionStorage?.setItem(TOKEN_KEY, fromQuery);
    return fromQuery ?? g.sessionStorage?.getItem(TOKEN_KEY) ?? '';
  } catch {
    return fromQuery ?? '';
  }
}

export interface TillConnection {
  mode: 'electron' | 'browser';
  invoke: Invoke;
  /** The browser host's per-launch token ('' under Electron, which needs none). */
  token: string;
}

/** Electron (window.till) if present, else HTTP to the page's own origin with the token from the page. */
export function connectTill(): TillConnection {
  const g = globalThis as unknown as { till?: TillBridge; location?: { origin: string } };
  if (g.till && typeof g.till.invoke === 'function') return { mode: 'electron', invoke: g.till.invoke, token: '' };
  const token = tokenFromLocation();
  return { mode: 'browser', invoke: httpInvoke(g.location?.origin ?? '', token), token };
}
