/**
 * Test helper: a socat PTY pair standing in for a printer cable. The till writes to one end
 * (as a serial port or as a printer device file); the virtual printer serves the other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { SerialPort } from 'serialport';
import type { VirtualPrinter } from '../index';

export const hasSocat = spawnSync('socat', ['-V']).status === 0;

export interface PtyPrinter {
  /** The till's end of the cable. */
  till: string;
  close(): Promise<void>;
}

/** A PTY pair with the virtual printer attached to the far end. */
export async function ptyPrinter(vp: VirtualPrinter): Promise<PtyPrinter> {
  const socat: ChildProcess = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const paths = await new Promise<string[]>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`socat gave no PTY paths: ${err}`)), 10_000);
    socat.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const found = [...err.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1] as string);
      if (found.length >= 2) {
        clearTimeout(timer);
        resolve(found);
      }
    });
  });
  const printerEnd = new SerialPort({ path: paths[1] as string, baudRate: 19200, autoOpen: false });
  await new Promise<void>((resolve, reject) => printerEnd.open((e) => (e ? reject(e) : resolve())));
  vp.attach(printerEnd);
  return {
    till: paths[0] as string,
    async close() {
      if (printerEnd.isOpen) await new Promise<void>((r) => printerEnd.close(() => r()));
      socat.kill();
    },
  };
}
