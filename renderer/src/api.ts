/**
 * The renderer's TillApi client. Only type imports from the contract (so zod stays out of the
 * bundle); the transport is the contract's: Electron's `window.till.invoke`, else
 * POST /api/<method> with the per-launch token header. Never throws.
 */
import type { ArgsOf, Invoke, MethodName, Result, TillBridge, TillValues } from '../../electron/api/contract';

const TOKEN_KEY = 'till-token';

export function pageToken(): string {
  const g = globalThis as unknown as { __TILL_TOKEN__?: string };
  if (g.__TILL_TOKEN__) return g.__TILL_TOKEN__;
  const q = new URLSearchParams(location.search).get('token');
  try {
    if (q) sessionStorage.setItem(TOKEN_KEY, q);
    return q ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return q ?? '';
  }
}

function httpInvoke(token: string): Invoke {
  return async <M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<TillValues[M]>> => {
    try {
      const res = await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-till-token': token }, body: JSON.stringify(args ?? {}) });
      const body = (await res.json().catch(() => null)) as Result<TillValues[M]> | null;
      if (body && typeof body === 'object' && 'ok' in body) return body;
      return { ok: false, error: { code: 'INTERNAL', message: `The till answered HTTP ${res.status} without a result. Try again.` } };
    } catch {
      return { ok: false, error: { code: 'BACKEND_UNREACHABLE', message: 'Cannot reach the till back end. Check that the till is running, then try again.' } };
    }
  };
}

const bridge = (globalThis as unknown as { till?: TillBridge }).till;
export const token = bridge ? '' : pageToken();
export const invoke: Invoke = bridge ? bridge.invoke : httpInvoke(token);
export const call = invoke;

/** A file URL for a virtual printer job in browser mode. */
export const withToken = (url: string) => `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
