/**
 * Raw TCP (port 9100) printers and the virtual printer (over TCP, or over the till's local socket):
 * one connection per job, closed by us after the last byte, the job done when the printer closes its
 * side; status on a connection of its own.
 */
import net from 'node:net';
import { PrinterError, type Transport } from '../transport';
import { questionsOver, type Converse } from './questions';

/** Where the printer listens: a host and TCP port, or a local socket path (Unix socket, named pipe). */
export type PrinterEndpoint = { host: string; port: number } | { path: string };
const nameOf = (at: PrinterEndpoint) => ('path' in at ? at.path : `${at.host}:${at.port}`);

function tcpConnect(at: PrinterEndpoint, timeoutMs: number): Promise<net.Socket> {
  const name = nameOf(at);
  return new Promise((resolve, reject) => {
    const socket = net.connect(at);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new PrinterError(`No connection to printer ${name} within ${timeoutMs} ms`, 'CONNECT_TIMEOUT'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new PrinterError(`Printer ${name} unreachable (${e.code ?? e.message})`, 'UNREACHABLE'));
    });
  });
}

export function tcpTransport(at: PrinterEndpoint, timeoutMs: number, label: string): Transport {
  const name = nameOf(at);
  /** A connection of its own for a question and its answer. */
  const converse: Converse = async (ask) => {
    const socket = await tcpConnect(at, timeoutMs);
    socket.on('error', () => undefined);
    try {
      return await ask({ write: (b) => socket.write(b), onData: (cb) => socket.on('data', cb) });
    } finally {
      socket.destroy();
    }
  };
  return {
    description: `${label} ${name}`,
    async send(bytes) {
      const socket = await tcpConnect(at, timeoutMs);
      await new Promise<void>((resolve, reject) => {
        let failed: PrinterError | undefined;
        const timer = setTimeout(() => {
          failed = new PrinterError(`Printer ${name} did not take the job within ${timeoutMs} ms (stalled)`, 'WRITE_TIMEOUT');
          socket.destroy();
        }, timeoutMs);
        socket.on('error', (e: NodeJS.ErrnoException) => {
          failed ??= new PrinterError(`Connection to printer ${name} lost mid-job (${e.code ?? e.message})`, 'CONNECTION_LOST');
        });
        socket.on('data', () => undefined); // ASB/status bytes the printer may push
        socket.once('close', (hadError) => {
          clearTimeout(timer);
          if (failed) reject(failed);
          else if (hadError) reject(new PrinterError(`Connection to printer ${name} lost mid-job`, 'CONNECTION_LOST'));
          else resolve();
        });
        // end() after the write: the printer sees the whole job, then we wait for its side to close.
        socket.end(Buffer.from(bytes));
      });
    },
    ...questionsOver(converse, timeoutMs),
  };
}

