/**
 * Preload (sandboxed, context-isolated): exposes ONLY `window.till = { mode, invoke }` to the
 * renderer. invoke forwards (method, args) over one IPC channel; main validates both.
 */
import { contextBridge, ipcRenderer } from 'electron';

// Kept literal (not imported) so the sandboxed preload bundle has no relative imports.
const IPC_CHANNEL = 'till:invoke';

contextBridge.exposeInMainWorld('till', {
  mode: 'electron',
  invoke: (method: string, args: unknown) => ipcRenderer.invoke(IPC_CHANNEL, method, args),
});
