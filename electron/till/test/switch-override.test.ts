/**
 * PPU_TILL_SWITCH_URL / _USERNAME / _PASSWORD point the till at any PPU server (here a switch in the
 * certification profile) over real HTTP: for the runtime that `npm start` and Electron use (also a
 * comma-separated list it fails over down), and for `ppu-till` as a child process. The override is
 * never written into the till's settings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSwitch, type RunningSwitch } from '../../../switch-core/index';
import { apiFromInvoke } from '../../api/contract';
import { startTillRuntime } from '../runtime';
import { openTillStore } from '../store/repository';
import type { StoredSettings } from '../settings';
import { DEFAULT_OPERATORS } from '../operators';
import { memorySecrets, waitSale } from './harness';

const root = resolve(import.meta.dirname, '../../..');
let sw: RunningSwitch;
beforeAll(async () => {
  sw = await startSwitch({ dataDir: mkdtempSync(join(tmpdir(), 'override-switch-')), port: 0, profile: 'certification', auth: { username: 'shop', password: 'shop-secret' } });
});
afterAll(() => sw?.close());

const envFor = (url: string) => ({ PPU_TILL_SWITCH_URL: url, PPU_TILL_SWITCH_USERNAME: 'shop', PPU_TILL_SWITCH_PASSWORD: 'shop-secret' });

describe('the till runtime under PPU_TILL_SWITCH_*', () => {
  it('sells against the given server (no embedded switch) and never saves the override', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'override-till-'));
    const rt = await startTillRuntime({ dataDir, mode: 'cli', virtualPrinter: false, secrets: memorySecrets(), workerIntervalMs: 20, operators: DEFAULT_OPERATORS, env: envFor(`${sw.url}/prepaidutility/v3`) });
    try {
      expect(rt.embeddedSwitch).toBeNull();
      const api = apiFromInvoke(rt.backend.invoke);
      expect((await api.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(true);
      expect((await api.openShift({ floatCents: 0 })).ok).toBe(true);
      const lk = await api.lookupMeter({ meterId: 'TST001' });
      expect(lk.ok && lk.value.customerName).toMatch(/Pierre/);
      const p = await api.purchase({ lookupRef: lk.ok ? lk.value.lookupRef : undefined, meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } });
      if (!p.ok) throw new Error(p.error.message);
      const done = await waitSale(api, p.value.saleId, (s) => s === 'succeeded' || s === 'failed');
      expect(done.tokens.map((t) => t.grouped)).toEqual(['0000 0000 0000 0000 0000']);
      const shown = await api.getSettings({});
      expect(shown.ok && shown.value.switchUrl).toBe(`${sw.url}/prepaidutility/v3`);
      expect((await api.setSettings({ merchantName: 'Renamed Store' })).ok).toBe(true);
    } finally {
      await rt.close();
    }
    const store = openTillStore(join(dataDir, 'till.db'));
    const saved = store.getSetting<StoredSettings>('settings');
    store.close();
    expect(saved).toMatchObject({ merchantName: 'Renamed Store', switchUrl: '', switchUsername: '' });
  });

  it('takes a comma-separated list and fails over from a port that refuses to the switch', async () => {
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as net.AddressInfo).port}`;
    await new Promise<void>((r) => dead.close(() => r()));
    const rt = await startTillRuntime({ dataDir: mkdtempSync(join(tmpdir(), 'override-list-')), mode: 'cli', virtualPrinter: false, secrets: memorySecrets(), workerIntervalMs: 20, operators: DEFAULT_OPERATORS, env: envFor(`${deadUrl}, ${sw.url}/prepaidutility/v3`) });
    try {
      const api = apiFromInvoke(rt.backend.invoke);
      expect((await api.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(true);
      const lk = await api.lookupMeter({ meterId: 'TST001' });
      expect(lk.ok && lk.value.customerName).toMatch(/Pierre/);
      const st = await api.status({});
      expect(st.ok && st.value.switch).toMatchObject({ inUse: new URL(sw.url).host, position: 2, count: 2, failedOverFrom: new URL(deadUrl).host });
    } finally {
      await rt.close();
    }
  });

  it('names the wrong entry of a list', async () => {
    await expect(startTillRuntime({ dataDir: mkdtempSync(join(tmpdir(), 'override-bad-list-')), mode: 'cli', env: { PPU_TILL_SWITCH_URL: `${sw.url},https://host/api/v2` } })).rejects.toThrow(
      'PPU_TILL_SWITCH_URL URL 2 (https://host/api/v2) must end in /prepaidutility/v3 (or be an origin alone)',
    );
  });

  it('refuses a URL that is not a PPU base URL, in words', async () => {
    await expect(startTillRuntime({ dataDir: mkdtempSync(join(tmpdir(), 'override-bad-')), mode: 'cli', env: { PPU_TILL_SWITCH_URL: 'https://host/api/v2' } })).rejects.toThrow(
      'PPU_TILL_SWITCH_URL must end in /prepaidutility/v3 (or be an origin alone)',
    );
  });
});

function ppuTill(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['scripts/bin/ppu-till.js', '--data-dir', mkdtempSync(join(tmpdir(), 'override-cli-')), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, out })));
}

describe('ppu-till under PPU_TILL_SWITCH_*', () => {
  it('an origin alone means /prepaidutility/v3 under it', async () => {
    const r = await ppuTill(['lookup', 'TST007'], { ...envFor(sw.url), PPU_TILL_OPERATORS: 'cashier:cashier:4826', PPU_TILL_PIN: '4826' });
    expect(r.out).toContain('John Palmer');
    expect(r.code).toBe(0);
  });

  it('a wrong URL stops it with the reason and no stack trace', async () => {
    const r = await ppuTill(['lookup', 'TST001'], { PPU_TILL_SWITCH_URL: 'ftp://host' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('PPU_TILL_SWITCH_URL must be an http:// or https:// URL');
    expect(r.out).not.toMatch(/\n\s+at /);
  });
});
