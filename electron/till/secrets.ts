/**
 * Secret stores for the switch password: a JSON file with 0600 permissions next to the database.
 * Electron with an OS keyring: main.ts passes a codec built on safeStorage, and the values are
 * encrypted. Without one (browser mode, a Linux desktop with no Secret Service) they are stored as
 * they are, and the store says so (`encrypted: false`) for the till to warn at start and in Settings.
 */
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretStore } from './backend-context';

export interface SecretCodec {
  encode(s: string): string;
  decode(s: string): string;
  /** Whether encode encrypts. */
  readonly encrypted: boolean;
}

/** No keyring: values stored as they are; one the app encrypted with a keyring this process lacks reads as absent. */
const PLAIN: SecretCodec = {
  encode: (s) => s,
  decode: (s) => {
    if (s.startsWith('enc:')) throw new Error('encrypted with a keyring this process cannot use');
    return s.replace(/^plain:/, '');
  },
  encrypted: false,
};

export function fileSecretStore(path: string, codec: SecretCodec = PLAIN): SecretStore {
  const read = (): Record<string, string> => {
    if (!existsSync(path)) return {};
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  return {
    encrypted: codec.encrypted,
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
