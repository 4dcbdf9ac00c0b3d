/**
 * A till's identity at its first start, through the runtime every host uses: the installer's
 * PPU_TILL_TERMINAL_ID / _NAME / PPU_TILL_MERCHANT_ID are taken and kept, shown in the header and on
 * slips; without them the till makes its own id, and keeps it across restarts; a wrong value stops
 * the start in words naming the variable.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiFromInvoke } from '../../api/contract';
import { DEFAULT_OPERATORS } from '../operators';
import { startTillRuntime } from '../runtime';
import { memorySecrets } from './harness';

const start = (dataDir: string, env: Record<string, string>) =>
  startTillRuntime({ dataDir, mode: 'cli', embedSwitch: false, secrets: memorySecrets(), workerIntervalMs: 0, operators: DEFAULT_OPERATORS, env: { PPU_TILL_SWITCH_URL: 'http://127.0.0.1:9', ...env } });

describe('till identity', () => {
  it("takes the installer's terminal id, name and store, shows them in the header and on slips, and keeps them", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-'));
    const env = { PPU_TILL_TERMINAL_ID: 'TILL0042', PPU_TILL_TERMINAL_NAME: 'Till 2', PPU_TILL_MERCHANT_ID: 'STORE0000000042' };
    const rt = await start(dir, env);
    try {
      const api = apiFromInvoke(rt.backend.invoke);
      const st = await api.status({});
      expect(st.ok && st.value.till).toEqual({ storeName: 'Corner Store', terminalId: 'TILL0042', terminalName: 'Till 2' });
      expect((await api.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(true);
      const s = await api.getSettings({});
      expect(s.ok && s.value.merchantId).toBe('STORE0000000042');
      expect((await api.printTestPage({})).ok).toBe(true);
      await rt.backend.idle();
      const jobs = await api.virtualPrinterJobs({});
      expect(jobs.ok && jobs.value.jobs[0]?.text).toContain('TILL0042 Till 2');
    } finally {
      await rt.close();
    }
    // Provisioning happens once: a later start with other values keeps the till's identity.
    const again = await start(dir, { PPU_TILL_TERMINAL_ID: 'OTHER001' });
    try {
      const st = await apiFromInvoke(again.backend.invoke).status({});
      expect(st.ok && st.value.till.terminalId).toBe('TILL0042');
    } finally {
      await again.close();
    }
  });

  it('makes its own 8-character id when none is given, and keeps it across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-own-'));
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const rt = await start(dir, {});
      const st = await apiFromInvoke(rt.backend.invoke).status({});
      if (st.ok) ids.push(st.value.till.terminalId);
      await rt.close();
    }
    expect(ids[0]).toMatch(/^T[0-9A-HJ-NP-Z]{7}$/);
    expect(ids[1]).toBe(ids[0]);
  });

  it('refuses a wrong value in words naming the variable', async () => {
    await expect(start(mkdtempSync(join(tmpdir(), 'identity-bad-')), { PPU_TILL_TERMINAL_ID: 'T-1' })).rejects.toThrow('PPU_TILL_TERMINAL_ID must be exactly 8 letters or digits');
    await expect(start(mkdtempSync(join(tmpdir(), 'identity-bad-')), { PPU_TILL_MERCHANT_ID: 'SHORT' })).rejects.toThrow('PPU_TILL_MERCHANT_ID must be exactly 15 characters');
  });
});
