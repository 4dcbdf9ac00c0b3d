/**
 * The rendered slip scans: CODE128 read back with @zxing/library and QR with jsqr, from the PNG
 * the virtual printer renders, give the transaction reference.
 */
import { BinaryBitmap, Code128Reader, DecodeHintType, HybridBinarizer, RGBLuminanceSource } from '@zxing/library';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeEscPos, encodeEscPos, layoutSlip, renderSlipPng } from '../index';
import { code39, ean13 } from '../barcodes';
import { SAMPLES } from './samples';

function grayRows(png: PNG): Uint8ClampedArray {
  const g = new Uint8ClampedArray(png.width * png.height);
  for (let k = 0; k < g.length; k++) g[k] = png.data[k * 4] as number;
  return g;
}

/** Finds the band of rows holding the barcode (tall run of dense rows) and decodes one row band. */
function readCode128(png: PNG): string {
  const gray = grayRows(png);
  const reader = new Code128Reader();
  for (let y = 0; y < png.height; y += 4) {
    let transitions = 0;
    for (let x = 1; x < png.width; x++) if ((gray[y * png.width + x]! < 128) !== (gray[y * png.width + x - 1]! < 128)) transitions++;
    if (transitions < 40) continue;
    const band = gray.subarray(y * png.width, (y + 8) * png.width);
    const source = new RGBLuminanceSource(band, png.width, 8);
    try {
      const r = reader.decode(new BinaryBitmap(new HybridBinarizer(source)), new Map([[DecodeHintType.TRY_HARDER, true]]));
      return r.getText();
    } catch {
      // not a barcode row; keep looking
    }
  }
  throw new Error('no CODE128 found');
}

const render = (name: string, paper: '58mm' | '80mm') =>
  PNG.sync.read(renderSlipPng(decodeEscPos(encodeEscPos(layoutSlip(SAMPLES[name]!, { paper }), { commandSet: 'epson' })), { paper }));

describe('rendered codes scan back to the reference', () => {
  it('CODE128 on an 80 mm sale slip gives the purchase reference', () => {
    expect(readCode128(render('std', '80mm'))).toBe('3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e');
  });

  it.each(['58mm', '80mm'] as const)('QR on the %s pending slip gives the purchase reference', (paper) => {
    const png = render('pending', paper);
    const rgba = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
    expect(jsQR(rgba, png.width, png.height)?.data).toBe('8d9e0f1a-4b5c-4d6e-8f7a-8b9c0d1e2f3a');
  });

  it('CODE128 from the switch slipData barcode scans on 58 mm', () => {
    expect(readCode128(render('slipdata', '58mm'))).toBe('SW-778899');
  });

  it('CODE39 and EAN-13 patterns have the standard widths', () => {
    expect(code39('A').runs.reduce((s, r) => s + r, 0)).toBe(3 * (3 * 3 + 6) + 2);
    expect(ean13('590123412345').text).toBe('5901234123457');
    expect(ean13('5901234123457').runs.reduce((s, r) => s + r, 0)).toBe(95);
  });
});
