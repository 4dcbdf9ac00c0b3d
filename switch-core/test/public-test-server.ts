/**
 * A stand-in for the public PPU v3 test server, for tests: it serves the server's own answers from
 * ../shared/reference/ppu-test-server/resources (meters.csv and one JSON file per scenario meter,
 * read from there, never retyped), shaped as that reference's README says the server writes them.
 * The server reads each file into the interface's Java models and writes it back with nulls left
 * out, so here each file goes through the models' shapes (the JSON Schema derived from the
 * reference's MODELS.md): a key the model lacks is dropped (TST007's `descrition`), a number where
 * the model says String travels as a string (currency 710 → "710"), and what the file leaves out
 * stays out (TST006's key change amounts carry no currency). Status codes as the README lists them:
 * 201 for lookup, purchase, retry, fault report and key change; 202 with no body for advices;
 * TST011's first purchase 504 UPSTREAM_UNAVAILABLE, its retry 201.
 *
 * `variant` rewrites an answer before it is written — a test's own variant of the server's answer
 * for one rule of reading (floats, nulls, unknown keys, missing fields).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

const REFERENCE = resolve(import.meta.dirname, '../../../shared/reference/ppu-test-server/resources');
const MODELS = JSON.parse(readFileSync(resolve(import.meta.dirname, '../protocol/ppu-v3.13.schema.json'), 'utf8')) as { $defs: Record<string, Schema> };

interface Schema {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** meters.csv, one row per scenario meter: its customer, utility and the amount its purchase carries. */
export const PUBLIC_METERS: ReadonlyArray<Record<string, string>> = (() => {
  const [head, ...rows] = readFileSync(`${REFERENCE}/meters.csv`, 'utf8').trim().split(/\r?\n/);
  const keys = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i]!, v])));
})();

/** A scenario's file as it is on disk (the test's expectations are read from here too). */
export function scenarioFile(name: string): JsonObject {
  return JSON.parse(readFileSync(`${REFERENCE}/${name}.json`, 'utf8')) as JsonObject;
}

/** What Jackson does with a value read into the model `schema` and written back, nulls left out. */
function asModel(value: Json, schema: Schema): Json | undefined {
  const s = schema.$ref ? MODELS.$defs[schema.$ref.replace('#/$defs/', '')]! : schema;
  if (value === null) return undefined;
  if (s.type === 'string' && typeof value === 'number') return String(value);
  if (s.type === 'array' && Array.isArray(value)) return value.map((v) => asModel(v, s.items ?? {})).filter((v): v is Json => v !== undefined);
  if (s.properties && typeof value === 'object' && !Array.isArray(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const field = s.properties[k];
      if (!field) continue; // not in the model: the binding drops it
      const written = asModel(v, field);
      if (written !== undefined) out[k] = written;
    }
    return out;
  }
  return value;
}

export interface PublicTestServer {
  /** The interface's root: …/prepaidutility/v3. */
  baseUrl: string;
  origin: string;
  username: string;
  password: string;
  requests: { path: string; body: JsonObject }[];
  close(): Promise<void>;
}

/** The text a variant writes instead of the server's answer (raw, so a float can keep its ".0"). */
export type Variant = (answer: JsonObject, path: string) => string;

const USER = 'public';
const PASSWORD = 'public-test';

/** `latencyMs`: how long every answer takes (a provider farther away than another). */
export async function startPublicTestServer(opts: { variant?: Variant; latencyMs?: number } = {}): Promise<PublicTestServer> {
  const requests: PublicTestServer['requests'] = [];
  const timedOut = new Set<string>();
  const auth = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').replace(/^\/prepaidutility\/v3/, '');
      const send = (status: number, body?: Json, text = body === undefined ? '' : JSON.stringify(body)) => {
        const write = () => res.writeHead(status, { 'content-type': 'application/json' }).end(text);
        if (opts.latencyMs) setTimeout(write, opts.latencyMs);
        else write();
      };
      if (req.headers.authorization !== auth) return send(401);
      let body: JsonObject;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as JsonObject;
      } catch {
        return send(400, { errorType: 'FORMAT_ERROR', errorMessage: 'Bad JSON' });
      }
      requests.push({ path, body });
      const answer = (status: number, model: string, fields: JsonObject) => {
        const written = asModel({ ...echo(body), ...fields }, { $ref: `#/$defs/${model}` }) as JsonObject;
        send(status, written, opts.variant?.(written, path));
      };
      const error = (status: number, errorType: string, errorMessage: string, requestType: string) =>
        send(status, { id: body.id ?? null, errorType, errorMessage, requestType });

      if (/^\/tokenPurchases\/[^/]+\/(confirmations|reversals)\/[^/]+$/.test(path)) {
        const purchaseId = path.split('/')[2]!;
        return requests.some((r) => r.path === `/tokenPurchases/${purchaseId}`) ? send(202) : error(404, 'UNABLE_TO_LOCATE_RECORD', 'No such purchase', 'CONFIRMATION_ADVICE');
      }
      const meterId = String((body.meter as JsonObject | undefined)?.meterId ?? '');
      const meter = PUBLIC_METERS.find((m) => m.meterId === meterId);
      if (!meter) return error(400, 'UNKNOWN_METER_ID', 'Unknown meter', 'METER_LOOKUP_REQUEST');
      const parties: JsonObject = {
        meter: { meterId, supplyGroupCode: meter.supplyGroupCode!, keyRevisionNum: meter.keyRevisionNum!, tariffIndex: meter.tariffIndex!, tokenTechCode: meter.tokenTechCode! },
        customer: { firstName: meter.firstName!, lastName: meter.lastName!, address: meter.address! },
        utility: { name: meter.utilName!, address: meter.utilAddress!, vatRegNum: meter.vatRegNum!, clientId: meter.clientId!, message: meter.utilMessage! },
      };
      const amount = { amount: Number(meter.testCaseAmount), currency: meter.currency! };
      if (/^\/meterLookups\/[^/]+$/.test(path)) return answer(201, 'MeterLookupResponse', { ...parties, minAmount: amount, maxAmount: amount });
      if (/^\/tokenPurchases\/[^/]+(\/retry)?$/.test(path)) {
        const purchaseId = path.split('/')[2]!;
        if (meterId === 'TST011' && !path.endsWith('/retry') && !timedOut.has(purchaseId)) {
          timedOut.add(purchaseId);
          return error(504, 'UPSTREAM_UNAVAILABLE', 'No response from upstream service', 'TOKEN_PURCHASE_REQUEST');
        }
        return answer(201, 'PurchaseResponse', { ...parties, ...scenarioFile(meterId) });
      }
      if (/^\/keyChangeTokenRequests\/[^/]+$/.test(path)) return answer(201, 'KeyChangeTokenResponse', { ...parties, ...scenarioFile('KeyChangeToken') });
      if (/^\/faultReports\/[^/]+$/.test(path)) return answer(201, 'FaultReportResponse', { reference: 'FR0001', description: 'Fault logged' });
      return error(501, 'FUNCTION_NOT_SUPPORTED', 'Not supported', 'TOKEN_PURCHASE_REQUEST');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}/prepaidutility/v3`,
    origin,
    username: USER,
    password: PASSWORD,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A Transaction's fields as the server echoes them. */
function echo(req: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of ['id', 'time', 'originator', 'client', 'settlementEntity', 'receiver', 'thirdPartyIdentifiers']) if (req[k] !== undefined) out[k] = req[k]!;
  return out;
}
