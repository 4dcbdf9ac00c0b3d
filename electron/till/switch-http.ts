/**
 * The till's plain-HTTP calls to its switch beside PPU v3 — the admin API (console views) and the
 * store API (a store's sales, end of day, reconciliation) — on the switch in use, with the till's
 * switch credentials; the switch's refusals come back as the cashier-worded ApiFail codes.
 */
import { ApiFail } from './backend-context';
import type { SwitchLink } from './switch-link';

export async function callSwitch<T>(link: SwitchLink, method: 'GET' | 'POST' | 'PATCH', path: string, body: unknown, refusedWords: string): Promise<T> {
  const t = link.target();
  if (!t.root) throw new ApiFail('SWITCH_UNREACHABLE', 'No switch is configured. Set the switch URL in Settings.');
  let res: Response;
  try {
    res = await fetch(`${t.root}${path}`, {
      method,
      headers: { authorization: 'Basic ' + Buffer.from(`${t.username}:${t.password}`).toString('base64'), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new ApiFail('SWITCH_UNREACHABLE', 'The switch cannot be reached. Check the network and the switch URL, then try again.');
  }
  const data = (await res.json().catch(() => null)) as { message?: string; errorMessage?: string; detailMessage?: { message?: string } } | null;
  const said = data?.detailMessage?.message ?? data?.message ?? data?.errorMessage;
  if (res.status === 404) throw new ApiFail('NOT_FOUND', said ?? 'Not found on the switch.');
  if (res.status === 401 || res.status === 403) throw new ApiFail('FORBIDDEN', `${refusedWords}${said ? ` (the switch says: ${said})` : ''}`);
  if (res.status >= 400) throw new ApiFail('INVALID_INPUT', said ?? `The switch answered HTTP ${res.status}.`);
  return data as T;
}
