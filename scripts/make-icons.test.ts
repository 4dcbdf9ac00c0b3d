/**
 * The committed app icons are what scripts/make-icons.ts draws, at every size electron-builder is
 * pointed at (electron-builder.yml): a changed shape without new PNGs, or a size missing, fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, drawIcon } from './make-icons';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

describe('app icons in assets/icons', () => {
  it.each(ICON_SIZES)('%i px: committed, square, and the drawing', (size) => {
    const file = join(root, 'assets', 'icons', `${size}x${size}.png`);
    expect(existsSync(file), `${file} missing: run npx tsx scripts/make-icons.ts`).toBe(true);
    const committed = PNG.sync.read(readFileSync(file));
    expect([committed.width, committed.height]).toEqual([size, size]);
    expect(Buffer.compare(committed.data, drawIcon(size).data), 'the icon differs from the drawing: run npx tsx scripts/make-icons.ts').toBe(0);
  });

  it('electron-builder takes them from there (Linux the folder, Windows the 256 px one)', () => {
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/^linux:\n(?:.*\n)*?\s+icon: assets\/icons$/m);
    expect(yml).toMatch(/^win:\n(?:.*\n)*?\s+icon: assets\/icons\/256x256\.png$/m);
  });
});
