/**
 * Draws the app icon — a yellow lightning bolt on a rounded blue tile, the till's colours — from the
 * shapes below into assets/icons/NxN.png at every size electron-builder uses (Linux takes the
 * folder, Windows the 256 px one, macOS the 512 px one). The shapes are the source; the PNGs are
 * committed so packaging needs no drawing step. Run again after changing them:
 *   npx tsx scripts/make-icons.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;

type Rgba = readonly [number, number, number, number];
const TILE: Rgba = [0x1f, 0x4e, 0x8c, 255];
const BOLT: Rgba = [0xff, 0xc8, 0x1e, 255];
/** The bolt, in a 0..1 square (clockwise). */
const BOLT_POINTS: readonly (readonly [number, number])[] = [
  [0.58, 0.1], [0.26, 0.56], [0.47, 0.56], [0.4, 0.9], [0.74, 0.42], [0.53, 0.42], [0.62, 0.1],
];
/** Corner radius of the tile, as a share of its side. */
const CORNER = 0.18;

function insideTile(x: number, y: number): boolean {
  const r = CORNER;
  const cx = Math.min(Math.max(x, r), 1 - r);
  const cy = Math.min(Math.max(y, r), 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
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

/** One icon, each pixel the average of 4×4 samples so small sizes keep smooth edges. */
export function drawIcon(size: number): PNG {
  const png = new PNG({ width: size, height: size });
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = (px + (sx + 0.5) / n) / size;
          const y = (py + (sy + 0.5) / n) / size;
          const c: Rgba = !insideTile(x, y) ? [0, 0, 0, 0] : insideBolt(x, y) ? BOLT : TILE;
          // Premultiplied, so transparent samples do not darken the edge.
          for (let k = 0; k < 3; k++) acc[k]! += (c[k]! * c[3]) / 255;
          acc[3]! += c[3];
        }
      }
      const i = (py * size + px) * 4;
      const a = acc[3]! / (n * n);
      for (let k = 0; k < 3; k++) png.data[i + k] = a === 0 ? 0 : Math.round((acc[k]! / (n * n)) * (255 / a));
      png.data[i + 3] = Math.round(a);
    }
  }
  return png;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const out = join(resolve(dirname(import.meta.filename), '..'), 'assets', 'icons');
  mkdirSync(out, { recursive: true });
  for (const size of ICON_SIZES) writeFileSync(join(out, `${size}x${size}.png`), PNG.sync.write(drawIcon(size)));
  console.log(`wrote ${ICON_SIZES.length} icons to ${out}`);
}
