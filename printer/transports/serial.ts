/**
 * Serial printers (RS-232 or a USB-serial adapter): the port is opened per job, written with flow
 * control bounded by a timeout, drained and closed; status asked on the open port.
 */
import { SerialPort } from 'serialport';
import type { FlowControl } from '../address';
import { DEFAULT_TIMEOUT, PrinterError, type SerialConfig, type Transport } from '../transport';
import { questionsOver, type Converse } from './questions';

function openSerial(path: string, baudRate: number, flow: FlowControl, timeoutMs: number): Promise<SerialPort> {
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

export function serialTransport(cfg: SerialConfig): Transport {
  const timeoutMs = cfg.timeoutMs ?? DEFAULT_TIMEOUT;
  const flow = cfg.flowControl ?? 'none';
  const converse: Converse = async (ask) => {
    const port = await openSerial(cfg.path, cfg.baudRate, flow, timeoutMs);
    try {
      return await ask({ write: (b) => port.write(b), onData: (cb) => port.on('data', cb) });
    } finally {
      await closeSerial(port);
    }
  };
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
    ...questionsOver(converse, timeoutMs),
  };
}

