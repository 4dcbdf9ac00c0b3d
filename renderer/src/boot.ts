/**
 * Asks the back end who is signed in while React is still loading, so the first screen drawn is
 * the right one (the cashier's meter field, ready for a keystroke) without waiting for a round
 * trip after mount. Imported first by main.tsx so the request leaves before react-dom evaluates.
 */
import type { Result, SessionView } from '../../electron/api/contract';
import { call } from './api';

let early: Promise<Result<SessionView>> | null = call('session', {});

/** The early answer the first time, a fresh request after that. */
export function fetchSession(): Promise<Result<SessionView>> {
  const r = early ?? call('session', {});
  early = null;
  return r;
}
