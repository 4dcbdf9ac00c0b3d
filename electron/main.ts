/**
 * Electron main process (the checklist, item by item): the till back end in-process; one window with
 * contextIsolation, sandbox and no nodeIntegration; the renderer served from our own `app://till/`
 * origin (never file://) with the CSP on every response; navigation, redirects, new windows, webviews
 * and every permission denied; one IPC handler that answers only our own top-level frame and hands
 * the call to the back end, whose invoke validates every argument. Fuses are set at packaging
 * (electron-builder.yml). The switch password is encrypted with safeStorage where the OS has a keyring;
 * without one the till warns at start and in Settings that it is stored unencrypted.
 *
 * `<app> --cli COMMAND …` runs the `ppu-till` command line instead of the window (the packaged till's
 * CLI: under Electron, whose ABI its native modules are built for, on the app's data and keyring).
 */
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { IPC_CHANNEL, RENDERER_DIST, fail, isMethodName, type MethodName } from './api/contract';
import { APP_INDEX_URL, APP_SCHEME, CSP_HEADER, contentTypeOf, isTrustedSenderUrl, resolveAppFile } from './hosts/app-protocol';
import { startTillRuntime, type TillRuntime } from './till/runtime';
import { tillDataDir } from './till/data-dir';
import { fileSecretStore } from './till/secrets';

const root = resolve(import.meta.dirname, '..');
const rendererDir = join(root, RENDERER_DIST);
const dataDir = tillDataDir();
const cliAt = process.argv.indexOf('--cli');


let runtime: TillRuntime | null = null;
/** Each window's sign-in session key (a new one at every sign-in), as the browser host keeps a cookie. */
const windowSessions = new Map<number, string>();

async function invokeForWindow(windowId: number, method: MethodName, args: unknown) {
  const backend = runtime!.backend;
  const current = windowSessions.get(windowId) ?? null;
  if (method === 'signIn') {
    const key = randomBytes(32).toString('base64url');
    const result = await backend.invokeAs(key, method, args);
    if (result.ok) {
      if (current) await backend.invokeAs(current, 'signOut', {});
      windowSessions.set(windowId, key);
    }
    return result;
  }
  const result = await backend.invokeAs(current, method, args);
  if (method === 'signOut') windowSessions.delete(windowId);
  return result;
}
let win: BrowserWindow | null = null;

function secretStore() {
  // safeStorage encrypts with the OS keychain; the ciphertext sits in a 0600 file. Asked after ready.
  const encrypted = safeStorage.isEncryptionAvailable();
  const codec = {
    encode: (s: string) => (encrypted ? 'enc:' + safeStorage.encryptString(s).toString('base64') : 'plain:' + s),
    decode: (s: string) => (s.startsWith('enc:') ? safeStorage.decryptString(Buffer.from(s.slice(4), 'base64')) : s.replace(/^plain:/, '')),
    encrypted,
  };
  return fileSecretStore(join(dataDir, 'secrets.json'), codec);
}

async function createWindow(): Promise<void> {
  win = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win?.show());
  const windowId = win.webContents.id;
  win.on('closed', () => {
    const key = windowSessions.get(windowId);
    windowSessions.delete(windowId);
    if (key) void runtime?.backend.invokeAs(key, 'signOut', {});
  });
  if (existsSync(join(rendererDir, 'index.html'))) await win.loadURL(APP_INDEX_URL);
  else await win.loadURL('data:text/html,<p>The till screens are not built. Run npx vite build.</p>');
}

/** Serves dist/renderer on app://till/ with the CSP header; anything outside it is a 404. */
function serveAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rendererDir, request.url);
    if (!file || !existsSync(file)) return new Response('Not found', { status: 404 });
    const body = await readFile(file);
    return new Response(body, { headers: { 'content-type': contentTypeOf(file), 'content-security-policy': CSP_HEADER, 'x-content-type-options': 'nosniff' } });
  });
}

function startApp(): void {
  // Must run before ready: a standard, secure scheme resolves relative URLs and counts as a secure context.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.whenReady().then(async () => {
    serveAppProtocol();
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    runtime = await startTillRuntime({ dataDir, mode: 'electron', secrets: secretStore(), log: (line) => console.log(line) });
    ipcMain.handle(IPC_CHANNEL, async (event, method: unknown, args: unknown) => {
      // Only our own window's top-level frame on app://till/ may call (a subframe or a page that
      // navigated elsewhere is refused); the back end's invoke validates the arguments (the one check).
      const frame = event.senderFrame;
      if (!win || event.sender !== win.webContents || !frame || frame !== win.webContents.mainFrame || !isTrustedSenderUrl(frame.url)) {
        return fail('UNAUTHORIZED', 'Calls are accepted only from the till window.');
      }
      if (typeof method !== 'string' || !isMethodName(method)) return fail('NOT_FOUND', 'Unknown till method.');
      return invokeForWindow(event.sender.id, method, args);
    });
    await createWindow();
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-redirect', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.on('window-all-closed', async () => {
    await runtime?.close();
    app.quit();
  });
}

async function runCommandLine(args: string[]): Promise<void> {
  await app.whenReady();
  const { runCli } = await import('./cli');
  await runCli(args, secretStore());
  app.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
}

if (cliAt >= 0) void runCommandLine(process.argv.slice(cliAt + 1));
else startApp();
