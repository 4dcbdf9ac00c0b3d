/**
 * Writes the till's images from their source, assets/logo.ts: the app icon at every size
 * electron-builder uses (assets/icons/NxN.png — Linux takes the folder, Windows the 256 px one) and
 * the slip logo (assets/slip-logo.png, black on white as the printer prints it). The PNGs are
 * committed so packaging needs no drawing step; scripts/make-images.test.ts keeps them equal to the
 * source. Run again after changing it:  npx tsx scripts/make-images.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { iconPixels, slipLogo } from '../assets/logo';

export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;

export function iconPng(size: number): PNG {
  const png = new PNG({ width: size, height: size });
  iconPixels(size).copy(png.data);
  return png;
}

/** The slip logo as a PNG: each dot black or white, opaque. */
export function slipLogoPng(): PNG {
  const logo = slipLogo();
  const png = new PNG({ width: logo.width, height: logo.height });
  for (let y = 0; y < logo.height; y++) {
    for (let x = 0; x < logo.width; x++) {
      const black = (logo.bits[y * (logo.width / 8) + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;
      png.data.fill(black ? 0 : 255, (y * logo.width + x) * 4, (y * logo.width + x) * 4 + 3);
      png.data[(y * logo.width + x) * 4 + 3] = 255;
    }
  }
  return png;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const assets = join(resolve(dirname(import.meta.filename), '..'), 'assets');
  mkdirSync(join(assets, 'icons'), { recursive: true });
  for (const size of ICON_SIZES) writeFileSync(join(assets, 'icons', `${size}x${size}.png`), PNG.sync.write(iconPng(size)));
  writeFileSync(join(assets, 'slip-logo.png'), PNG.sync.write(slipLogoPng()));
  console.log(`wrote ${ICON_SIZES.length} icons and the slip logo to ${assets}`);
}
