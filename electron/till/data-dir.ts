/**
 * The till's one data directory, for the app (Electron or browser), `npm start` and the `ppu-till`
 * CLI alike, on every platform: PPU_TILL_DATA, else `.ppu-till` in the user's home folder
 * (C:\Users\NAME\.ppu-till on Windows). One place, so a field tech's CLI sees the app's sales.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function tillDataDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return env.PPU_TILL_DATA || join(home, '.ppu-till');
}
