/**
 * Transports that carry ESC/POS bytes to a printer: raw TCP (port 9100), a serial port, or the
 * virtual printer (TCP). Every step has a timeout; status comes from DLE EOT where the printer
 * answers, and a clear "no answer" message where it does not.
 */
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { SerialPort } from 'serialport';

export type PrinterConfig =
  | { kind: 'tcp'; host: string; port: number; timeoutMs?: number }
  | { kind: 'serial'; path: string; baudRate: number; flowControl?: 'none' | 'rtscts' | 'xonxoff'; timeoutMs?: number }
  | { kind: 'virtual'; host?: string; port: number; timeoutMs?: number };

export interface PrinterStatus {
  /** False when the printer gave no status answer in time. */
  answered: boolean;
  ready: boolean;
  paperOut: boolean;
  coverOpen: boolean;
  offline: boolean;
  message: string;
}

export interface Transport {
  readonly description: string;
  /** Resolves once every byte is written and the printer side closed cleanly; rejects with a clear message otherwise. */
  send(bytes: Uint8Array): Promise<void>;
  queryStatus(): Promise<PrinterStatus>;
}

export class PrinterError extends Error {
  constructor(
    message: string,
    readonly code: 'CONNECT_TIMEOUT' | 'WRITE_TIMEOUT' | 'CONNECTION_LOST' | 'UNREACHABLE' | 'NOT_READY',
  ) {
    super(message);
    this.name = 'PrinterError';
  }
}

const DEFAULT_TIMEOUT = 5000;

export function statusFromBytes(answers: (number | undefined)[]): PrinterStatus {
  const [s1, s2, s4] = answers;
  if (s1 === undefined) {
    return {
      answered: false, ready: false, paperOut: false, coverOpen: false, offline: false,
      message: 'The printer did not answer the status query (DLE EOT): it may be off, unplugged, busy, or not support status.',
    };
  }
  const offline = (s1 & 0x08) !== 0;
  const coverOpen = s2 !== undefined && (s2 & 0x04) !== 0;
  const paperOut = (s2 !== undefined && (s2 & 0x20) !== 0) || (s4 !== undefined && (s4 & 0x60) === 0x60);
  const problems = [paperOut && 'out of paper', coverOpen && 'cover open', offline && !paperOut && !coverOpen && 'offline'].filter(Boolean);
  return {
    answered: true,
    ready: !offline && !paperOut && !coverOpen,
    paperOut,
    coverOpen,
    offline,
    message: problems.length ? `Printer ${problems.join(', ')}` : 'Printer ready',
  };
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PrinterError(`No connection to printer ${host}:${port} within ${timeoutMs} ms`, 'CONNECT_TIMEOUT'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new PrinterError(`Printer ${host}:${port} unreachable (${e.code ?? e.message})`, 'UNREACHABLE'));
    });
  });
}

/** Reads one byte per query, each within the timeout; undefined when the printer stays silent. */
async function askStatus(write: (b: Buffer) => void, onData: (cb: (d: Buffer) => void) => void, timeoutMs: number): Promise<(number | undefined)[]> {
  const queue: number[] = [];
  let waiter: (() => void) | undefined;
  onData((d) => {
    queue.push(...d);
    waiter?.();
  });
  const answers: (number | undefined)[] = [];
  for (const n of [1, 2, 4]) {
    write(Buffer.from([0x10, 0x04, n]));
    const got = await new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      const check = () => {
        if (queue.length > 0) {
          clearTimeout(timer);
          waiter = undefined;
          resolve(queue.shift());
        }
      };
      waiter = check;
      check();
    });
    answers.push(got);
    if (got === undefined) break;
  }
  return answers;
}

function tcpTransport(host: string, port: number, timeoutMs: number, label: string): Transport {
  return {
    description: `${label} ${host}:${port}`,
    async send(bytes) {
      const socket = await tcpConnect(host, port, timeoutMs);
      await new Promise<void>((resolve, reject) => {
        let failed: PrinterError | undefined;
        const timer = setTimeout(() => {
          failed = new PrinterError(`Printer ${host}:${port} did not take the job within ${timeoutMs} ms (stalled)`, 'WRITE_TIMEOUT');
          socket.destroy();
        }, timeoutMs);
        socket.on('error', (e: NodeJS.ErrnoException) => {
          failed ??= new PrinterError(`Connection to printer ${host}:${port} lost mid-job (${e.code ?? e.message})`, 'CONNECTION_LOST');
        });
        socket.on('data', () => undefined); // ASB/status bytes the printer may push
        socket.once('close', (hadError) => {
          clearTimeout(timer);
          if (failed) reject(failed);
          else if (hadError) reject(new PrinterError(`Connection to printer ${host}:${port} lost mid-job`, 'CONNECTION_LOST'));
          else resolve();
        });
        // end() after the write: the printer sees the whole job, then we wait for its side to close.
        socket.end(Buffer.from(bytes));
      });
    },
    async queryStatus() {
      let socket: net.Socket;
      try {
        socket = await tcpConnect(host, port, timeoutMs);
      } catch (e) {
        return { ...statusFromBytes([]), message: e instanceof Error ? e.message : String(e) };
      }
      socket.on('error', () => undefined);
      try {
        return statusFromBytes(await askStatus((b) => socket.write(b), (cb) => socket.on('data', cb), Math.min(timeoutMs, 2000)));
      } finally {
        socket.destroy();
      }
    },
  };
}

function openSerial(path: string, baudRate: number, flow: 'none' | 'rtscts' | 'xonxoff', timeoutMs: number): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, rtscts: flow === 'rtscts', xon: flow === 'xonxoff', xoff: flow === 'xonxoff', autoOpen: false });
    const timer = setTimeout(() => reject(new PrinterError(`Serial port ${path} did not open within ${timeoutMs} ms`, 'CONNECT_TIMEOUT')), timeoutMs);
    port.open((err) => {
      clearTimeout(timer);
      if (err) reject(new PrinterError(`Serial port ${path} cannot be opened (${err.message})`, 'UNREACHABLE'));
      else resolve(port);
    });
  });
}

function closeSerial(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

function serialTransport(cfg: Extract<PrinterConfig, { kind: 'serial' }>): Transport {
  const timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT;
  const flow = cfg.flowControl ?? 'none';
  return {
    description: `serial ${cfg.path} @${cfg.baudRate}`,
    async send(bytes) {
      const port = await openSerial(cfg.path, cfg.baudRate, flow, timeoutMs);
      try {
        await new Promise<void>((resolve, reject) => {
          // Flow control can hold the write forever (printer busy or unplugged): bound it.
          const timer = setTimeout(() => reject(new PrinterError(`Serial printer ${cfg.path} did not take the job within ${timeoutMs} ms`, 'WRITE_TIMEOUT')), timeoutMs);
          port.write(Buffer.from(bytes), (err) => {
            if (err) {
              clearTimeout(timer);
              reject(new PrinterError(`Write to ${cfg.path} failed (${err.message})`, 'CONNECTION_LOST'));
              return;
            }
            port.drain((e) => {
              clearTimeout(timer);
              if (e) reject(new PrinterError(`Write to ${cfg.path} failed (${e.message})`, 'CONNECTION_LOST'));
              else resolve();
            });
          });
        });
      } finally {
        await closeSerial(port);
      }
    },
    async queryStatus() {
      let port: SerialPort;
      try {
        port = await openSerial(cfg.path, cfg.baudRate, flow, timeoutMs);
      } catch (e) {
        return { ...statusFromBytes([]), message: e instanceof Error ? e.message : String(e) };
      }
      try {
        return statusFromBytes(await askStatus((b) => port.write(b), (cb) => port.on('data', cb), Math.min(timeoutMs, 2000)));
      } finally {
        await closeSerial(port);
      }
    },
  };
}

export function createTransport(config: PrinterConfig): Transport {
  switch (config.kind) {
    case 'tcp':
      return tcpTransport(config.host, config.port, config.timeoutMs ?? DEFAULT_TIMEOUT, 'tcp');
    case 'virtual':
      return tcpTransport(config.host ?? '127.0.0.1', config.port, config.timeoutMs ?? DEFAULT_TIMEOUT, 'virtual printer');
    case 'serial':
      return serialTransport(config);
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
