/**
 * Raw TCP (port 9100) printers and the virtual printer: one connection per job, closed by us after
 * the last byte, the job done when the printer closes its side; status on a connection of its own.
 */
import net from 'node:net';
import { PrinterError, type Transport } from '../transport';
import { questionsOver, type Converse } from './questions';

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

export function tcpTransport(host: string, port: number, timeoutMs: number, label: string): Transport {
  /** A connection of its own for a question and its answer. */
  const converse: Converse = async (ask) => {
    const socket = await tcpConnect(host, port, timeoutMs);
    socket.on('error', () => undefined);
    try {
      return await ask({ write: (b) => socket.write(b), onData: (cb) => socket.on('data', cb) });
    } finally {
      socket.destroy();
    }
  };
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
    ...questionsOver(converse, timeoutMs),
  };
}

