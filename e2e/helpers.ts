/** Shared e2e steps: open the till, sign in, call the TillApi directly for set-up and read-back. */
import net from 'node:net';
import { expect, type Page } from '@playwright/test';
import type { ArgsOf, MethodName, Result, TillValues } from '../electron/api/contract';
import { E2E_PORT, E2E_TOKEN } from './playwright.config';

export const ARTIFACTS = 'test-results/e2e-artifacts';

/**
 * The tests' own client for set-up and read-back: a second browser with its own sign-in session
 * (cookie), apart from the page's. It signs itself in as the cashier on first use (so "the cashier's
 * last sale" reads what the page sold); tests sign it in as the manager where they need one.
 */
let apiCookie = '';
let apiOperator = '';
const PINS: Record<string, string> = { cashier: '1111', manager: '9999' };
const SESSIONLESS: readonly MethodName[] = ['signIn', 'signOut', 'session', 'status'];
export async function api<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<TillValues[M]>> {
  if (!apiCookie && !SESSIONLESS.includes(method)) await api('signIn', { operatorId: 'cashier', pin: '1111' });
  const res = await fetch(`http://127.0.0.1:${E2E_PORT}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-till-token': E2E_TOKEN, ...(apiCookie ? { cookie: apiCookie } : {}) },
    body: JSON.stringify(args),
  });
  for (const line of res.headers.getSetCookie()) apiCookie = /^till_session=[^;]+/.exec(line)?.[0] ?? '';
  const result = (await res.json()) as Result<TillValues[M]>;
  if (method === 'signIn' && result.ok) apiOperator = (args as ArgsOf<'signIn'>).operatorId;
  if (method === 'signOut') apiOperator = '';
  return result;
}

/** A virtual printer file (`/print-jobs/<n>.png|bin`) fetched on the tests' client's sign-in, as the page's own image is. */
export function apiFile(path: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${E2E_PORT}${path}?token=${E2E_TOKEN}`, { headers: apiCookie ? { cookie: apiCookie } : {} });
}

/** Opens the till signed out (a fresh session cookie), as a new browser on the counter would. */
export async function openSignedOut(page: Page): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`/?token=${E2E_TOKEN}`);
}

/** Signs the page in as `operatorId`, and the tests' own client as the same operator (so read-backs see what the page did). */
export async function signIn(page: Page, operatorId: 'cashier' | 'manager'): Promise<void> {
  await api('signIn', { operatorId, pin: PINS[operatorId] ?? '' });
  await openSignedOut(page);
  await page.getByLabel('Operator').fill(operatorId);
  await page.getByLabel('PIN', { exact: true }).fill(operatorId === 'cashier' ? '1111' : '9999');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('operator')).toContainText(operatorId === 'cashier' ? 'cashier' : 'manager');
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/** The two counter screens the till is built for. */
export const COUNTER_SIZES = [
  { width: 1366, height: 768 },
  { width: 1024, height: 768 },
] as const;

/** What scrolls sideways on the page: the page itself, or any box on show whose content is wider than it and may be scrolled (a closed <details> hides its box). */
export function sidewaysScroll(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const wide: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) wide.push(`the page (${root.scrollWidth} px in ${root.clientWidth})`);
    for (const el of document.querySelectorAll<HTMLElement>('main *, .top *')) {
      if (el.scrollWidth <= el.clientWidth + 1 || !el.checkVisibility()) continue;
      const ox = getComputedStyle(el).overflowX;
      if (ox === 'auto' || ox === 'scroll') wide.push(`${el.tagName.toLowerCase()}.${el.className} (${el.scrollWidth} px in ${el.clientWidth})`);
    }
    return wide;
  });
}

/** The screen as the cashier sees it (no scrolling) at both counter sizes: `<name>-1366x768.png`, `<name>-1024x768.png`; nothing on it scrolls sideways. */
export async function shotBoth(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const size of COUNTER_SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${ARTIFACTS}/${name}-${size.width}x${size.height}.png` });
    expect(await sidewaysScroll(page), `${name} at ${size.width}×${size.height} scrolls sideways`).toEqual([]);
  }
  if (before) await page.setViewportSize(before);
}

/** Looks a meter up and types an amount on the cashier screen, by keyboard as a cashier would: ready to sell. */
export async function lookUp(page: Page, meterId: string, rands: string): Promise<void> {
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.keyboard.type(meterId, { delay: 5 }); // a scanner: fast keystrokes then Enter
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('customer')).toBeVisible();
  await expect(page.getByLabel('Amount (R)')).toBeFocused();
  await page.keyboard.type(rands);
}

/** Looks a meter up and sells an amount (F2). */
export async function sell(page: Page, meterId: string, rands: string): Promise<void> {
  await lookUp(page, meterId, rands);
  await page.keyboard.press('F2');
}

/** With the providers failing: sells (F2), sees the sale retrying, leaves it pending (F4). Answers its reference. */
export async function leavePending(page: Page): Promise<string> {
  await page.keyboard.press('F2');
  await expect(page.getByTestId('outcome-pending')).toContainText(/retrying/i);
  await page.keyboard.press('F4');
  await expect(page.getByTestId('outcome-pending')).toContainText('PENDING — DO NOT RESELL');
  return (await page.getByTestId('short-ref').getAttribute('data-reference')) ?? '';
}

type FaultPatch = ArgsOf<'setProviderBehaviour'>['patch'];

/** Runs `step` with the tests' own session signed in as the manager (the fault knobs need one), then gives it back to whoever had it; the page's session is untouched. */
export async function asManager<T>(step: () => Promise<T>): Promise<T> {
  const before = apiOperator;
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  try {
    return await step();
  } finally {
    if (before && before !== 'manager') await api('signIn', { operatorId: before, pin: PINS[before] ?? '' });
  }
}

/**
 * Runs `body` with the same faults set on every simulated provider, then puts back what each had
 * before (the demo's slow provider keeps its own latency).
 */
export async function withFaults(patch: FaultPatch, body: () => Promise<void>): Promise<void> {
  const keys = Object.keys(patch) as (keyof FaultPatch)[];
  const before = await asManager(async () => {
    const ps = await api('providers', {});
    const saved = new Map<string, FaultPatch>();
    for (const p of ps.ok ? ps.value.providers : []) {
      if (!p.behaviour) continue;
      saved.set(p.id, Object.fromEntries(keys.map((k) => [k, p.behaviour![k]])));
      await api('setProviderBehaviour', { providerId: p.id, patch });
    }
    return saved;
  });
  try {
    await body();
  } finally {
    await asManager(async () => {
      for (const [providerId, old] of before) await api('setProviderBehaviour', { providerId, patch: old });
    });
  }
}

/** Records every text the cashier's progress line shows, however briefly (installed before the page loads). */
export async function recordProgress(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __progress: string[] }).__progress = seen;
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('.progress')) {
        const t = el.textContent?.trim() ?? '';
        if (t && seen[seen.length - 1] !== t) seen.push(t);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
}

/** A switch address nothing listens on: connections to it are refused. */
export async function refusingUrl(): Promise<string> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}
