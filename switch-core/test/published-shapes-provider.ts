/**
 * A stand-in PPU v3 provider for tests, written by hand on node:http (not our simulators, not our
 * schemas): it answers in the published models' shapes exactly as a Java provider's JSON binding
 * writes them — units and tariff rates as JSON numbers (117.30 keeps its trailing zero on the wire),
 * tax an integer, currency the number 710, utilityType "Electricity". Three meters: one answered in
 * full, one answered like the test server's TST010 (slipData, no tokens at all), and one whose first
 * purchase answers 504 and whose retry is approved with 202. Lookups are answered 200 rather than
 * the interface's 201, as a lenient peer might: a success all the same.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withCheckDigit } from '../protocol';

export const STAND_IN_METERS = {
  published: withCheckDigit('0400444488'),
  noTokens: withCheckDigit('0400444489'),
  timeoutThenRetry: withCheckDigit('0400444490'),
} as const;

export const STAND_IN_TOKEN = '58301273601937465021';
export const STAND_IN_RETRY_TOKEN = '11223344556677889900';
export const STAND_IN_SLIP_LINE = 'TST010 SLIP: KEEP FOR YOUR RECORDS';

export interface StandInProvider {
  /** The origin; the interface is under /prepaidutility/v3. */
  origin: string;
  username: string;
  password: string;
  /** Every request received: method, path and the JSON body. */
  requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

const USER = 'standin';
const PASSWORD = 'standin-pw';

/** A Transaction's echo fields, as a provider answers them. */
function echo(req: Record<string, unknown>): string {
  return ['id', 'time', 'originator', 'client', 'thirdPartyIdentifiers'].map((k) => `${JSON.stringify(k)}:${JSON.stringify(req[k])}`).join(',');
}

const METER = (meterId: string) => `"meter":{"meterId":"${meterId}","supplyGroupCode":"600445","keyRevisionNum":"1","tariffIndex":"01","tokenTechCode":"02","algorithmCode":"07"}`;
const PARTIES = `"customer":{"firstName":"Thandeka","lastName":"Mokoena","address":"14 Voortrekker Road, Bellville"},"utility":{"name":"Stand-in Municipality","vatRegNum":"4000111222","clientId":"SIM01","message":"Pay your rates on time"}`;

function purchaseAnswer(req: Record<string, unknown>, meterId: string, token: string): string {
  return `{${echo(req)},${METER(meterId)},${PARTIES},"utilityType":"Electricity",` +
    `"purchaseTotal":{"amount":10000,"currency":710},"taxTotal":{"amount":1400,"currency":710},` +
    `"tokens":[{"tokenType":"STD","units":73.8,"token":"${token}","receiptNum":"RCPT000001",` +
    `"amount":{"amount":8600,"currency":710,"tax":1400,"taxType":"VAT","taxRate":15.00},` +
    `"tariffCalc":[{"units":50.0,"rate":117.30},{"units":23.8,"rate":134.55}]}],` +
    `"debtRecoveryCharges":[],"serviceCharges":[],"vatInvoiceNumber":"VAT000001"}`;
}

function noTokensAnswer(req: Record<string, unknown>, meterId: string): string {
  return `{${echo(req)},${METER(meterId)},${PARTIES},"utilityType":"Electricity",` +
    `"slipData":{"messageLines":[{"text":"${STAND_IN_SLIP_LINE}","fontWidthScaleFactor":1.0},{"text":"","cut":true}],"slipWidth":42,"issuerReference":"TST010REF"}}`;
}

/**
 * The stand-in as an entry of a `--providers` file (the exact shape): `password` or
 * `passwordEnv` and the timeout are the caller's.
 */
export function standInProvidersFile(provider: StandInProvider, credentials: { password: string } | { passwordEnv: string }, timeoutMs: number): string {
  return JSON.stringify({
    providers: [
      {
        id: 'EXT1',
        name: 'Stand-in',
        baseUrl: `${provider.origin}/prepaidutility/v3`,
        username: provider.username,
        ...credentials,
        capabilities: ['retries'],
        utilityTypes: ['ELECTRICITY'],
        weight: 1,
        timeoutMs,
      },
    ],
  });
}

/** `latencyMs`: how long every answer takes (a provider a few WAN hops away). */
export async function startStandInProvider(opts: { latencyMs?: number } = {}): Promise<StandInProvider> {
  const requests: StandInProvider['requests'] = [];
  const auth = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const send = (status: number, text = '') => {
        const answer = () => res.writeHead(status, { 'content-type': 'application/json' }).end(text);
        if (opts.latencyMs) setTimeout(answer, opts.latencyMs);
        else answer();
      };
      if (req.headers.authorization !== auth) return send(401);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      requests.push({ path, body });
      const meterId = (body.meter as { meterId?: string } | undefined)?.meterId ?? '';
      const known = (Object.values(STAND_IN_METERS) as string[]).includes(meterId);
      const error = (status: number, errorType: string, errorMessage: string) =>
        send(status, JSON.stringify({ id: body.id, errorType, errorMessage, requestType: 'TOKEN_PURCHASE_REQUEST' }));
      const p = path.replace(/^\/prepaidutility\/v3/, '');
      if (/^\/tokenPurchases\/[^/]+\/(confirmations|reversals)\/[^/]+$/.test(p)) {
        return send(202, JSON.stringify({ id: body.id, requestId: body.requestId, time: body.time, thirdPartyIdentifiers: body.thirdPartyIdentifiers }));
      }
      if (!known && /^\/(meterLookups|tokenPurchases)\//.test(p)) return error(400, 'UNKNOWN_METER_ID', 'Unknown meter');
      if (/^\/meterLookups\/[^/]+$/.test(p)) {
        // 200, not the 201 the interface names: any 2xx success code must be read as a success.
        return send(200, `{${echo(body)},${METER(meterId)},${PARTIES},"minAmount":{"amount":1000,"currency":710},"maxAmount":{"amount":"300000","currency":"710"},"bsstDue":false}`);
      }
      const retry = /^\/tokenPurchases\/[^/]+\/retry$/.test(p);
      if (retry || /^\/tokenPurchases\/[^/]+$/.test(p)) {
        if (meterId === STAND_IN_METERS.noTokens) return send(201, noTokensAnswer(body, meterId));
        if (meterId === STAND_IN_METERS.timeoutThenRetry) {
          return retry ? send(202, purchaseAnswer(body, meterId, STAND_IN_RETRY_TOKEN)) : error(504, 'OUTCOME_UNKNOWN', 'Upstream timeout');
        }
        return send(retry ? 202 : 201, purchaseAnswer(body, meterId, STAND_IN_TOKEN));
      }
      return error(501, 'FUNCTION_NOT_SUPPORTED', 'Not supported');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
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
