/**
 * The printer test page carries the slip logo (assets/logo.ts, committed as assets/slip-logo.png):
 * as ESC/POS raster it decodes back to the logo's own dots, centred, before the first line of text,
 * and the rendered slip shows it; a Star printer's page goes without it.
 */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { slipLogo } from '../../assets/logo';
import { decodeEscPos, encodeEscPos, layoutSlip, renderSlipPng, slipText, testPageSlip } from '../index';

describe('the printer test page', () => {
  it.each(['58mm', '80mm'] as const)('prints the slip logo first, dot for dot, on %s ESC/POS', (paper) => {
    const commands = decodeEscPos(encodeEscPos(layoutSlip(testPageSlip(), { paper }), { commandSet: 'epson' }));
    const logo = slipLogo();
    const first = commands.findIndex((c) => c.op === 'raster' || c.op === 'text');
    const raster = commands[first];
    expect(raster).toMatchObject({ op: 'raster', width: logo.width, height: logo.height, scale: 0 });
    expect(raster?.op === 'raster' && raster.data).toBe(logo.bits.toString('base64'));
    expect(commands.slice(0, first).some((c) => c.op === 'align' && c.align === 'center')).toBe(true);
    expect(slipText(commands)).toMatch(/^\s*\[image 96x96\]/);

    // On the rendered slip: the logo's dots, centred on the paper.
    const png = PNG.sync.read(renderSlipPng(commands, { paper }));
    const top = png.data.findIndex((v, i) => i % 4 === 0 && v < 128) / 4;
    const y0 = Math.floor(top / png.width);
    const x0 = Math.round((png.width - logo.width) / 2);
    let differing = 0;
    for (let r = 0; r < logo.height; r++) {
      for (let c = 0; c < logo.width; c++) {
        const dot = (logo.bits[r * (logo.width / 8) + (c >> 3)]! & (0x80 >> (c & 7))) !== 0;
        const ink = png.data[((y0 + r) * png.width + x0 + c) * 4]! < 128;
        if (dot !== ink) differing++;
      }
    }
    expect(differing).toBe(0);
  });

  it('goes without the logo on a Star printer (its raster commands are not encoded)', () => {
    const bytes = encodeEscPos(layoutSlip(testPageSlip(), { paper: '80mm' }), { commandSet: 'star' });
    expect(Buffer.from(bytes).includes(Buffer.from([0x1d, 0x76, 0x30]))).toBe(false);
  });
});
