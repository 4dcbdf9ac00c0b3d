/**
 * The browser host as a shop uses it, with a till of its own (a second e2e host on a free port and a
 * data folder kept across its restart): the printed address's token becomes an access cookie and
 * leaves the address bar; the status bar says the back end is unreachable within 5 s of it stopping;
 * after a restart with a new launch token the bookmarked plain address still works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Starts e2e/host.ts on `port` over `dataDir` with `token`; resolves once it serves. */
async function startTill(port: number, dataDir: string, token: string): Promise<ChildProcess> {
  // One process (node with tsx's loader), so a SIGTERM reaches the host itself and it closes its till.
  const child = spawn(process.execPath, ['--import', 'tsx', 'e2e/host.ts'], { env: { ...process.env, E2E_PORT: String(port), E2E_TOKEN: token, E2E_DATA_DIR: dataDir, E2E_PRINTER_SOCKET_FILE: '' }, stdio: 'ignore' });
  await expect
    .poll(async () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status, () => 0), { timeout: 60_000, intervals: [250] })
    .toBe(200);
  return child;
}

async function stopTill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function signInCashier(page: Page): Promise<void> {
  await page.getByLabel('Operator').fill('cashier');
  await page.getByLabel('PIN', { exact: true }).fill('1111');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('operator')).toContainText('cashier');
}

test('a bookmark survives a restart, and the status bar says when the back end has stopped', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'till-e2e-restart-'));
  let till = await startTill(port, dataDir, 'first-launch-token-0123');
  try {
    const plain = `http://127.0.0.1:${port}/`;
    await page.goto(`${plain}?token=first-launch-token-0123`);
    await expect(page).toHaveURL(plain); // the token became a cookie and left the address
    await signInCashier(page);
    await expect(page.getByTestId('switch-status')).toContainText('Switch: reachable');

    // The back end stops: the status bar says so within 5 s, instead of a stale "Switch: reachable".
    await stopTill(till);
    await expect(page.getByTestId('backend-status')).toHaveText('Till back end unreachable', { timeout: 5000 });
    await expect(page.getByTestId('switch-status')).toHaveCount(0);
    await expect(page.getByTestId('problem-banner')).toContainText("The till's back end is not answering");

    // Restarted with a new launch token nobody copied: the bookmarked plain address still works.
    till = await startTill(port, dataDir, 'second-launch-token-456');
    await page.goto(plain);
    await signInCashier(page);
    await expect(page.getByTestId('backend-status')).toHaveCount(0);

    // A browser that never opened the printed address gets nothing from the bookmark.
    const stranger = await browser.newPage();
    await stranger.goto(plain);
    await expect(stranger.getByTestId('session-problem')).toContainText('This browser has no access to the till yet. Open the address the till printed at start');
    const refused = await stranger.request.post(`${plain}api/signIn`, { data: { operatorId: 'cashier', pin: '1111' } });
    expect(refused.status()).toBe(401);
    await stranger.close();
  } finally {
    await stopTill(till);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
