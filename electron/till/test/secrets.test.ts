/**
 * Where the switch password is kept, and what the till says about it: without an OS keyring it is
 * stored unencrypted, and the till warns at start and in Settings; with one it is encrypted and
 * nothing warns. A real data directory and the real runtime.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiFromInvoke } from '../../api/contract';
import { startTillRuntime } from '../runtime';
import { fileSecretStore } from '../secrets';
import { DEFAULT_OPERATORS } from '../service';

async function tillWith(secrets: 'file' | 'keyring') {
  const dataDir = mkdtempSync(join(tmpdir(), 'till-secrets-'));
  const lines: string[] = [];
  // A stand-in keyring: what matters here is that the store says it encrypts.
  const keyring = fileSecretStore(join(dataDir, 'secrets.json'), { encode: (s) => `enc:${Buffer.from(s).toString('base64')}`, decode: (s) => Buffer.from(s.slice(4), 'base64').toString(), encrypted: true });
  const rt = await startTillRuntime({ dataDir, mode: 'cli', embedSwitch: false, virtualPrinter: false, workerIntervalMs: 0, operators: DEFAULT_OPERATORS, log: (l) => lines.push(l), ...(secrets === 'keyring' ? { secrets: keyring } : {}) });
  const api = apiFromInvoke(rt.backend.invoke);
  expect((await api.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(true);
  return { rt, api, lines, dataDir };
}

describe('the switch password at rest', () => {
  it('without a keyring: stored unencrypted, and the till says so at start and in Settings', async () => {
    const { rt, api, lines, dataDir } = await tillWith('file');
    try {
      expect(lines.join('\n')).toContain(`the switch password is stored unencrypted in ${join(dataDir, 'secrets.json')}`);
      expect((await api.setSettings({ switchPassword: 'shop-secret' })).ok).toBe(true);
      const s = await api.getSettings({});
      expect(s.ok && { set: s.value.switchPasswordSet, encrypted: s.value.switchPasswordEncrypted }).toEqual({ set: true, encrypted: false });
      expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).toContain('shop-secret');
    } finally {
      await rt.close();
    }
  });

  it('with a keyring: encrypted, and no warning', async () => {
    const { rt, api, lines, dataDir } = await tillWith('keyring');
    try {
      expect(lines.join('\n')).not.toContain('unencrypted');
      expect((await api.setSettings({ switchPassword: 'shop-secret' })).ok).toBe(true);
      const s = await api.getSettings({});
      expect(s.ok && s.value.switchPasswordEncrypted).toBe(true);
      expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).not.toContain('shop-secret');
    } finally {
      await rt.close();
    }
  });

  it('a password the app encrypted reads as absent where there is no keyring, never as the ciphertext', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'till-secrets-')), 'secrets.json');
    writeFileSync(file, JSON.stringify({ switchPassword: 'enc:AAAA', other: 'plain:kept' }));
    const store = fileSecretStore(file);
    expect(store.get('switchPassword')).toBeNull();
    expect(store.get('other')).toBe('kept');
  });
});
