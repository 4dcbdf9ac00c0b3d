/**
 * The switch in front of a provider it did not write, answering in the published models' shapes
 * (published-shapes-provider.ts), over real HTTP on loopback: every value reaches the till intact and typed
 * as the models say, an answer carrying no tokens is a success, a 504 is an unknown outcome whose
 * retry is approved, and each answer to the till carries the v3.13 success code of its operation
 * (a token purchase event included).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso, PpuClient, type PpuTrace } from '../protocol';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';
import { startSwitch } from '../index';
import { startSwitchProcess } from './cli-process';
import { STAND_IN_METERS, STAND_IN_RETRY_TOKEN, STAND_IN_SLIP_LINE, STAND_IN_TOKEN, standInProvidersFile, startStandInProvider, type StandInProvider } from './published-shapes-provider';

/** A switch under test in front of the stand-in: its URL and the till's credentials. */
interface SwitchUnderTest {
  url: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/** The in-process switch (startSwitch with the stand-in as an external provider). */
async function inProcess(provider: StandInProvider): Promise<SwitchUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'switch-standin-'));
  const sw = await startSwitch({
    dataDir: dir,
    port: 0,
    auth: { username: 'till', password: 'pw' },
    providerTimeoutMs: 2_000,
    providers: [
      {
        descriptor: { id: 'EXT1', name: 'Stand-in', capabilities: { retries: true, reprints: false, trialPurchases: false, faultReports: false, keyChange: false }, utilityTypes: ['ELECTRICITY'] },
        baseUrl: provider.origin,
        username: provider.username,
        password: provider.password,
      },
    ],
  });
  return {
    url: sw.url,
    username: sw.username,
    password: sw.password,
    stop: async () => {
      await sw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function behindSwitch(label: string, start: (provider: StandInProvider) => Promise<SwitchUnderTest>): void {
  let provider: StandInProvider;
  let sw: SwitchUnderTest;
  let till: PpuClient;
  const traces: PpuTrace[] = [];

  beforeAll(async () => {
    provider = await startStandInProvider();
    sw = await start(provider);
    till = new PpuClient({ baseUrl: sw.url, username: sw.username, password: sw.password, timeoutMs: 10_000, onTrace: (t) => traces.push(t) });
  }, 60_000);
  afterAll(async () => {
    await till?.close();
    await sw?.stop();
    await provider?.close();
  });

  const answerText = (id: string, op: string) => traces.find((t) => t.operation === op && t.url.endsWith(id))?.responseText ?? '';
  const basic = () => 'Basic ' + Buffer.from(`${sw.username}:${sw.password}`).toString('base64');
  const adminGet = async (path: string) => (await fetch(`${sw.url}/admin/v1${path}`, { headers: { authorization: basic() } })).text();

  describe(`${label} in front of a provider answering in the published shapes`, () => {
    it('passes units 73.8, rate 117.30, tax 1400, currency 710 and utilityType "Electricity" to the till, typed as the models say', async () => {
      const meterId = STAND_IN_METERS.published;
      const lookup = await till.meterLookup(lookupRequest(meterId));
      // The provider said 200; the switch answers the lookup with the interface's 201.
      expect(lookup).toMatchObject({ outcome: 'successful', status: 201, body: { maxAmount: { amount: 300000, currency: '710' } } });
      expect(provider.requests.filter((q) => q.path.includes('/meterLookups/')).length).toBeGreaterThan(0);
      const sale = purchaseRequest(meterId, 10000, { utilityType: 'Electricity' });
      const r = await till.purchase(sale);
      expect(r.outcome, JSON.stringify(r)).toBe('successful');
      expect(r.status).toBe(201);
      if (r.outcome !== 'successful') return;
      expect(r.body.utilityType).toBe('Electricity');
      expect(r.body.tokens).toEqual([
        {
          tokenType: 'STD',
          units: 73.8,
          token: STAND_IN_TOKEN,
          receiptNum: 'RCPT000001',
          amount: { amount: 8600, currency: '710', tax: 1400, taxType: 'VAT', taxRate: 15 },
          tariffCalc: [
            { units: 50, rate: 117.3 },
            { units: 23.8, rate: 134.55 },
          ],
        },
      ]);
      expect(r.body.purchaseTotal).toEqual({ amount: 10000, currency: '710' });
      // On the wire to the till: JSON numbers where the models say BigDecimal/Long, currency a string.
      const wire = answerText(sale.id, 'purchase');
      expect(wire).toContain('"units":73.8');
      expect(wire).toContain('"rate":117.3');
      expect(wire).toContain('"tax":1400');
      expect(wire).toContain('"currency":"710"');
      expect(wire).not.toContain('"currency":710');
      // The till's utilityType "Electricity" is accepted and forwarded as sent.
      expect(provider.requests.find((q) => q.body.id === sale.id)?.body.utilityType).toBe('Electricity');
    });

    it('answers a purchase carrying no tokens at all (TST010-like) as a success with its slip', async () => {
      const meterId = STAND_IN_METERS.noTokens;
      expect((await till.meterLookup(lookupRequest(meterId))).outcome).toBe('successful');
      const r = await till.purchase(purchaseRequest(meterId, 10000));
      expect(r.outcome, JSON.stringify(r)).toBe('successful');
      if (r.outcome !== 'successful') return;
      expect(r.body.tokens).toEqual([]);
      expect(r.body.slipData?.messageLines?.[0]).toEqual({ text: STAND_IN_SLIP_LINE, fontWidthScaleFactor: 1 });
    });

    it('a 504 from the provider is an unknown outcome; the till retries and gets 202 with the tokens', async () => {
      const meterId = STAND_IN_METERS.timeoutThenRetry;
      expect((await till.meterLookup(lookupRequest(meterId))).outcome).toBe('successful');
      const sale = purchaseRequest(meterId, 10000);
      const first = await till.purchase(sale);
      if (first.outcome !== 'successful') {
        expect(first).toMatchObject({ outcome: 'unknown', status: 504 });
        const again = await till.retryPurchase(sale);
        expect(again.outcome, JSON.stringify(again)).toBe('successful');
        expect(again.status).toBe(202);
        expect(again.outcome === 'successful' && again.body.tokens[0]?.token).toBe(STAND_IN_RETRY_TOKEN);
      } else {
        // The switch retried at the provider by itself; the tokens are the retry's.
        expect(first.body.tokens[0]?.token).toBe(STAND_IN_RETRY_TOKEN);
      }
      expect(provider.requests.some((q) => q.path.endsWith(`/tokenPurchases/${sale.id}/retry`))).toBe(true);
    });

    it('accepts a token purchase event (POST /events/tokenPurchases?purchaseId=…) with 202, and refuses one for another id', async () => {
      const sale = purchaseRequest(STAND_IN_METERS.published, 10000);
      const r = await till.purchase(sale);
      expect(r.outcome).toBe('successful');
      const notify = (purchaseId: string) =>
        fetch(`${sw.url}/prepaidutility/v3/events/tokenPurchases?purchaseId=${purchaseId}`, {
          method: 'POST',
          headers: { authorization: basic(), 'content-type': 'application/json' },
          body: answerText(sale.id, 'purchase'),
        });
      expect((await notify(sale.id)).status).toBe(202);
      const wrong = await notify(newId());
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ errorType: 'FORMAT_ERROR', requestType: 'NOTIFY_TOKEN_PURCHASE' });
    });

    it('refuses a full card number with 400 FORMAT_ERROR naming the field, and neither stores nor serves it', async () => {
      const full = '4921811234567890';
      const sale = purchaseRequest(STAND_IN_METERS.published, 10000, { tenders: [{ tenderType: 'DEBIT_CARD', amount: { amount: 10000, currency: '710' }, cardNumber: full }] });
      const r = await till.purchase(sale);
      expect(r).toMatchObject({ outcome: 'failed', status: 400, error: { errorType: 'FORMAT_ERROR' } });
      expect(JSON.stringify(r)).toContain('tenders.0.cardNumber');
      expect(JSON.stringify(r)).not.toContain(full);
      expect(provider.requests.some((q) => q.body.id === sale.id)).toBe(false);
      expect(await adminGet(`/transactions/${sale.id}`)).not.toContain(full);
      expect(await adminGet(`/transactions?q=${full}`)).not.toContain(full);
    });

    it('a masked card number passes, and the confirmation carrying it is acknowledged with 202', async () => {
      const tender = { tenderType: 'DEBIT_CARD' as const, amount: { amount: 10000, currency: '710' }, cardNumber: '492181******7890' };
      const sale = purchaseRequest(STAND_IN_METERS.published, 10000, { tenders: [tender] });
      expect((await till.purchase(sale)).outcome).toBe('successful');
      const ack = await till.confirm({ id: newId(), requestId: sale.id, time: nowIso(), thirdPartyIdentifiers: [], tenders: [tender] });
      expect(ack.status).toBe(202);
    });
  });
}

behindSwitch('the switch (startSwitch)', inProcess);

/** `ppu-switch serve --providers FILE` as a child process, the provider named in the file. */
async function throughCli(provider: StandInProvider): Promise<SwitchUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'switch-standin-cli-'));
  const file = join(dir, 'providers.json');
  writeFileSync(file, standInProvidersFile(provider, { passwordEnv: 'STAND_IN_PASSWORD' }, 2000));
  const proc = await startSwitchProcess(['--providers', file, '--data', join(dir, 'data'), '--auth', 'till:cli-pw'], { STAND_IN_PASSWORD: provider.password });
  return {
    url: proc.url,
    username: 'till',
    password: 'cli-pw',
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

behindSwitch('ppu-switch serve --providers FILE', throughCli);
