/** Tests' raw client of a printer's TCP port: one job on a fresh connection. */
import net from 'node:net';

/** Sends bytes on a fresh connection and waits for the printer to close it (or reset it). */
export function sendJob(port: number, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(bytes));
    s.resume();
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
}
