import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PpuClient, type PurchaseAnswer } from '../protocol';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';
import { CERTIFICATION_SCENARIOS } from '../providers';
import { startSwitchProcess, type SwitchProcess } from './cli-process';

/**
 * Aggregators chain switches: switch A runs with `--providers` naming switch B, itself
 * `ppu-switch serve --profile certification` with OAuth2 on. Both are real child processes started
 * through the CLI. A reaches B with a client-credentials bearer token whose secret only A's
 * environment holds; that secret must never show in A's output, admin API or database.
 */
const B_PASSWORD = 'b-secret-Zq81x';
let a: SwitchProcess;
let b: SwitchProcess;
let till: PpuClient;
const dir = mkdtempSync(join(tmpdir(), 'chain-'));

beforeAll(async () => {
  b = await startSwitchProcess(['--profile', 'certification', '--tst011-delay', '300', '--data', join(dir, 'b'), '--auth', `agg:${B_PASSWORD}`, '--oauth2', '--oauth2-ttl', '60']);
  const file = join(dir, 'providers.json');
  writeFileSync(
    file,
    JSON.stringify({
      providers: [
        {
          id: 'EXT1',
          name: 'Upstream switch',
          baseUrl: `${b.url}/prepaidutility/v3`,
          auth: { type: 'oauth2', tokenUrl: `${b.url}/oauth2/token`, clientId: 'agg', clientSecretEnv: 'UPSTREAM_SECRET', scope: 'ppu' },
          capabilities: ['retries', 'reprints', 'trialPurchases', 'faultReports', 'keyChangeTokens'],
          utilityTypes: ['ELECTRICITY'],
          weight: 1,
          timeoutMs: 20000,
        },
      ],
    }),
  );
  a = await startSwitchProcess(['--providers', file, '--data', join(dir, 'a'), '--auth', 'till:till-pass', '--log'], { UPSTREAM_SECRET: B_PASSWORD });
  till = new PpuClient({ baseUrl: a.url, username: 'till', password: 'till-pass', timeoutMs: 20_000 });
}, 90_000);

afterAll(async () => {
  await till?.close();
  await a?.stop();
  await b?.stop();
});

const adminGet = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${a.url}/admin/v1${path}`, { headers: { authorization: 'Basic ' + Buffer.from('till:till-pass').toString('base64') } });
  return (await res.json()) as T;
};

describe('ppu-switch serve --profile certification, as the public test server', () => {
  it("TST011: the till's first purchase answers 504 with an ErrorDetail; its /retry with the same id gets the tokens", async () => {
    const direct = new PpuClient({ baseUrl: b.url, username: 'agg', password: B_PASSWORD, timeoutMs: 20_000 });
    try {
      const req = purchaseRequest('TST011', 10000);
      const first = await direct.purchase(req);
      expect(first).toMatchObject({ outcome: 'unknown', status: 504, error: { errorType: 'OUTCOME_UNKNOWN' } });
      const retry = await direct.retryPurchase(req);
      expect(retry).toMatchObject({ outcome: 'successful', body: { id: req.id, tokens: [{ tokenType: 'STD', token: '00000000000000000000', receiptNum: 'RCT10001' }] } });
    } finally {
      await direct.close();
    }
  });
});

describe('a switch with --providers pointing at a certification switch', () => {
  it('announces its external provider', () => {
    expect(a.output()).toMatch(/providers: 1 external/);
  });

  const sold = new Map<string, PurchaseAnswer>();
  it.each(Object.entries(CERTIFICATION_SCENARIOS))("sells %s through both switches with the test server's answer", async (meterId, scenario) => {
    const lk = await till.meterLookup(lookupRequest(meterId));
    expect(lk).toMatchObject({ outcome: 'successful', body: { utility: { name: 'Electrum Test Server' } } });
    const r = await till.purchase(purchaseRequest(meterId, scenario.amountCents));
    if (r.outcome !== 'successful') throw new Error(`${meterId}: ${JSON.stringify(r)}`);
    sold.set(meterId, r.body);
    const tokens = scenario.issued?.tokens ?? [];
    expect(r.body.tokens.map((t) => [t.token, t.receiptNum])).toEqual(tokens.map((t) => [t.token, t.receiptNum]));
    // On the wire a taxed amount is net of its VAT, as the public server sends TST001 (8600 + tax 1400 = R100).
    expect(r.body.tokens.map((t) => t.amount?.amount)).toEqual(scenario.plan.tokens.map((t) => t.amountCents - t.taxCents));
    expect((r.body.debtRecoveryCharges ?? []).length + (r.body.serviceCharges ?? []).length).toBe(
      scenario.plan.debtRecoveryCharges.length + scenario.plan.serviceCharges.length,
    );
  });

  it('TST010 keeps its slip; TST011 went through a 504 and its retry at the upstream switch', async () => {
    expect(sold.get('TST010')?.slipData?.messageLines).toHaveLength(5);
    const id = sold.get('TST011')?.id;
    expect(id).toBeDefined();
    const detail = await adminGet<{ traces: Array<{ providerId: string | null; operation: string; status: number | null }> }>(`/transactions/${id}`);
    const upstream = detail.traces.filter((t) => t.providerId === 'EXT1').map((t) => [t.operation, t.status]);
    expect(upstream).toEqual([
      ['purchase', 504],
      ['purchaseRetry', 201],
    ]);
  });

  it("never shows the upstream secret or its bearer token in A's output, admin API or database", async () => {
    const providers = JSON.stringify(await adminGet('/providers'));
    const txs = await adminGet<{ transactions: Array<{ id: string }> }>('/transactions?limit=1000');
    const details = await Promise.all(txs.transactions.map((t) => adminGet(`/transactions/${t.id}`)));
    const seen = [a.output(), providers, JSON.stringify(txs), JSON.stringify(details)];
    for (const f of readdirSync(join(dir, 'a'))) seen.push(readFileSync(join(dir, 'a', f)).toString('latin1'));
    expect(txs.transactions.length).toBeGreaterThan(20);
    for (const text of seen) {
      expect(text).not.toContain(B_PASSWORD);
      expect(text).not.toMatch(/Bearer|eyJhbGciOi/);
    }
  });
});
