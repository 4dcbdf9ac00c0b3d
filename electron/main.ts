/**
 * Electron main process: the till back end in-process, one window with contextIsolation, sandbox,
 * no nodeIntegration, a strict CSP, navigation and new windows denied, and one IPC handler that
 * checks the sender and hands the call to the back end, whose invoke validates every argument.
 * The switch password is encrypted with safeStorage (injected into the back end as its SecretStore).
 */
import { app, BrowserWindow, ipcMain, safeStorage, session } from 'electron';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IPC_CHANNEL, RENDERER_DIST, fail, isMethodName, type ArgsOf } from './api/contract';
import { startTillRuntime, type TillRuntime } from './till/runtime';
import { fileSecretStore } from './till/secrets';

const root = resolve(import.meta.dirname, '..');
const dataDir = process.env.PPU_TILL_DATA ?? join(app.getPath('userData'), 'till');
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

let runtime: TillRuntime | null = null;
let win: BrowserWindow | null = null;

function secretStore() {
  // safeStorage encrypts with the OS keychain; the ciphertext sits in a 0600 file.
  const codec = {
    encode: (s: string) => (safeStorage.isEncryptionAvailable() ? 'enc:' + safeStorage.encryptString(s).toString('base64') : 'plain:' + s),
    decode: (s: string) => (s.startsWith('enc:') ? safeStorage.decryptString(Buffer.from(s.slice(4), 'base64')) : s.replace(/^plain:/, '')),
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
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.once('ready-to-show', () => win?.show());
  const index = join(root, RENDERER_DIST, 'index.html');
  if (existsSync(index)) await win.loadFile(index);
  else await win.loadURL('data:text/html,<p>The till screens are not built. Run npx vite build.</p>');
}

app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }));
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  runtime = await startTillRuntime({ dataDir, mode: 'electron', secrets: secretStore() });
  ipcMain.handle(IPC_CHANNEL, async (event, method: unknown, args: unknown) => {
    // Only our own window may call; the back end's invoke validates the arguments (the one check).
    if (!win || event.sender !== win.webContents) return fail('UNAUTHORIZED', 'Calls are accepted only from the till window.');
    if (typeof method !== 'string' || !isMethodName(method)) return fail('NOT_FOUND', 'Unknown till method.');
    return runtime!.backend.invoke(method, args as ArgsOf<typeof method>);
  });
  await createWindow();
});

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', async () => {
  await runtime?.close();
  app.quit();
});
