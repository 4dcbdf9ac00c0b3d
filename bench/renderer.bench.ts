/**
 * The till's screens against a blank vite + react page built the same way (same vite, same react
 * plugin, same target) and served by the same browser host: gzip size of the html, js and css
 * Chromium downloads from navigation start until the meter field is focused and takes a keystroke
 * (screens loaded on first use are not in it), and time to that interactive cashier screen (operator
 * already signed in) in Debian's Chromium, cold (browser launched for the run) and warm (new context
 * in a running browser). Target: ≤ 1.5× the blank page. The whole build's gzip size is printed
 * beside, without a target.
 */
import react from '@vitejs/plugin-react';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { build } from 'vite';
import { TOKEN_HEADER } from '../electron/api/contract';
import { SESSION_COOKIE, startBrowserHost } from '../electron/hosts/browser-host';
import { startTillRuntime } from '../electron/till/runtime';
import { DEFAULT_OPERATORS } from '../electron/till/service';
import { atMost, type TargetCheck } from './targets';

const root = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WARM_RUNS = 15;
const COLD_RUNS = 5;

/** The blank page: React mounting one autofocused field with the cashier's id, nothing else. */
const BLANK_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blank</title></head><body><div id="root"></div><script type="module" src="./main.tsx"></script></body></html>';
const BLANK_MAIN = "import { createRoot } from 'react-dom/client';\ncreateRoot(document.getElementById('root')!).render(<input id=\"meter\" aria-label=\"Meter number\" autoFocus />);\n";

/** Records, from navigation start, the moment the meter field takes focus (ready for the first keystroke). */
const READY_PROBE = `document.addEventListener('focusin', (e) => { if (e.target && e.target.id === 'meter' && window.__ready === undefined) window.__ready = performance.now(); }, true);`;

function gzipBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) total += gzipBytes(path);
    else if (/\.(js|css|html)$/.test(name)) total += gzipSync(readFileSync(path)).length;
  }
  return total;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Waits for the focused meter field, then checks it takes a keystroke (a focused field that drops input is not ready). */
async function readyAndTyping(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready !== undefined, undefined, { timeout: 15_000 });
  await page.keyboard.type('0');
  const value = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value);
  if (value !== '0') throw new Error(`the meter field was focused but did not take a keystroke (value ${JSON.stringify(value)})`);
}

/** The cashier's sign-in session cookie, as the till's page would hold it after signing in (sessions are per browser). */
interface SessionCookie {
  name: string;
  value: string;
  url: string;
}

async function signInCookie(origin: string, token: string): Promise<SessionCookie> {
  const res = await fetch(`${origin}/api/signIn`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token }, body: JSON.stringify({ operatorId: 'cashier', pin: '1111' }) });
  const pair = /^([^=]+)=([^;]+)/.exec(res.headers.getSetCookie().find((l) => l.startsWith(`${SESSION_COOKIE}=`)) ?? '');
  if (!res.ok || !pair) throw new Error(`bench could not sign the cashier in (HTTP ${res.status})`);
  // Her drawer session open, so the Sell screen shows the meter field (untimed, as a day's first step).
  const opened = await fetch(`${origin}/api/openShift`, { method: 'POST', headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token, cookie: `${pair[1]}=${pair[2]}` }, body: JSON.stringify({ floatCents: 0 }) });
  if (!opened.ok) throw new Error(`bench could not open the cashier's drawer session (HTTP ${opened.status})`);
  return { name: pair[1]!, value: pair[2]!, url: origin };
}

const DOWNLOADED = new Set(['document', 'script', 'stylesheet']);

/**
 * Gzip bytes of the html, js and css a fresh context fetches until the meter field takes a keystroke
 * (each body gzipped here, as gzipBytes does the build's files, whatever the host sends). A redirect
 * (the launch token traded for the access cookie) has no body and counts nothing.
 */
async function downloadedGzip(browser: Browser, url: string, cookie: SessionCookie): Promise<number> {
  const context = await browser.newContext();
  await context.addCookies([cookie]);
  try {
    const page = await context.newPage();
    const requests: Request[] = [];
    page.on('request', (r) => {
      if (DOWNLOADED.has(r.resourceType())) requests.push(r);
    });
    await page.addInitScript(READY_PROBE);
    await page.goto(url);
    await readyAndTyping(page);
    let total = 0;
    for (const request of [...requests]) {
      const response = await request.response();
      if (!response) throw new Error(`bench: no response to ${request.url()}`);
      if (response.status() >= 300 && response.status() < 400) continue;
      if (!response.ok()) throw new Error(`bench: ${request.url()} answered HTTP ${response.status()}`);
      total += gzipSync(await response.body()).length;
    }
    return total;
  } finally {
    await context.close();
  }
}

async function timeToReady(browser: Browser, url: string, cookie: SessionCookie): Promise<number> {
  const context = await browser.newContext();
  await context.addCookies([cookie]);
  try {
    const page = await context.newPage();
    await page.addInitScript(READY_PROBE);
    await page.goto(url);
    await readyAndTyping(page);
    return await page.evaluate(() => (window as unknown as { __ready: number }).__ready);
  } finally {
    await context.close();
  }
}

/** Wall time from launching Chromium to the focused meter field. */
async function coldToReady(url: string, cookie: SessionCookie): Promise<number> {
  const start = performance.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const context = await browser.newContext();
    await context.addCookies([cookie]);
    const page = await context.newPage();
    await page.addInitScript(READY_PROBE);
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready !== undefined, undefined, { timeout: 15_000 });
    const ms = performance.now() - start;
    await readyAndTyping(page);
    return ms;
  } finally {
    await browser.close();
  }
}

export default async function (): Promise<TargetCheck[]> {
  const work = mkdtempSync(join(tmpdir(), 'bench-renderer-'));
  // The blank page's sources sit under node_modules/.cache so `react` resolves from the project.
  const cacheDir = join(root, 'node_modules/.cache/bench-blank-page');
  mkdirSync(cacheDir, { recursive: true });
  // Real path: in a worktree node_modules is a symlink, and vite names the page by its path from root.
  const blankSrc = realpathSync(cacheDir);
  writeFileSync(join(blankSrc, 'index.html'), BLANK_HTML);
  writeFileSync(join(blankSrc, 'main.tsx'), BLANK_MAIN);
  const tillOut = join(work, 'till');
  const blankOut = join(work, 'blank');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'silent', build: { outDir: tillOut, emptyOutDir: true } });
  await build({ configFile: false, root: blankSrc, base: './', plugins: [react()], logLevel: 'silent', build: { outDir: blankOut, emptyOutDir: true, target: 'es2022' } });
  const whole = { till: gzipBytes(tillOut), blank: gzipBytes(blankOut) };

  const runtime = await startTillRuntime({ dataDir: join(work, 'data'), mode: 'browser', fileUrls: true, operators: DEFAULT_OPERATORS });
  const hosts: { close(): Promise<void> }[] = [];
  const downloaded = { till: 0, blank: 0 };
  const warm = { till: [] as number[], blank: [] as number[] };
  const cold = { till: [] as number[], blank: [] as number[] };
  try {
    const till = await startBrowserHost({ invokeAs: runtime.backend.invokeAs, port: 0, rendererDir: tillOut });
    hosts.push(till);
    const blank = await startBrowserHost({ invokeAs: runtime.backend.invokeAs, port: 0, rendererDir: blankOut });
    hosts.push(blank);
    const tillCookie = await signInCookie(till.url, till.token);
    const blankCookie = await signInCookie(blank.url, blank.token);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      // One load each counts the bytes (a new context starts with an empty cache) and is not timed; then alternate so drift hits both pages alike.
      downloaded.till = await downloadedGzip(browser, till.openUrl, tillCookie);
      downloaded.blank = await downloadedGzip(browser, blank.openUrl, blankCookie);
      for (let i = 0; i < WARM_RUNS; i++) {
        warm.till.push(await timeToReady(browser, till.openUrl, tillCookie));
        warm.blank.push(await timeToReady(browser, blank.openUrl, blankCookie));
      }
    } finally {
      await browser.close();
    }
    for (let i = 0; i < COLD_RUNS; i++) {
      cold.till.push(await coldToReady(till.openUrl, tillCookie));
      cold.blank.push(await coldToReady(blank.openUrl, blankCookie));
    }
  } finally {
    for (const h of hosts) await h.close();
    await runtime.close();
    rmSync(work, { recursive: true, force: true });
    rmSync(blankSrc, { recursive: true, force: true });
  }

  const row = (label: string, a: number, b: number, unit: string) =>
    console.log(`${label.padEnd(52)} ${`${a.toFixed(unit === 'KiB' ? 1 : 0)} ${unit}`.padStart(12)} ${`${b.toFixed(unit === 'KiB' ? 1 : 0)} ${unit}`.padStart(12)} ${`${(a / b).toFixed(2)}×`.padStart(8)}`);
  console.log(`${'renderer (target ≤ 1.50× the blank page)'.padEnd(52)} ${'till'.padStart(12)} ${'blank page'.padStart(12)} ${'ratio'.padStart(8)}`);
  const rows: [string, number, number, string][] = [
    ['downloaded to the meter field, gzip (html+js+css)', downloaded.till / 1024, downloaded.blank / 1024, 'KiB'],
    [`navigation start → meter field focused (median of ${WARM_RUNS})`, median(warm.till), median(warm.blank), 'ms'],
    [`Chromium launch → meter field focused (median of ${COLD_RUNS})`, median(cold.till), median(cold.blank), 'ms'],
  ];
  for (const r of rows) row(...r);
  row('whole build, gzip (html+js+css), no target', whole.till / 1024, whole.blank / 1024, 'KiB');
  return rows.map(([label, till, blank]) => atMost(`renderer ${label} vs the blank page`, till / blank, 1.5, '×'));
}
