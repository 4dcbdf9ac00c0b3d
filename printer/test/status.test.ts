/**
 * Printer status by automatic status back (ASB, GS a): printers set to report only that way stay
 * silent to DLE EOT, and the till must still tell paper out and cover open from ready. Real TCP to
 * the virtual printer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../decode';
import { createTransport, startVirtualPrinter, type VirtualPrinter } from '../index';
import { statusFromAsb } from '../status';

let dir: string;
let vp: VirtualPrinter;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'printer-asb-'));
  vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'vp') });
});
afterAll(async () => {
  await vp.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads exactly n bytes the printer pushes on an open connection, or fails after timeoutMs. */
function readBytes(socket: net.Socket, n: number, timeoutMs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const got: number[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${n} bytes within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      got.push(...d);
      if (got.length >= n) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve(got.slice(0, n));
      }
    };
    socket.on('data', onData);
  });
}

describe('printer status by ASB', () => {
  it('reads paper out and cover open from a printer that answers only by ASB', async () => {
    vp.setStatus({ answersDleEot: false, paperOut: true });
    const out = await createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 400 }).queryStatus();
    expect(out).toMatchObject({ answered: true, ready: false, paperOut: true, message: 'Printer out of paper' });

    vp.setStatus({ paperOut: false, coverOpen: true });
    const open = await createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 400 }).queryStatus();
    expect(open).toMatchObject({ answered: true, ready: false, coverOpen: true, paperOut: false, message: 'Printer cover open' });

    vp.setStatus({ coverOpen: false });
    const ready = await createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 400 }).queryStatus();
    expect(ready).toMatchObject({ answered: true, ready: true, message: 'Printer ready' });
    vp.setStatus({ answersDleEot: true });
  });

  it('pushes a new status block on an open connection when the paper runs out', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: vp.port });
    socket.on('error', () => undefined);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(Buffer.from([0x1d, 0x61, 0x0f]));
    expect(statusFromAsb(await readBytes(socket, 4, 2000)).ready).toBe(true);
    const next = readBytes(socket, 4, 2000);
    vp.setStatus({ paperOut: true });
    const pushed = statusFromAsb(await next);
    vp.setStatus({ paperOut: false });
    socket.destroy();
    expect(pushed).toMatchObject({ paperOut: true, ready: false });
  });

  it('decodes GS a as a status command, not as unknown bytes', () => {
    expect(decodeEscPos(Uint8Array.from([0x1d, 0x61, 0x0f, 0x1d, 0x61, 0x00]))).toEqual([
      { op: 'asb', n: 15 },
      { op: 'asb', n: 0 },
    ]);
  });
});
