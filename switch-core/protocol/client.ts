/**
 * PPU v3 HTTP client: used by the till toward any conformant switch, and by the switch toward each
 * provider. It classifies every exchange into the interface's outcome classes, validates success
 * bodies (a success we cannot read is *unknown*, never assumed good), and reports a trace of each
 * request/response with timing to whoever wants it (the switch's message traces).
 *
 * The transport is node:http(s) with a keep-alive agent rather than undici: under the switch's
 * load undici's per-request objects outlived young-generation collections (62–128 KB promoted per
 * scavenge against ~1 KB for node:http in the same loop), and those promotions set the switch's p99.
 */
import http from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import { ErrorDetail } from './schemas';
import type {
  ConfirmationAdvice,
  ErrorDetail as ErrorDetailT,
  FaultReportAnswer,
  FaultReportRequest,
  KeyChangeConfirmation,
  KeyChangeTokenAnswer,
  KeyChangeTokenRequest,
  MeterLookupAnswer,
  MeterLookupRequest,
  PurchaseAnswer,
  PurchaseRequest,
  ReversalAdvice,
  TokenReprintRequest,
} from './schemas';
import { parseAnswer } from './read-side';
import { OPERATIONS, pathFor, type PpuOperation } from './operations';
import { outcomeOfStatus } from './outcome';

export type PpuResult<T> =
  | { outcome: 'successful'; status: number; body: T; ms: number }
  | { outcome: 'failed'; status: number; error: ErrorDetailT | null; ms: number }
  | { outcome: 'unknown'; status: number | null; reason: string; error: ErrorDetailT | null; ms: number; notSent?: true; unreadable?: true };

/**
 * Failures before a connection existed (refused, no such host, no route): the request never left this
 * machine, so another server may be sent it as new. Anything later (reset, timeout, TLS) may have
 * been received.
 */
const BEFORE_CONNECTING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface PpuTrace {
  operation: PpuOperation;
  method: 'POST';
  url: string;
  requestBody: unknown;
  status: number | null;
  responseBody: unknown;
  startedAt: string;
  ms: number;
  outcome: 'successful' | 'failed' | 'unknown';
  reason?: string;
  /** A success whose body could not be read: our problem, not the peer's (kept raw in responseText). */
  unreadable?: true;
  /** The JSON sent and the text received, as on the wire (null when nothing came back). */
  requestText: string;
  responseText: string | null;
}

export interface PpuClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** Client timeout per request; the interface's default is 60 s. */
  timeoutMs?: number;
  /** TLS: trusted CA, and client certificate/key for mTLS (PEM). */
  tls?: { ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer; rejectUnauthorized?: boolean };
  onTrace?: (trace: PpuTrace) => void;
  /** Concurrent keep-alive connections per origin. */
  connections?: number;
  /** The Authorization header per request instead of basic auth (e.g. an OAuth2 bearer token, fetched and cached). */
  authorization?: () => Promise<string>;
}

/** How an answer we could not read is named wherever it shows (traces, the admin API, the console). */
export const UNREADABLE = 'answer could not be read';

/** A PPU answer is a few KB; more than this is a fault at the far end, not a message to read. */
export const MAX_ANSWER_BYTES = 1 << 20;

/** The Authorization header could not be obtained (e.g. the OAuth2 token endpoint refused): nothing was sent. */
export class AuthorizationError extends Error {
  override readonly name = 'AuthorizationError';
}

/** A request that got no answer in time; classified as an unknown outcome ("timeout"). */
class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export class PpuClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http.request;
  private readonly authHeader: string;
  private readonly baseUrl: string;
  /** The base URL as request options, parsed once: a URL string would be parsed again for every request. */
  private readonly origin: { protocol: string; hostname: string; port: string | undefined; pathname: string };
  private readonly timeoutMs: number;

  constructor(private readonly options: PpuClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const u = new URL(this.baseUrl);
    // As node:http reads a URL: an IPv6 host without its brackets, the scheme's port when none is given.
    const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    this.origin = { protocol: u.protocol, hostname, port: u.port === '' ? undefined : u.port, pathname: u.pathname === '/' ? '' : u.pathname };
    this.authHeader = 'Basic ' + Buffer.from(`${options.username}:${options.password}`).toString('base64');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    // An idle kept-alive socket is closed after 4 s (sooner if the server's Keep-Alive hint says
    // so): a server closing it first while we reuse it would turn a sale into an unknown outcome.
    const agentOptions = { keepAlive: true, timeout: 4_000, maxSockets: options.connections ?? 128, scheduling: 'lifo' as const };
    const secure = this.baseUrl.startsWith('https:');
    this.agent = secure ? new https.Agent({ ...agentOptions, ...options.tls }) : new http.Agent(agentOptions);
    this.transport = secure ? https.request : http.request;
  }

  meterLookup(req: MeterLookupRequest): Promise<PpuResult<MeterLookupAnswer>> {
    return this.send('meterLookup', { lookupId: req.id }, req);
  }
  purchase(req: PurchaseRequest): Promise<PpuResult<PurchaseAnswer>> {
    return this.send('purchase', { purchaseId: req.id }, req);
  }
  /** Repeats the original request unchanged, under the original purchase id. */
  retryPurchase(req: PurchaseRequest): Promise<PpuResult<PurchaseAnswer>> {
    return this.send('purchaseRetry', { purchaseId: req.id }, req);
  }
  trialPurchase(req: PurchaseRequest): Promise<PpuResult<PurchaseAnswer>> {
    return this.send('trialPurchase', { purchaseId: req.id }, req);
  }
  confirm(advice: ConfirmationAdvice): Promise<PpuResult<unknown>> {
    return this.send('confirmation', { purchaseId: advice.requestId, confirmationId: advice.id }, advice);
  }
  reverse(advice: ReversalAdvice): Promise<PpuResult<unknown>> {
    return this.send('reversal', { purchaseId: advice.requestId, reversalId: advice.id }, advice);
  }
  reprint(req: TokenReprintRequest): Promise<PpuResult<PurchaseAnswer>> {
    return this.send('tokenReprint', { reprintId: req.id }, req);
  }
  faultReport(req: FaultReportRequest): Promise<PpuResult<FaultReportAnswer>> {
    return this.send('faultReport', { requestId: req.id }, req);
  }
  keyChangeToken(req: KeyChangeTokenRequest): Promise<PpuResult<KeyChangeTokenAnswer>> {
    return this.send('keyChangeToken', { requestId: req.id }, req);
  }
  confirmKeyChange(advice: KeyChangeConfirmation): Promise<PpuResult<unknown>> {
    return this.send('keyChangeConfirmation', { requestId: advice.requestId, confirmationId: advice.id }, advice);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  /** One POST; resolves with the status and the body's text, rejects on a connection error or timeout. */
  private post(path: string, body: string, authorization: string): Promise<{ status: number; text: string }> {
    const { protocol, hostname, port, pathname } = this.origin;
    return new Promise((resolve, reject) => {
      const req = this.transport({
        protocol,
        hostname,
        port,
        path: pathname + path,
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', accept: 'application/json', authorization, 'content-length': Buffer.byteLength(body) },
      });
      const timer = setTimeout(() => req.destroy(new TimeoutError(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
      req.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) return req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
          chunks.push(c);
        });
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        // A connection cut mid-answer ends here (ECONNRESET), never in a success read from half a body.
        res.once('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
      req.end(body);
    });
  }

  private async send<T>(op: PpuOperation, params: Record<string, string>, body: unknown): Promise<PpuResult<T>> {
    const path = pathFor(op, params);
    const url = this.baseUrl + path;
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    let result: PpuResult<T>;
    let responseBody: unknown = null;
    let responseText: string | null = null;
    const requestText = JSON.stringify(body);
    try {
      // A token that cannot be fetched means nothing was sent; still reported as this exchange's reason.
      const authorization = this.options.authorization ? await this.options.authorization() : this.authHeader;
      const res = await this.post(path, requestText, authorization);
      responseText = res.text;
      responseBody = parseJson(res.text);
      result = classify<T>(op, res.status, responseBody, currencyOf(body), performance.now() - t0);
    } catch (err) {
      const reason = err instanceof TimeoutError ? 'timeout' : err instanceof AuthorizationError ? `authorization: ${err.message}` : `connection: ${describe(err)}`;
      const notSent = err instanceof AuthorizationError || BEFORE_CONNECTING.has((err as { code?: string }).code ?? '');
      result = { outcome: 'unknown', status: null, reason, error: null, ms: performance.now() - t0, ...(notSent ? { notSent: true as const } : {}) };
    }
    this.options.onTrace?.({
      operation: op,
      method: 'POST',
      url,
      requestBody: body,
      status: result.status,
      responseBody,
      startedAt,
      ms: result.ms,
      outcome: result.outcome,
      ...(result.outcome === 'unknown' ? { reason: result.reason, ...(result.unreadable ? { unreadable: true as const } : {}) } : {}),
      requestText,
      responseText,
    });
    return result;
  }
}

/** The currency a request pays in: an answer's amounts without one are in it. */
function currencyOf(request: unknown): string | undefined {
  const currency = (request as { purchaseAmount?: { currency?: unknown } } | null)?.purchaseAmount?.currency;
  return typeof currency === 'string' ? currency : undefined;
}

function classify<T>(op: PpuOperation, status: number, body: unknown, currency: string | undefined, ms: number): PpuResult<T> {
  const outcome = outcomeOfStatus(status);
  if (outcome !== 'successful') {
    const parsedError = ErrorDetail.safeParse(body);
    const error = parsedError.success ? parsedError.data : null;
    return outcome === 'failed' ? { outcome, status, error, ms } : { outcome, status, reason: `HTTP ${status}`, error, ms };
  }
  const schema: z.ZodType | null = OPERATIONS[op].answer;
  if (schema === null) return { outcome, status, body: body as T, ms };
  const parsed = parseAnswer(schema, body, currency);
  if (!parsed.success) {
    // A success we cannot read may still have issued a token: unknown, so it is retried, never resold.
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { outcome: 'unknown', status, reason: `${UNREADABLE} (HTTP ${status}: ${where}${issue?.message ?? ''})`, error: null, ms, unreadable: true };
  }
  return { outcome, status, body: parsed.data as T, ms };
}

function parseJson(text: string): unknown {
  if (text.length === 0) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: string }).code;
    return code ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
