/**
 * Who is signed in, known before React draws anything, so the first screen drawn is the right one
 * (the cashier's meter field, ready for a keystroke) without a round trip after mount: the browser
 * host writes the answer into the page; without it (Electron) the request leaves while React is
 * still loading — main.tsx imports this first.
 */
import type { Result, SessionView } from '../../electron/api/contract';
import { pageSession } from '../../electron/api/http-client';
import { call } from './api';

/** The answer in the page, for the first render; null under Electron. */
export const sessionInPage = pageSession();

let early: Promise<Result<SessionView>> | null = sessionInPage ? null : call('session', {});

/** The early answer the first time, a fresh request after that. */
export function fetchSession(): Promise<Result<SessionView>> {
  const r = early ?? call('session', {});
  early = null;
  return r;
}
