import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSwitchProcess, type SwitchProcess } from './cli-process';

/**
 * The public test server's own server test pack (../shared/reference/ppu-test-server/postman, run
 * with newman as its run_newman.sh runs it: seven folders, each with its data file and iterations)
 * against `ppu-switch serve --profile certification`, and against a chain — a switch with
 * `--providers` naming a certification switch. The pack is read from the shared reference, never
 * copied; the only thing added is our switch's basic-auth credentials, set on the collection in
 * memory (the public server takes none). Each folder's assertion count is printed.
 */
const PACK = resolve(import.meta.dirname, '../../../shared/reference/ppu-test-server/postman');
const COLLECTION = JSON.parse(readFileSync(join(PACK, 'PrepaidUtilityTestPack.postman_collection.json'), 'utf8')) as Record<string, unknown>;
const ENVIRONMENT = JSON.parse(readFileSync(join(PACK, 'PPUlocalhosttest.postman_environment.json'), 'utf8')) as { values: Array<{ key: string; value: string }> };

/** run_newman.sh, line by line: folder, data file, iterations. */
const FOLDERS: ReadonlyArray<{ folder: string; data: string | null; iterations: number }> = [
  { folder: 'Lookup-purchase-confirm', data: 'test_meterIds-purchases.csv', iterations: 10 },
  { folder: 'Lookup-purchase-reverse', data: 'test_meterIds-purchases.csv', iterations: 1 },
  { folder: 'Lookup-timeout-retry-confirm', data: 'test_meterIds-retries.csv', iterations: 1 },
  { folder: 'Key change requests', data: 'test_meterIds-keychange.csv', iterations: 1 },
  { folder: 'Fault reports', data: 'test_meterIds-keychange.csv', iterations: 1 },
  { folder: 'Meter lookups', data: 'test_meterIds-keychange.csv', iterations: 1 },
  { folder: 'Unmatched advices', data: null, iterations: 1 },
];

const USER = 'pack';
const PASSWORD = 'pack-pass';

interface FolderResult {
  folder: string;
  assertions: number;
  failed: string[];
}

function runFolder(host: string, f: (typeof FOLDERS)[number]): Promise<FolderResult> {
  const collection = { ...COLLECTION, auth: { type: 'basic', basic: [{ key: 'username', value: USER }, { key: 'password', value: PASSWORD }] } };
  const environment = { ...ENVIRONMENT, values: ENVIRONMENT.values.map((v) => (v.key === 'host' ? { ...v, value: host } : v)) };
  return new Promise((done, fail) => {
    newman.run(
      {
        collection: collection as unknown as newman.NewmanRunOptions['collection'],
        environment: environment as unknown as newman.NewmanRunOptions['environment'],
        folder: f.folder,
        iterationCount: f.iterations,
        ...(f.data ? { iterationData: join(PACK, f.data) } : {}),
        reporters: [],
        timeoutRequest: 30_000,
      },
      (err: Error | null, summary: NewmanRunSummary) => {
        if (err) return fail(err);
        const failed = summary.run.failures.map((x) => `${x.source?.name ?? '?'}: ${x.error.message}`);
        done({ folder: f.folder, assertions: summary.run.stats.assertions.total ?? 0, failed });
      },
    );
  });
}

async function runPack(label: string, host: string): Promise<FolderResult[]> {
  const results: FolderResult[] = [];
  for (const f of FOLDERS) results.push(await runFolder(host, f));
  const total = results.reduce((n, r) => n + r.assertions, 0);
  const failed = results.reduce((n, r) => n + r.failed.length, 0);
  console.log(
    `server test pack against ${label}: ${total - failed}/${total} assertions passed\n` +
      results.map((r) => `  ${r.folder}: ${r.assertions} assertions, ${r.failed.length} failed${r.failed.map((m) => `\n    ✗ ${m}`).join('')}`).join('\n'),
  );
  return results;
}

const dir = mkdtempSync(join(tmpdir(), 'pack-'));
let cert: SwitchProcess;
let chain: SwitchProcess;

beforeAll(async () => {
  cert = await startSwitchProcess(['--profile', 'certification', '--tst011-delay', '200', '--data', join(dir, 'cert'), '--auth', `${USER}:${PASSWORD}`]);
  const file = join(dir, 'providers.json');
  writeFileSync(
    file,
    JSON.stringify({
      providers: [
        {
          id: 'CERT',
          name: 'Certification switch',
          baseUrl: `${cert.url}/prepaidutility/v3`,
          username: USER,
          passwordEnv: 'CERT_PASSWORD',
          capabilities: ['retries', 'reprints', 'trialPurchases', 'faultReports', 'keyChangeTokens'],
          utilityTypes: ['ELECTRICITY'],
          weight: 1,
          timeoutMs: 20_000,
        },
      ],
    }),
  );
  // The pack expects TST011's first purchase to answer 504 and the client's own /retry to get the
  // tokens: the chain passes the unknown outcome on instead of retrying it itself.
  chain = await startSwitchProcess(['--providers', file, '--data', join(dir, 'chain'), '--auth', `${USER}:${PASSWORD}`, '--unknown-outcome-retries', '0'], {
    CERT_PASSWORD: PASSWORD,
  });
}, 90_000);

afterAll(async () => {
  await chain?.stop();
  await cert?.stop();
});

describe('the public server test pack (newman, all seven folders of run_newman.sh)', () => {
  it('passes every assertion against ppu-switch serve --profile certification', async () => {
    const results = await runPack('ppu-switch --profile certification', `${cert.url}/prepaidutility/v3`);
    expect(results.map((r) => r.failed)).toEqual(FOLDERS.map(() => []));
    expect(results.every((r) => r.assertions > 0)).toBe(true);
  }, 180_000);

  it('passes every assertion against a switch chained in front of a certification switch', async () => {
    const results = await runPack('a chain (--providers → certification switch)', `${chain.url}/prepaidutility/v3`);
    expect(results.map((r) => r.failed)).toEqual(FOLDERS.map(() => []));
    expect(results.every((r) => r.assertions > 0)).toBe(true);
  }, 180_000);
});
