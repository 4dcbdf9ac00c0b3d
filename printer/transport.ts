/**
 * Transports that carry ESC/POS bytes to a printer: raw TCP (port 9100), a serial port, or the
 * virtual printer (TCP). Every step has a timeout; status comes from DLE EOT, or from automatic
 * status back (ASB) where the printer reports only that way, and a clear "no answer" message
 * where it does not.
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
      message: 'The printer did not answer the status query (DLE EOT or ASB): it may be off, unplugged, busy, or not support status.',
    };
  }
  const offline = (s1 & 0x08) !== 0;
  const coverOpen = s2 !== undefined && (s2 & 0x04) !== 0;
  const paperOut = (s2 !== undefined && (s2 & 0x20) !== 0) || (s4 !== undefined && (s4 & 0x60) === 0x60);
  return describe(offline, coverOpen, paperOut);
}

function describe(offline: boolean, coverOpen: boolean, paperOut: boolean): PrinterStatus {
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

/** The bytes a printer sends back, read with a bound on each wait. */
function byteReader(onData: (cb: (d: Buffer) => void) => void) {
  const queue: number[] = [];
  let waiter: (() => void) | undefined;
  onData((d) => {
    queue.push(...d);
    waiter?.();
  });
  return {
    /** Drops bytes that came before a question, so they are not read as its answer. */
    clear: () => void queue.splice(0),
    /** The next byte that satisfies `accept` (others are skipped), or undefined after timeoutMs. */
    next: (timeoutMs: number, accept: (b: number) => boolean = () => true) =>
      new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          resolve(undefined);
        }, timeoutMs);
        const check = () => {
          while (queue.length > 0) {
            const b = queue.shift() as number;
            if (!accept(b)) continue;
            clearTimeout(timer);
            waiter = undefined;
            resolve(b);
            return;
          }
        };
        waiter = check;
        check();
      }),
  };
}

/** An Epson ASB block's first byte: bits 0, 1 and 7 clear, bit 4 set. */
const isAsbHeader = (b: number) => (b & 0x93) === 0x10;

/** Epson ASB (4 bytes): offline and cover open in byte 1, paper end sensors in byte 3. */
export function statusFromAsb(bytes: readonly number[]): PrinterStatus {
  const [b1 = 0, , b3 = 0] = bytes;
  const offline = (b1 & 0x08) !== 0;
  const coverOpen = (b1 & 0x20) !== 0;
  const paperOut = (b3 & 0x0c) !== 0;
  return describe(offline, coverOpen, paperOut);
}

/**
 * Asks DLE EOT 1, 2, 4 (one byte each). A printer set to report only by automatic status back
 * stays silent there, so then ASB is switched on (GS a), its first block read and ASB switched off.
 */
async function probeStatus(write: (b: Buffer) => void, onData: (cb: (d: Buffer) => void) => void, timeoutMs: number): Promise<PrinterStatus> {
  const reader = byteReader(onData);
  const answers: (number | undefined)[] = [];
  for (const n of [1, 2, 4]) {
    reader.clear();
    write(Buffer.from([0x10, 0x04, n]));
    const got = await reader.next(timeoutMs);
    answers.push(got);
    if (got === undefined) break;
  }
  if (answers[0] !== undefined) return statusFromBytes(answers);
  reader.clear();
  write(Buffer.from([0x1d, 0x61, 0x0f]));
  // A printer that answers ASB does so at once; a short wait keeps a status-less printer from stalling each slip.
  const asbWait = Math.min(timeoutMs, 500);
  const first = await reader.next(asbWait, isAsbHeader);
  const rest: (number | undefined)[] = [];
  for (let k = 0; first !== undefined && k < 3; k++) rest.push(await reader.next(asbWait));
  write(Buffer.from([0x1d, 0x61, 0x00]));
  if (first === undefined || rest.includes(undefined)) return statusFromBytes([]);
  return statusFromAsb([first, ...(rest as number[])]);
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
        return await probeStatus((b) => socket.write(b), (cb) => socket.on('data', cb), Math.min(timeoutMs, 1000));
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
        return await probeStatus((b) => port.write(b), (cb) => port.on('data', cb), Math.min(timeoutMs, 1000));
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
