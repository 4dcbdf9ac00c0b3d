/**
 * The Windows print spooler in raw mode (the printer as named in "Printers & scanners"), through
 * the native @thiagoelg/node-printer module: the job is done when the spooler accepts it. The
 * module is an optional dependency: the Windows package carries it (built or fetched prebuilt by
 * npm on Windows), elsewhere npm skips it. It is loaded only when a Windows printer is used, behind
 * the typed interface below, and a till where it cannot load says so in words a technician can act on.
 */
import { identity } from '../identify';
import { statusFromBytes, unanswered, type PrinterStatus } from '../status';
import { PrinterError, type Transport } from '../transport';

export const WINDOWS_PRINTER_MODULE = '@thiagoelg/node-printer';

/** The part of the module we use. */
export interface SpoolerModule {
  printDirect(o: { data: Buffer; printer: string; type: 'RAW'; success: (jobId: string | number) => void; error: (err: Error) => void }): void;
  getPrinter(name: string): { name: string; status?: string; attributes?: string[] } | undefined;
}

let loaded: Promise<SpoolerModule> | undefined;

/** Why a windows: printer cannot be used here, in a technician's words. */
export function spoolerUnavailable(platform: string, cause: unknown): string {
  if (platform !== 'win32') return `A windows: printer works only on a Windows till (this one runs ${platform}). Use a tcp:, device:, serial: or cups: address in Settings → Printer.`;
  const why = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return `The Windows printing module (${WINDOWS_PRINTER_MODULE}) did not load: ${why}. Reinstall the till, or use a tcp: or serial: address in Settings → Printer.`;
}

/** Loads the spooler module, or says why it cannot be used. */
export function loadSpooler(platform: string = process.platform): Promise<SpoolerModule> {
  loaded ??= (
    platform === 'win32'
      ? (import(/* @vite-ignore */ WINDOWS_PRINTER_MODULE) as Promise<SpoolerModule | { default: SpoolerModule }>)
      : Promise.reject(new Error('not Windows'))
  ).then(
    (m) => ('printDirect' in m ? m : m.default),
    (e: unknown) => {
      loaded = undefined;
      throw new PrinterError(spoolerUnavailable(platform, e), 'UNSUPPORTED');
    },
  );
  return loaded;
}

/** The spooler's printer status words (PRINTER_STATUS_*) in the till's words. */
export function statusFromSpooler(name: string, p: ReturnType<SpoolerModule['getPrinter']>): PrinterStatus {
  if (!p) return { ...statusFromBytes([]), message: `Windows has no printer named "${name}"` };
  const s = (p.status ?? '').toUpperCase();
  const paperOut = s.includes('PAPER_OUT') || s.includes('PAPER_PROBLEM');
  const coverOpen = s.includes('DOOR_OPEN');
  const offline = s.includes('OFFLINE') || s.includes('PAUSED') || s.includes('ERROR') || s.includes('NOT_AVAILABLE');
  const problems = [paperOut && 'out of paper', coverOpen && 'cover open', offline && 'offline or paused'].filter(Boolean);
  return { answered: true, ready: problems.length === 0, paperOut, coverOpen, offline, message: problems.length ? `Printer ${problems.join(', ')}` : 'Printer ready' };
}

export function windowsTransport(printer: string, timeoutMs: number, load: () => Promise<SpoolerModule> = loadSpooler): Transport {
  return {
    description: `Windows printer ${printer}`,
    async send(bytes) {
      const spooler = await load();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new PrinterError(`The Windows spooler did not take the job for ${printer} within ${timeoutMs} ms`, 'WRITE_TIMEOUT')), timeoutMs);
        spooler.printDirect({
          data: Buffer.from(bytes),
          printer,
          type: 'RAW',
          success: () => {
            clearTimeout(timer);
            resolve();
          },
          error: (err) => {
            clearTimeout(timer);
            reject(new PrinterError(`The Windows spooler refused the job for ${printer} (${err.message})`, 'UNREACHABLE'));
          },
        });
      });
    },
    identify: async () => identity(printer, 'queue name'),
    async queryStatus() {
      try {
        const spooler = await load();
        return statusFromSpooler(printer, spooler.getPrinter(printer));
      } catch (e) {
        return unanswered(e);
      }
    },
  };
}
