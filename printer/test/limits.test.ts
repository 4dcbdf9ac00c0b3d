/**
 * The raster caps a job's images must fit (printer/limits.ts), on the bytes a till or an attacker
 * would send: GS v 0 decoded, then judged before anything is drawn. The area cap is the one that
 * bounds the renderer's memory when width and height each pass on their own.
 */
import { describe, expect, it } from 'vitest';
import { decodeEscPos } from '../decode';
import { commandsRefusal } from '../limits';

/** A GS v 0 raster image of `widthDots` × `height` dots, all black, with an init and a cut around it. */
function rasterJob(widthDots: number, height: number): Uint8Array {
  const xBytes = widthDots / 8;
  const head = [0x1b, 0x40, 0x1d, 0x76, 0x30, 0x00, xBytes & 0xff, xBytes >> 8, height & 0xff, height >> 8];
  return Buffer.concat([Buffer.from(head), Buffer.alloc(xBytes * height, 0xff), Buffer.from([0x1d, 0x56, 0x00])]);
}

describe('raster caps', () => {
  it.each([
    // width, height, refused — what each case shows
    [576, 4096, false], // a full-width image as long as the height cap: exactly the area cap
    [2048, 1152, false], // the widest image, as tall as the area cap allows
    [2048, 1160, true], // within the width and height caps, past the area cap: refused on area alone
    [1024, 4096, true], // within the width and height caps, past the area cap
    [2056, 8, true], // past the width cap
    [8, 4104, true], // past the height cap
  ])('%i × %i dots: refused %s', (width, height, refused) => {
    const commands = decodeEscPos(rasterJob(width, height));
    expect(commands.some((c) => c.op === 'raster' && c.width === width && c.height === height)).toBe(true);
    const reason = commandsRefusal(commands);
    if (refused) expect(reason).toBe(`image of ${width}×${height} dots is larger than 2048×4096 dots or 2,359,296 dots in all`);
    else expect(reason).toBeNull();
  });
});
