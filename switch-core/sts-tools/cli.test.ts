import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The real bin, as field techs run it.
const BIN = join(import.meta.dirname, '../../scripts/bin/ppu-sts.js');

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const VECTOR_KEY = '6ff35b9d1f3453e6';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('ppu-sts', { timeout: 120_000 }, () => {
  it('decoder-key derives the published key', async () => {
    const r = await run('decoder-key', '--vending-key', 'ABABABABABABABAB', '--sgc', '123456', '--tariff-index', '01', '--krn', '1', '--key-type', '2', '--pan', '600727000000000009');
    expect(r).toMatchObject({ code: 0, stdout: `${VECTOR_KEY}\n` });
  });

  it('credit makes the published tokens, from a TID or from an issue time and base date', async () => {
    const byTid = await run('credit', '--decoder-key', VECTOR_KEY, '--subclass', '0', '--tid', '5871715', '--random', '5', '--units', '0.1');
    expect(byTid).toMatchObject({ code: 0, stdout: '23716100501183194197\n' });
    const byTime = await run('credit', '--decoder-key', VECTOR_KEY, '--subclass', '1', '--issued', '2004-03-01T14:05Z', '--base-date', '1993', '--random', '5', '--units', '0.1');
    expect(byTime).toMatchObject({ code: 0, stdout: '42502136492215507402\n' });
  });

  it('decode prints the fields as JSON, and only crcOk:false (exit 1) for a changed digit', async () => {
    const good = await run('decode', '--decoder-key', VECTOR_KEY, '23716100501183194197');
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toEqual({ tokenClass: 0, subclass: 0, random: 5, tid: 5871715, units: 0.1, crcOk: true });
    const bad = await run('decode', '--decoder-key', VECTOR_KEY, '23716100501183194198');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toEqual({ tokenClass: 0, crcOk: false });
  });

  it('kct prints two tokens a meter on the old key takes, after which the old key no longer reads credit', async () => {
    const newKey = (await run('decoder-key', '--vending-key', 'abababababababab', '--sgc', '123456', '--tariff-index', '01', '--krn', '2', '--key-type', '2', '--pan', '600727000000000009')).stdout.trim();
    const kct = await run('kct', '--old-decoder-key', VECTOR_KEY, '--new-decoder-key', newKey, '--ken', '255', '--krn', '2', '--key-type', '2', '--tariff-index', '01');
    const pair = kct.stdout.trim().split('\n');
    expect(pair).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'ppu-sts-'));
    dirs.push(dir);
    const enter = (token: string) => run('meter', '--state', dir, '--pan', '600727000000000009', '--decoder-key', VECTOR_KEY, 'enter', token);
    expect(JSON.parse((await enter(pair[0] as string)).stdout)).toMatchObject({ show: '1stKCT' });
    expect(JSON.parse((await enter(pair[1] as string)).stdout)).toMatchObject({ show: '2ndKCT', keyChanged: true });
    const oldCredit = await enter('23716100501183194197');
    expect(oldCredit.code).toBe(1);
    expect(JSON.parse(oldCredit.stdout)).toMatchObject({ show: 'Reject', credit: 0 });
    const newCredit = (await run('credit', '--decoder-key', newKey, '--subclass', '0', '--tid', '5871800', '--random', '1', '--units', '12.5')).stdout.trim();
    expect(JSON.parse((await enter(newCredit)).stdout)).toEqual({ show: 'Accept', creditBefore: 0, creditAfter: 12.5, tid: 5871800, credit: 12.5 });
    expect(JSON.parse((await enter(newCredit)).stdout)).toMatchObject({ show: 'Used', credit: 12.5 });
  });

  it('bad input names the flag on one line and exits 2', async () => {
    const cases: Array<[string[], string]> = [
      [['decode', '--decoder-key', 'xyz', '23716100501183194197'], '--decoder-key'],
      [['decoder-key', '--vending-key', 'abababababababab', '--sgc', '12345', '--tariff-index', '01', '--krn', '1', '--key-type', '2', '--pan', '600727000000000009'], '--sgc'],
      [['credit', '--decoder-key', VECTOR_KEY, '--subclass', '0', '--tid', '5871715', '--random', '16', '--units', '0.1'], '--random'],
      [['credit', '--decoder-key', VECTOR_KEY, '--subclass', '0', '--tid', '5871715', '--random', '5', '--units', '0.15'], '--units'],
      [['kct', '--old-decoder-key', VECTOR_KEY, '--new-decoder-key', VECTOR_KEY, '--ken', '256', '--krn', '2', '--key-type', '2', '--tariff-index', '01'], '--ken'],
    ];
    for (const [args, flag] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(flag);
    }
  });
});
