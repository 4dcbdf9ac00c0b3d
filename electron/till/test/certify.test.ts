/**
 * `ppu-till certify` as a field tech runs it, all real processes: it passes against
 * `ppu-switch serve --profile certification` (printing its result slip) and against a chain (a switch
 * with --providers in front of a certification switch, which retries TST011 itself), and against
 * `--profile demo` it fails, naming the steps, and sells nothing.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertifyReport } from '../../api/contract';
import { startSwitchProcess, type SwitchProcess } from '../../../switch-core/test/cli-process';
import { runTill, valueOf } from './till-process';

const dir = mkdtempSync(join(tmpdir(), 'certify-'));
let cert: SwitchProcess;
let chain: SwitchProcess;
let demo: SwitchProcess;

beforeAll(async () => {
  [cert, demo] = await Promise.all([
    startSwitchProcess(['--profile', 'certification', '--tst011-delay', '300', '--data', join(dir, 'cert'), '--auth', 'tech:tech-secret']),
    startSwitchProcess(['--profile', 'demo', '--data', join(dir, 'demo'), '--auth', 'tech:tech-secret']),
  ]);
  const providers = join(dir, 'providers.json');
  writeFileSync(
    providers,
    JSON.stringify({
      providers: [
        {
          id: 'UP1',
          name: 'Certification switch upstream',
          baseUrl: `${cert.url}/prepaidutility/v3`,
          username: 'tech',
          passwordEnv: 'UPSTREAM_PASSWORD',
          capabilities: ['retries', 'reprints', 'faultReports', 'keyChangeTokens'],
          utilityTypes: ['ELECTRICITY'],
          timeoutMs: 20_000,
        },
      ],
    }),
  );
  chain = await startSwitchProcess(['--providers', providers, '--data', join(dir, 'chain'), '--auth', 'tech:tech-secret'], { UPSTREAM_PASSWORD: 'tech-secret' });
}, 90_000);
afterAll(async () => {
  await Promise.all([chain?.stop(), cert?.stop(), demo?.stop()]);
});

const certify = (name: string, sw: SwitchProcess, args: string[] = [], commandArgs: string[] = []) =>
  runTill(join(dir, `till-${name}`), ['--operator', 'tech', ...args, 'certify', ...commandArgs], {
    PPU_TILL_SWITCH_URL: sw.url,
    PPU_TILL_SWITCH_USERNAME: 'tech',
    PPU_TILL_SWITCH_PASSWORD: 'tech-secret',
    PPU_TILL_OPERATORS: 'tech:manager:4826:Field Tech',
    PPU_TILL_PIN: '4826',
  });

describe('ppu-till certify', () => {
  it("passes every step against the certification profile and prints the result slip", async () => {
    const run = await certify('cert', cert, ['--json']);
    const r = valueOf<CertifyReport>(run);
    expect(r.steps.filter((s) => !s.passed)).toEqual([]);
    expect(r.steps.map((s) => s.step)).toEqual(
      expect.arrayContaining(['TST001 lookup', 'TST011 lookup', 'TST002 purchase', 'TST004 purchase', 'TST010 confirmation', 'TST011 purchase (504 expected)', 'TST011 retry', 'TST011 confirmation', 'TST001 purchase, then its reversal', 'TST001 key change request', 'TST001 fault report']),
    );
    expect(r.refused).toBeNull();
    expect(run.code).toBe(0);

    const printed = await certify('cert-print', cert, [], ['--print']);
    expect(printed.out).toMatch(/\d+ passed, 0 failed; result slip printed/);
    expect(printed.code).toBe(0);
    const jobs = join(dir, 'till-cert-print', 'virtual-printer');
    const slip = readdirSync(jobs).filter((f) => f.endsWith('.txt')).map((f) => readFileSync(join(jobs, f), 'utf8')).find((t) => t.includes('CERTIFICATION RUN'));
    expect(slip).toBeDefined();
    expect(slip).toContain(`Switch: ${cert.url}`);
    expect(slip).toContain('Failed: 0');
    expect(slip).toContain('RESULT: PASS');
  }, 180_000);

  it('passes against a chain: a switch with --providers in front of a certification switch', async () => {
    const run = await certify('chain', chain, ['--json']);
    const r = valueOf<CertifyReport>(run);
    expect(r.steps.filter((s) => !s.passed)).toEqual([]);
    expect(r.passed).toBe(r.steps.length);
    expect(run.code).toBe(0);
  }, 180_000);

  it('fails against the demo profile, naming the steps, and sells nothing', async () => {
    const run = await certify('demo', demo);
    expect(run.code).toBe(1);
    for (const id of ['TST001', 'TST004', 'TST011']) expect(run.out).toMatch(new RegExp(`FAIL  ${id} lookup\\s+\\d+ ms\\n\\s+${id}: refused, HTTP 400 UNKNOWN_METER_ID`));
    expect(run.out).toContain("REFUSED: The switch does not answer the test server's scenario meters (11 of 11 lookups refused): nothing was sold.");
    expect(run.out).toContain('0 passed, 11 failed');
    const sold = (await (await fetch(`${demo.url}/admin/v1/transactions?type=PURCHASE`, { headers: { authorization: 'Basic ' + Buffer.from('tech:tech-secret').toString('base64') } })).json()) as { transactions: unknown[] };
    expect(sold.transactions).toEqual([]);
  }, 120_000);
});
