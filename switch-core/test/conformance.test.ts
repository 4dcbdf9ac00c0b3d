/**
 * Conformance with the published PPU v3.13 models. The fact file ppu-v3.13.schema.json is what
 * scripts/ppu-json-schema.ts derives from MODELS.md; every message we serialise — the till's
 * requests, the switch's answers, the switch's requests to providers, the simulators' answers and
 * the advices — is validated against it (ajv, draft 2020-12), over real HTTP on loopback.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findModelsMd, SCHEMA_FILE, schemaText } from '../../scripts/ppu-json-schema';
import { startSwitch, type RunningSwitch } from '../index';
import { DEMO_METERS } from '../providers';
import { admin, until } from './helpers';
import { isSuccessStatus, newId, nowIso, OPERATIONS, PpuClient, type PpuOperation, type PpuTrace } from '../protocol';
import { lookupRequest, purchaseRequest } from '../protocol/test/fixtures';

const ROOT = join(import.meta.dirname, '..', '..');
const SCHEMA = JSON.parse(readFileSync(join(ROOT, SCHEMA_FILE), 'utf8')) as { $id: string; $defs: Record<string, unknown> };

// ajv-formats is CommonJS: its default export arrives as the module object under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as typeof addFormatsModule;
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addSchema(SCHEMA);

/** The model's validation errors for one message, as readable lines (empty when it conforms). */
function violations(model: string, message: unknown): string[] {
  const validate = ajv.getSchema(`${SCHEMA.$id}#/$defs/${model}`);
  if (!validate) throw new Error(`no model ${model} in ${SCHEMA_FILE}`);
  return validate(message) ? [] : (validate.errors ?? []).map((e) => `${model}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

interface Sent {
  who: string;
  op: PpuOperation;
  status: number | null;
  request: unknown;
  response: unknown;
}

/** Each message of one exchange with the model it must conform to. */
function modelled(x: Sent): { what: string; model: string; body: unknown }[] {
  const spec = OPERATIONS[x.op];
  const out = [{ what: `${x.who} ${x.op} request`, model: spec.models.request, body: x.request }];
  if (x.status === null) return out;
  const model = isSuccessStatus(x.status) ? spec.models.response : 'ErrorDetail';
  return [...out, { what: `${x.who} ${x.op} answer ${x.status}`, model, body: x.response }];
}

describe('the JSON Schema fact file', () => {
  it('is what scripts/ppu-json-schema.ts derives from MODELS.md', () => {
    // The reference is part of the build: ../shared beside the checkout, in CI as on a dev box. A
    // missing reference fails here instead of passing unchecked.
    const source = findModelsMd();
    expect(source !== null && existsSync(source), `MODELS.md not found${source ? ` at ${source}` : ''}: put the reference at ../shared/reference/ppu-v3/ beside the checkout, or set PPU_REFERENCE_DIR`).toBe(true);
    expect(readFileSync(join(ROOT, SCHEMA_FILE), 'utf8'), `${SCHEMA_FILE} is not what ${source} gives: run npx tsx scripts/ppu-json-schema.ts`).toBe(schemaText(readFileSync(source!, 'utf8')));
  });

  it('holds the models as published: numbers for BigDecimal and Long, a 3-digit currency string, no foreign fields', () => {
    expect(violations('Token', { tokenType: 'STD', units: 73.8, amount: { amount: 10000, currency: '710', tax: 1400 }, token: '1', tariffCalc: [{ units: 73.8, rate: 117.3 }] })).toEqual([]);
    expect(violations('Token', { tokenType: 'STD', units: '73.8', amount: { amount: 10000, currency: '710' }, token: '1' })).not.toEqual([]);
    expect(violations('LedgerAmount', { amount: 100, currency: 710 })).not.toEqual([]);
    expect(violations('LedgerAmount', { amount: 100, currency: '710', extra: 1 })).not.toEqual([]);
    expect(violations('TaxableAmount', { amount: 100, currency: '710', tax: { amount: 13, currency: '710' } })).not.toEqual([]);
  });
});

describe('every message we send conforms to the models', () => {
  let sw: RunningSwitch;
  let till: PpuClient;
  let dir: string;
  const tillTraces: PpuTrace[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ppu-conformance-'));
    sw = await startSwitch({ dataDir: dir, port: 0, profile: 'demo', auth: { username: 'till', password: 'pw' }, broadcastTimeoutMs: 2_000, providerTimeoutMs: 2_000 });
    till = new PpuClient({ baseUrl: sw.url, username: sw.username, password: sw.password, onTrace: (t) => tillTraces.push(t) });
  });
  afterAll(async () => {
    await till?.close();
    await sw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('till requests, switch answers, switch requests to providers, simulator answers and advices', async () => {
    const card = { tenderType: 'DEBIT_CARD' as const, amount: { amount: 5000, currency: '710' }, cardNumber: '492181******1234' };
    const lookup = lookupRequest(DEMO_METERS.plain);
    expect((await till.meterLookup(lookup)).outcome).toBe('successful');
    const sale = purchaseRequest(DEMO_METERS.plain, 5000, { tenders: [card], utilityType: 'ELECTRICITY' });
    expect((await till.purchase(sale)).outcome).toBe('successful');
    expect((await till.retryPurchase(sale)).outcome).toBe('successful');
    await till.purchase({ ...sale, purchaseAmount: { amount: 6000, currency: '710' } }); // DUPLICATE_RECORD: an ErrorDetail
    const voided = purchaseRequest(DEMO_METERS.plain, 2000);
    expect((await till.purchase(voided)).outcome).toBe('successful');
    expect((await till.trialPurchase(purchaseRequest(DEMO_METERS.plain, 5000))).status).toBe(200); // Cape Town: Ontec sells trials
    const confirmation = { id: newId(), requestId: sale.id, time: nowIso(), thirdPartyIdentifiers: [], tenders: [card] };
    expect((await till.confirm(confirmation)).status).toBe(202);
    const reversal = { id: newId(), requestId: voided.id, time: nowIso(), thirdPartyIdentifiers: [], reversalReason: 'CANCELLED' as const };
    expect((await till.reverse(reversal)).status).toBe(202);
    expect((await till.reprint({ ...lookupRequest(DEMO_METERS.plain), originalRef: sale.id })).status).toBe(200);
    const tsh = lookupRequest(DEMO_METERS.keyChange);
    expect((await till.faultReport({ ...tsh, id: newId(), faultType: 'MeterDead', contactNumber: '0820000000', faultDescription: 'No display' })).outcome).toBe('successful');
    const kc = { ...tsh, id: newId() };
    expect((await till.keyChangeToken(kc)).outcome).toBe('successful');
    const kcAck = { id: newId(), requestId: kc.id, time: nowIso(), thirdPartyIdentifiers: [] };
    expect((await till.confirmKeyChange(kcAck)).status).toBe(202);

    const ids = [lookup.id, sale.id, voided.id, confirmation.id, reversal.id, tsh.id, kc.id, kcAck.id, ...tillTraces.map((t) => /[0-9a-f-]{36}$/.exec(t.url)?.[0] ?? '')];
    type Trace = { direction: string; operation: PpuOperation; status: number | null; requestBody: unknown; responseBody: unknown };
    // Advices reach the provider from the switch's queue: wait until both have been delivered.
    const hops = await until(async () => {
      const all: Trace[] = [];
      for (const id of new Set(ids)) {
        const d = await admin(sw).get<{ traces: Trace[] } | null>(`/transactions/${id}`);
        if (d.status === 200 && d.body) all.push(...d.body.traces.filter((t) => t.direction === 'switch->provider'));
      }
      const delivered = (op: PpuOperation) => all.some((t) => t.operation === op && t.status !== null && isSuccessStatus(t.status));
      return delivered('confirmation') && delivered('reversal') && delivered('keyChangeConfirmation') ? all : null;
    });

    const sent: Sent[] = [
      ...tillTraces.map((t) => ({ who: 'till→switch', op: t.operation, status: t.status, request: JSON.parse(t.requestText) as unknown, response: t.responseText ? (JSON.parse(t.responseText) as unknown) : null })),
      ...hops.map((t) => ({ who: 'switch→provider', op: t.operation, status: t.status, request: t.requestBody, response: t.responseBody })),
    ];
    const ops = new Set(sent.map((s) => `${s.who} ${s.op}`));
    for (const op of Object.keys(OPERATIONS)) expect(ops).toContain(`till→switch ${op}`);
    for (const op of ['meterLookup', 'purchase', 'confirmation', 'reversal', 'tokenReprint', 'faultReport', 'keyChangeToken', 'keyChangeConfirmation']) expect(ops).toContain(`switch→provider ${op}`);
    expect(sent.some((s) => s.status === 400)).toBe(true);

    const problems = sent.flatMap(modelled).flatMap((m) => violations(m.model, m.body).map((v) => `${m.what}: ${v}`));
    expect(problems).toEqual([]);
  });
});
