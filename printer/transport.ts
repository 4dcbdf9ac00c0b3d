/**
 * Transports carry printer bytes: raw TCP (port 9100), a serial port, a printer device file
 * (/dev/usb/lp*), a CUPS raw queue, the Windows spooler in raw mode, or the virtual printer.
 * This module owns what every transport promises (connect, write with a timeout, status, close;
 * a clear PrinterError otherwise) and picks one from a config; each lives in transports/.
 */
import { readdirSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { FlowControl } from './address';
import type { PrinterIdentity } from './identify';
import type { PrinterStatus } from './status';
import { cupsTransport } from './transports/cups';
import { deviceTransport } from './transports/device';
import { serialTransport } from './transports/serial';
import { tcpTransport } from './transports/tcp';
import { windowsTransport } from './transports/windows';

export type { PrinterStatus } from './status';

export type PrinterConfig =
  | { kind: 'tcp'; host: string; port: number; timeoutMs?: number }
  | { kind: 'serial'; path: string; baudRate: number; flowControl?: FlowControl; timeoutMs?: number }
  /** `path`: the till's embedded printer on its local socket (Unix socket or named pipe) instead of TCP. */
  | { kind: 'virtual'; host?: string; port: number; path?: string; timeoutMs?: number }
  | { kind: 'device'; path: string; timeoutMs?: number }
  /** `server`: a CUPS server other than the default (lp -h), e.g. a private test scheduler's socket. */
  | { kind: 'cups'; queue: string; server?: string; timeoutMs?: number }
  | { kind: 'windows'; printer: string; timeoutMs?: number };

export type SerialConfig = Extract<PrinterConfig, { kind: 'serial' }>;

export interface Transport {
  readonly description: string;
  /** Resolves once every byte is written and the printer side closed cleanly; rejects with a clear message otherwise. */
  send(bytes: Uint8Array): Promise<void>;
  queryStatus(): Promise<PrinterStatus>;
  /** What the printer says it is (GS I), or what its spooler queue's name says; null when unknown. */
  identify?(): Promise<PrinterIdentity | null>;
}

export class PrinterError extends Error {
  constructor(
    message: string,
    readonly code: 'CONNECT_TIMEOUT' | 'WRITE_TIMEOUT' | 'CONNECTION_LOST' | 'UNREACHABLE' | 'NOT_READY' | 'UNSUPPORTED',
  ) {
    super(message);
    this.name = 'PrinterError';
  }
}

export const DEFAULT_TIMEOUT = 5000;

export function createTransport(config: PrinterConfig): Transport {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT;
  switch (config.kind) {
    case 'tcp':
      return tcpTransport({ host: config.host, port: config.port }, timeoutMs, 'tcp');
    case 'virtual':
      return tcpTransport(config.path ? { path: config.path } : { host: config.host ?? '127.0.0.1', port: config.port }, timeoutMs, 'virtual printer');
    case 'serial':
      return serialTransport(config);
    case 'device':
      return deviceTransport(config.path, timeoutMs);
    case 'cups':
      return cupsTransport(config.queue, timeoutMs, config.server);
    case 'windows':
      return windowsTransport(config.printer, timeoutMs);
  }
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

/**
 * Serial ports for the settings screen. Never throws: serialport's list() needs udevadm on Linux,
 * so where it fails we list /dev/ttyS*, /dev/ttyUSB*, /dev/ttyACM* and /dev/pts/* instead.
 */
export async function listSerialPorts(): Promise<SerialPortInfo[]> {
  try {
    const ports = await SerialPort.list();
    return ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer, serialNumber: p.serialNumber, vendorId: p.vendorId, productId: p.productId }));
  } catch {
    const out: SerialPortInfo[] = [];
    const scan = (dir: string, match: RegExp) => {
      try {
        for (const name of readdirSync(dir)) if (match.test(name)) out.push({ path: `${dir}/${name}` });
      } catch {
        // directory absent on this OS
      }
    };
    scan('/dev', /^tty(S|USB|ACM)\d+$/);
    scan('/dev/pts', /^\d+$/);
    return out;
  }
}
