/**
 * Secret stores for the switch password. Browser mode / CLI: a JSON file with 0600 permissions next
 * to the database. Electron: main.ts passes an encrypting store built on safeStorage (same interface).
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from './backend-context';

export function fileSecretStore(path: string, codec: { encode(s: string): string; decode(s: string): string } = { encode: (s) => s, decode: (s) => s }): SecretStore {
  const read = (): Record<string, string> => {
    if (!existsSync(path)) return {};
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  return {
    get(key) {
      const v = read()[key];
      if (v === undefined) return null;
      try {
        return codec.decode(v);
      } catch {
        return null;
      }
    },
    set(key, value) {
      const all = { ...read(), [key]: codec.encode(value) };
      const tmp = path + '.tmp';
      writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, path); // atomic: never a half-written secrets file
    },
  };
}
