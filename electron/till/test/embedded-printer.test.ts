/**
 * The till's embedded virtual printer takes jobs from the till only: it listens on a local socket in
 * the till's own 0700 data folder (0600), never on a TCP port another local process could send jobs
 * to — checked against the TCP sockets this process really listens on (/proc) — and the till prints
 * through it; a job sent down the socket by a process of the till's own user prints too (a
 * technician's test, as docs/printing.md says).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiFromInvoke } from '../../api/contract';
import { DEFAULT_OPERATORS } from '../operators';
import { startTillRuntime } from '../runtime';
import { memorySecrets } from './harness';

/** The TCP ports this process listens on (its own sockets' inodes matched in /proc/net/tcp and tcp6). */
function listeningPorts(): number[] {
  const mine = new Set(
    readdirSync('/proc/self/fd').flatMap((fd) => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
        return m ? [m[1]!] : [];
      } catch {
        return [];
      }
    }),
  );
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
    readFileSync(table, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[3] === '0A' && mine.has(f[9] ?? '')) // 0A: LISTEN
      .map((f) => parseInt(f[1]!.split(':')[1]!, 16)),
  );
}

describe.skipIf(process.platform !== 'linux')('the embedded virtual printer (Linux: /proc shows the listening sockets)', () => {
  it('listens on a 0600 socket in the 0700 data folder, on no TCP port, and prints the till’s slips', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedded-printer-'));
    const before = listeningPorts();
    const rt = await startTillRuntime({ dataDir: dir, mode: 'cli', embedSwitch: false, secrets: memorySecrets(), workerIntervalMs: 0, operators: DEFAULT_OPERATORS, env: { PPU_TILL_SWITCH_URL: 'http://127.0.0.1:9' } });
    try {
      const path = rt.virtualPrinter?.path ?? '';
      expect(path).toBe(join(dir, 'virtual-printer', 'printer.sock'));
      expect(statSync(path).isSocket()).toBe(true);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
      expect(listeningPorts().filter((p) => !before.includes(p))).toEqual([]);

      const api = apiFromInvoke(rt.backend.invoke);
      expect((await api.signIn({ operatorId: 'manager', pin: '9999' })).ok).toBe(true);
      expect(await api.printTestPage({})).toMatchObject({ ok: true, value: { printed: true } });
      // A process of the till's own user may write to the socket: what it sends prints.
      const script = `const s = require('node:net').connect(process.argv[1], () => s.end(Buffer.from('HELLO FROM A TECHNICIAN\\n\\x1dV\\x00', 'latin1'))); s.resume();`;
      const sent = spawnSync(process.execPath, ['-e', script, path], { encoding: 'utf8', timeout: 20_000 });
      expect(sent.status, sent.stderr).toBe(0);
      for (let i = 0; i < 100 && !rt.virtualPrinter!.jobs().some((j) => j.text.includes('HELLO FROM A TECHNICIAN')); i++) await new Promise((r) => setTimeout(r, 50));
      expect(rt.virtualPrinter!.jobs().map((j) => j.text.includes('TEST-0123456789') || j.text.includes('HELLO FROM A TECHNICIAN'))).toEqual([true, true]);
    } finally {
      await rt.close();
    }
  }, 60_000);
});
