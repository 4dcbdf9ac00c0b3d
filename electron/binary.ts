/**
 * Where the Electron binary is, read from the electron package's path.txt without loading the
 * package (loading it outside Electron throws when the binary was never downloaded, as on machines
 * installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1). Used by `npm start` and the Electron e2e test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

export function findElectronBinary(): ElectronBinary {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { found: false, reason: 'the electron package is not installed (run npm ci)' };
  }
  const pathTxt = join(pkgDir, 'path.txt');
  if (!existsSync(pathTxt)) return { found: false, reason: 'the Electron binary was not downloaded (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline)' };
  const path = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(path) ? { found: true, path } : { found: false, reason: `the Electron binary is missing at ${path}` };
}
