/**
 * Builds the switch's fastify server: basic auth on every request (or, with OAuth2 on, a bearer token
 * from the token endpoint served here) naming the operator or a store's user (api-users.ts), optional
 * TLS/mTLS, the PPU v3 routes, the admin API (the operator's) and the store API; only
 * the load balancers' GET /healthz goes without auth. Any bad input (unparsable JSON, wrong content
 * type, oversize body) becomes 400 FORMAT_ERROR; an unexpected fault is a 500 ErrorDetail, never a crash.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { errorDetail } from '../protocol';
import type { SimulatedProvider } from '../providers/types';
import type { SwitchEngine } from '../engine/switch-engine';
import { ADMIN_BASE_PATH, registerAdminRoutes } from './admin-routes';
import { apiUserResolver, type ApiUser, type StoreUser } from './api-users';
import { basicCredentials, bearerTokens, credentialsChecker, registerTokenEndpoint } from './auth';
import { DEFAULT_AUTH_LIMITS, alertLine, createAuthGuard, type AuthAlert, type AuthLimits } from './auth-limits';
import { DEFAULT_CONNECTION_LIMITS, applyConnectionLimits, type ConnectionLimits } from './connection-limits';
import { HEALTH_PATH, registerHealthRoute, type HealthCheck } from './health-routes';
import { ppuMessageAt, registerPpuRoutes } from './ppu-routes';
import { registerStoreRoutes, STORE_BASE_PATH, storeUserRefusal } from './store-routes';

export interface ServerOptions {
  auth: { username: string; password: string };
  tls?: { keyPath: string; certPath: string; caPath?: string };
  log?: boolean;
  /** Request/header timeouts and open-connection caps; defaults in connection-limits.ts. */
  limits?: Partial<ConnectionLimits>;
  /** OAuth2 client-credentials on top of basic auth: bearer tokens valid this long. */
  oauth2?: { tokenTtlSeconds: number };
  /** What GET /healthz asks (the store's ping); by default the node is healthy while it answers HTTP. */
  health?: HealthCheck;
  /** Tills' users, each bound to its store (merchant): PPU v3 and /store/v1 for that store only. */
  storeUsers?: readonly StoreUser[];
  /** Slowing and locking after wrong credentials; defaults in auth-limits.ts. */
  authLimits?: Partial<AuthLimits>;
  /** Where a lockout's alert goes (default: a line on standard error). */
  onAlert?: (a: AuthAlert) => void;
}

/** Verified Authorization headers remembered at once (a chain's tills share a few credentials). */
const REMEMBERED_HEADERS = 256;

/** The switch's OAuth2 token endpoint (client-credentials grant), outside /prepaidutility/v3. */
export const OAUTH2_TOKEN_PATH = '/oauth2/token';

export function buildServer(engine: SwitchEngine, simulated: ReadonlyMap<string, SimulatedProvider>, opts: ServerOptions): FastifyInstance {
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...opts.limits };
  // Node checks request and header timeouts only every connectionsCheckingInterval (30 s by default).
  const checking = { connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))) };
  const https = opts.tls
    ? {
        ...checking,
        key: readFileSync(opts.tls.keyPath),
        cert: readFileSync(opts.tls.certPath),
        ...(opts.tls.caPath ? { ca: readFileSync(opts.tls.caPath), requestCert: true, rejectUnauthorized: true } : {}),
      }
    : null;
  const common = { logger: opts.log ?? false, bodyLimit: 1 << 20, requestTimeout: limits.requestTimeoutMs, keepAliveTimeout: limits.keepAliveTimeoutMs };
  const app = (https ? Fastify({ ...common, https }) : Fastify({ ...common, http: checking })) as FastifyInstance;
  applyConnectionLimits(app.server, limits);
  const userOf = apiUserResolver(opts.auth, opts.storeUsers ?? []);
  // The headers that named a user, so the same till's next request is not digested again (~1% of the
  // main thread). Only verified headers are kept: a wrong password is still digested and compared in
  // constant time, and a lookup by the whole header tells nothing about a part of it.
  const verified = new Map<string, { id: string; user: ApiUser }>();
  const tokens = opts.oauth2 ? bearerTokens(opts.oauth2.tokenTtlSeconds) : null;
  const basicChallenge = 'Basic realm="ppu-switch", charset="UTF-8"';

  app.decorateRequest('apiUser', null);
  const guard = createAuthGuard({ ...DEFAULT_AUTH_LIMITS, ...opts.authLimits }, opts.onAlert ?? alertLine);
  const addressOf = (request: { socket: { remoteAddress?: string } }) => request.socket.remoteAddress ?? 'unknown';
  const holdBack = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : undefined);

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url; // read once: fastify builds the routeOptions object at each read
    if (route === HEALTH_PATH) return; // load balancers probe without the till's credentials
    const header = request.headers.authorization;
    const address = addressOf(request);
    const known = header === undefined ? undefined : verified.get(header);
    const given = known ? null : basicCredentials(header);
    const user = known?.id ?? given?.id ?? null;
    const refusal = guard.refusal(address, user);
    if (refusal) return reply.code(429).header('retry-after', '60').send(errorDetail('GENERAL_ERROR', `Authentication refused unchecked: ${refusal}`));
    if (tokens && route === OAUTH2_TOKEN_PATH) return; // the token endpoint checks the client itself (its failures count: onResponse)
    if (tokens && header?.startsWith('Bearer ')) {
      if (await tokens.verify(header.slice(7).trim())) {
        request.apiUser = { kind: 'operator', id: 'oauth2' }; // tokens are issued to the operator's credentials only
        return guard.succeeded(address);
      }
      await holdBack(guard.failed(address, null));
      return reply
        .code(401)
        .header('www-authenticate', ['Bearer realm="ppu-switch", error="invalid_token", error_description="the token is unknown or expired"', basicChallenge])
        .send(errorDetail('GENERAL_ERROR', `Authentication failed: the bearer token is unknown or expired; fetch a new one at ${OAUTH2_TOKEN_PATH}`));
    }
    const apiUser = known?.user ?? (given ? userOf(given.id, given.secret) : null);
    if (apiUser && given && header !== undefined) {
      if (verified.size >= REMEMBERED_HEADERS) verified.clear();
      verified.set(header, { id: given.id, user: apiUser });
    }
    if (apiUser?.kind === 'store' && request.url.startsWith(ADMIN_BASE_PATH)) {
      guard.succeeded(address);
      return reply.code(403).send(errorDetail('INVALID_MERCHANT', `User ${apiUser.id} is a store's user: the admin API is the operator's; read the store at ${STORE_BASE_PATH}`));
    }
    request.apiUser = apiUser;
    if (!apiUser) {
      await holdBack(guard.failed(address, user));
      return reply
        .code(401)
        .header('www-authenticate', tokens ? ['Bearer realm="ppu-switch"', basicChallenge] : basicChallenge)
        .send(errorDetail('GENERAL_ERROR', `Authentication required: ${tokens ? `a bearer token from ${OAUTH2_TOKEN_PATH} or ` : ''}HTTP basic auth with the switch credentials`));
    }
    guard.succeeded(address);
  });
  if (tokens) {
    app.addHook('onResponse', async (request, reply) => {
      if (request.routeOptions.url !== OAUTH2_TOKEN_PATH) return;
      if (reply.statusCode === 401) guard.failed(addressOf(request), basicCredentials(request.headers.authorization)?.id ?? null);
      else if (reply.statusCode === 200) guard.succeeded(addressOf(request));
    });
  }

  if (tokens) registerTokenEndpoint(app, OAUTH2_TOKEN_PATH, tokens, credentialsChecker(opts.auth.username, opts.auth.password));

  app.setErrorHandler((caught, request, reply) => {
    const err = caught instanceof Error ? (caught as Error & { statusCode?: number }) : Object.assign(new Error(String(caught)), { statusCode: 500 });
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(400).send(
        errorDetail('FORMAT_ERROR', `Unreadable request: ${err.message}`, {
          ...ppuMessageAt(request.routeOptions.url, request.params),
          detailMessage: { formatErrors: [{ field: '(body)', msg: err.message }] },
        }),
      );
    }
    request.log.error(err);
    return reply.code(500).send(errorDetail('SYSTEM_MALFUNCTION', 'The switch hit an internal error; the outcome is unknown, retry'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorDetail('UNABLE_TO_LOCATE_RECORD', `No such resource: ${request.method} ${request.url}`));
  });

  // Only a store user's request is looked at here; any other passes at once, without a promise.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.apiUser?.kind !== 'store') return done();
    storeUserRefusal(engine.store, request.apiUser, request.routeOptions.url, request.body).then((refusal) => {
      if (!refusal) return done();
      reply.code(403).send(errorDetail('INVALID_MERCHANT', refusal, ppuMessageAt(request.routeOptions.url, request.params)));
    }, done);
  });

  registerHealthRoute(app, opts.health ?? (async () => undefined));
  registerPpuRoutes(app, engine);
  registerAdminRoutes(app, engine, simulated);
  registerStoreRoutes(app, engine);
  return app;
}
