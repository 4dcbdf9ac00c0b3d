/**
 * The till's mark, as shapes: a lightning bolt on a rounded tile. The source of the app icons
 * (assets/icons/NxN.png) and of the slip logo (assets/slip-logo.png, printed at the top of the
 * printer test page); scripts/make-images.ts writes the PNGs from here and a test keeps them equal.
 * Pure functions over numbers: the printer's layout draws the slip logo from it without I/O.
 */

export type Rgba = readonly [number, number, number, number];
export const TILE: Rgba = [0x1f, 0x4e, 0x8c, 255];
export const BOLT: Rgba = [0xff, 0xc8, 0x1e, 255];
/** The bolt, in a 0..1 square (clockwise). */
const BOLT_POINTS: readonly (readonly [number, number])[] = [
  [0.58, 0.1], [0.26, 0.56], [0.47, 0.56], [0.4, 0.9], [0.74, 0.42], [0.53, 0.42], [0.62, 0.1],
];
/** Corner radius of the tile, as a share of its side. */
const CORNER = 0.18;
/** Samples per pixel side: smooth edges at 16 px, a clean bolt at 96 dots. */
const SAMPLES = 4;

function insideTile(x: number, y: number): boolean {
  const cx = Math.min(Math.max(x, CORNER), 1 - CORNER);
  const cy = Math.min(Math.max(y, CORNER), 1 - CORNER);
  return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER * CORNER;
}

function insideBolt(x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = BOLT_POINTS.length - 1; i < BOLT_POINTS.length; j = i++) {
    const [xi, yi] = BOLT_POINTS[i]!;
    const [xj, yj] = BOLT_POINTS[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The sample points of one pixel, in the 0..1 square. */
function samples(px: number, py: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let sy = 0; sy < SAMPLES; sy++) for (let sx = 0; sx < SAMPLES; sx++) out.push([(px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size]);
  return out;
}

/** The icon at `size` px as RGBA rows: each pixel the premultiplied average of its samples. */
export function iconPixels(size: number): Buffer {
  const data = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (const [x, y] of samples(px, py, size)) {
        const c: Rgba = !insideTile(x, y) ? [0, 0, 0, 0] : insideBolt(x, y) ? BOLT : TILE;
        for (let k = 0; k < 3; k++) acc[k]! += (c[k]! * c[3]) / 255;
        acc[3]! += c[3];
      }
      const i = (py * size + px) * 4;
      const n = SAMPLES * SAMPLES;
      const a = acc[3]! / n;
      for (let k = 0; k < 3; k++) data[i + k] = a === 0 ? 0 : Math.round((acc[k]! / n) * (255 / a));
      data[i + 3] = Math.round(a);
    }
  }
  return data;
}

/** A 1-bit image as a thermal printer takes it: rows of `width / 8` bytes, the leftmost dot in the high bit. */
export interface Bitmap {
  width: number;
  height: number;
  bits: Buffer;
}

/** The slip logo: the tile's outline and the bolt in black, `size` dots square (a multiple of 8). */
export function slipLogo(size = 96): Bitmap {
  const bits = Buffer.alloc((size / 8) * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let black = 0;
      for (const [x, y] of samples(px, py, size)) {
        // The tile as a ring 6 % wide, so the bolt stands on white paper.
        const ring = insideTile(x, y) && !insideTile(0.5 + (x - 0.5) / 0.88, 0.5 + (y - 0.5) / 0.88);
        if (ring || insideBolt(x, y)) black++;
      }
      if (black * 2 >= SAMPLES * SAMPLES) bits[py * (size / 8) + (px >> 3)]! |= 0x80 >> (px & 7);
    }
  }
  return { width: size, height: size, bits };
}
