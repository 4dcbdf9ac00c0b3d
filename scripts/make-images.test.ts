/**
 * The committed images are what scripts/make-images.ts draws from assets/logo.ts: the app icons at
 * every size electron-builder is pointed at (electron-builder.yml), and the slip logo. A changed
 * shape without new PNGs, or a size missing, fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { ICON_SIZES, iconPng, slipLogoPng } from './make-images';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function expectCommitted(file: string, drawn: PNG): void {
  expect(existsSync(file), `${file} missing: run npx tsx scripts/make-images.ts`).toBe(true);
  const committed = PNG.sync.read(readFileSync(file));
  expect([committed.width, committed.height]).toEqual([drawn.width, drawn.height]);
  expect(Buffer.compare(committed.data, drawn.data), `${file} differs from assets/logo.ts: run npx tsx scripts/make-images.ts`).toBe(0);
}

describe('images in assets/', () => {
  it.each(ICON_SIZES)('the %i px app icon is committed and is the drawing', (size) => {
    expectCommitted(join(root, 'assets', 'icons', `${size}x${size}.png`), iconPng(size));
  });

  it('the slip logo is committed and is the drawing', () => {
    expectCommitted(join(root, 'assets', 'slip-logo.png'), slipLogoPng());
  });

  it('electron-builder takes the icons from there (Linux the folder, Windows the 256 px one)', () => {
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    expect(yml).toMatch(/^linux:\n(?:.*\n)*?\s+icon: assets\/icons$/m);
    expect(yml).toMatch(/^win:\n(?:.*\n)*?\s+icon: assets\/icons\/256x256\.png$/m);
  });
});
