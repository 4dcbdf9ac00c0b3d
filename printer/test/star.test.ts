/**
 * Star Line mode: a slip encoded for a Star printer, sent over TCP to the virtual printer set to
 * Star, decodes to the same commands as the Epson slip (text, emphasis, size, alignment, cut,
 * barcode, QR) and its rendered QR and text read back the purchase reference.
 */
import jsQR from 'jsqr';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, decodeEscPos, decodeStar, encodeDrawerKick, encodeEscPos, layoutSlip, renderSlipPng, startVirtualPrinter, type VirtualJob, type VirtualPrinter } from '../index';
import { SAMPLES } from './samples';

let dir: string;
let vp: VirtualPrinter;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vp-star-'));
  vp = await startVirtualPrinter({ port: 0, outDir: dir, paper: '80mm', commandSet: 'star' });
});
afterAll(async () => {
  await vp.close();
  rmSync(dir, { recursive: true, force: true });
});

const star = (name: string) => encodeEscPos(layoutSlip(SAMPLES[name]!, { paper: '80mm' }), { commandSet: 'star' });
const epson = (name: string) => encodeEscPos(layoutSlip(SAMPLES[name]!, { paper: '80mm' }), { commandSet: 'epson' });
/** What a slip looks like, whichever command set carried it (a rule is a raster bar on Epson, dashes on Star). */
const visible = (cmds: ReturnType<typeof decodeEscPos>) =>
  cmds.filter((c) => ['text', 'bold', 'align', 'size', 'invert', 'barcode', 'qr', 'cut'].includes(c.op) && !(c.op === 'text' && /^-+$/.test(c.text))).map((c) => JSON.stringify(c));

describe('Star Line mode in the virtual printer', () => {
  it('renders a Star pending slip whose QR scans back to the purchase reference', async () => {
    const got = new Promise<VirtualJob>((resolve) => vp.onJob(resolve));
    await createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 3000 }).send(star('pending'));
    const job = await got;
    expect(job.complete).toBe(true);
    expect(job.refused).toBeNull();
    const commands = job.commands.flatMap((c) => (c.op === 'refused' ? [] : [c]));
    expect(commands.filter((c) => c.op === 'unknown')).toEqual([]);
    expect(job.text).toContain('PURCHASE PENDING');
    const png = PNG.sync.read(renderSlipPng(commands, { paper: '80mm' }));
    const rgba = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
    expect(jsQR(rgba, png.width, png.height)?.data).toBe('8d9e0f1a-4b5c-4d6e-8f7a-8b9c0d1e2f3a');
  });

  it.each(['std', 'pending', 'slipdata'])('decodes the %s slip to the same text, styles, codes and cut as ESC/POS', (name) => {
    const fromStar = decodeStar(star(name));
    expect(visible(fromStar)).toEqual(visible(decodeEscPos(epson(name))));
    expect(fromStar.some((c) => c.op === 'size' && c.height === 2)).toBe(true);
    expect(fromStar.some((c) => c.op === 'cut')).toBe(true);
  });

  it('names the drawer kick in both command sets', () => {
    const pulse = { pin: 2 as const, onMs: 100, offMs: 200 };
    expect(decodeStar(encodeDrawerKick('star', pulse))).toEqual([{ op: 'drawer', ...pulse }]);
    expect(decodeEscPos(encodeDrawerKick('epson', { ...pulse, pin: 5 }))).toEqual([{ op: 'drawer', ...pulse, pin: 5 }]);
  });

  it('never throws on cut-short or unknown Star bytes', () => {
    const bytes = star('std');
    for (let n = 0; n < bytes.length; n += 97) expect(() => decodeStar(bytes.subarray(0, n))).not.toThrow();
    expect(decodeStar(Buffer.from([0x1b, 0x62, 0x36, 0x32, 0x31, 0x50, 0x41]))).toEqual([{ op: 'unknown', hex: '1b 62 36 32 31 50 41', reason: 'barcode data without RS terminator' }]);
  });
});
