/**
 * A printer device file: the kernel's USB printer driver (/dev/usb/lp0 on Linux, usblp), a
 * parallel port (/dev/lp0), or anything that takes raw bytes at a path. Opened non-blocking so a
 * printer that stops taking bytes (paper out, unplugged) trips our timeout instead of holding a
 * thread forever; status is asked with DLE EOT / ASB and read back where the device answers
 * (usblp passes the printer's replies to read()).
 */
import { constants, promises as fsp } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PrinterError, type Transport } from '../transport';
import { questionsOver, type Converse } from './questions';

const POLL_MS = 10;
type Handle = fsp.FileHandle;

async function openDevice(path: string): Promise<Handle> {
  try {
    return await fsp.open(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const why =
      code === 'ENOENT' ? 'no such device: is the printer plugged in and switched on?'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied: add the till user to the "lp" group'
      : code === 'EBUSY' ? 'the device is in use by another program (CUPS?)'
      : code;
    throw new PrinterError(`Printer device ${path} cannot be opened (${why})`, 'UNREACHABLE');
  }
}

const isAgain = (e: unknown) => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EWOULDBLOCK';
};

/** Writes every byte; fails when the device takes nothing for timeoutMs (stalled) or errors. */
async function writeAll(fh: Handle, path: string, bytes: Uint8Array, timeoutMs: number): Promise<void> {
  let off = 0;
  let lastProgress = Date.now();
  while (off < bytes.length) {
    let n = 0;
    try {
      n = (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
    } catch (e) {
      if (!isAgain(e)) throw new PrinterError(`Write to printer device ${path} failed (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'CONNECTION_LOST');
    }
    if (n > 0) {
      off += n;
      lastProgress = Date.now();
      continue;
    }
    if (Date.now() - lastProgress > timeoutMs) {
      throw new PrinterError(`Printer device ${path} took no bytes for ${timeoutMs} ms (${off} of ${bytes.length} sent): paper out, cover open or offline?`, 'WRITE_TIMEOUT');
    }
    await sleep(POLL_MS);
  }
}

/** Calls cb with whatever the device sends back until stop() is called. */
function pollReads(fh: Handle, cb: (d: Buffer) => void): () => void {
  let running = true;
  const buf = Buffer.alloc(64);
  void (async () => {
    while (running) {
      try {
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead > 0 && running) {
          cb(Buffer.from(buf.subarray(0, bytesRead)));
          continue;
        }
      } catch (e) {
        if (!isAgain(e)) return; // a device that cannot be read back answers nothing
      }
      await sleep(POLL_MS);
    }
  })();
  return () => {
    running = false;
  };
}

export function deviceTransport(path: string, timeoutMs: number): Transport {
  const converse: Converse = async (ask) => {
    const fh = await openDevice(path);
    const stops: (() => void)[] = [];
    try {
      return await ask({
        write: (b) => void writeAll(fh, path, b, timeoutMs).catch(() => undefined),
        onData: (cb) => void stops.push(pollReads(fh, cb)),
      });
    } finally {
      for (const stop of stops) stop();
      await sleep(POLL_MS * 2);
      await fh.close().catch(() => undefined);
    }
  };
  return {
    description: `device ${path}`,
    async send(bytes) {
      const fh = await openDevice(path);
      try {
        await writeAll(fh, path, bytes, timeoutMs);
      } finally {
        await fh.close().catch(() => undefined);
      }
    },
    ...questionsOver(converse, timeoutMs),
  };
}
