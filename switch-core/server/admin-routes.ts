/**
 * The admin API under /admin/v1 (documented in docs/switch-admin-api.md): meter search and detail,
 * Confirm support, routing preferences, provider health and behaviour, alerts, transactions with
 * their message traces, and the advice queue. Read-mostly; the engine owns every change.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorDetail } from '../protocol';
import { parseBehaviourPatch } from '../providers/behaviour';
import type { SimulatedProvider } from '../providers/types';
import type { SwitchEngine } from '../engine/switch-engine';
import { ADVICE_STATUSES, TX_STATUSES, TX_TYPES, type AdviceStatus } from '../engine/model';

export const ADMIN_BASE_PATH = '/admin/v1';

const notFound = (reply: FastifyReply, what: string) => reply.code(404).send(errorDetail('UNABLE_TO_LOCATE_RECORD', `${what} not found`));
export const badRequest = (reply: FastifyReply, field: string, msg: string, value?: unknown) =>
  reply.code(400).send(errorDetail('FORMAT_ERROR', `${field}: ${msg}`, { detailMessage: { formatErrors: [{ field, msg, value }] } }));

/** A transaction list's query as the admin and store APIs check it: a known type and status, a limit 1..1000. */
export function transactionListLimit(q: Record<string, string | undefined>, defaultLimit: number): { limit: number } | { field: string; msg: string; value: unknown } {
  if (q.type && !(TX_TYPES as readonly string[]).includes(q.type)) return { field: 'type', msg: `must be one of ${TX_TYPES.join(', ')}`, value: q.type };
  if (q.status && !(TX_STATUSES as readonly string[]).includes(q.status)) return { field: 'status', msg: `must be one of ${TX_STATUSES.join(', ')}`, value: q.status };
  const limit = q.limit === undefined ? defaultLimit : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { field: 'limit', msg: 'must be an integer 1..1000', value: q.limit };
  return { limit };
}

export function registerAdminRoutes(app: FastifyInstance, engine: SwitchEngine, simulated: ReadonlyMap<string, SimulatedProvider>): void {
  const store = engine.store;
  const base = ADMIN_BASE_PATH;

  const meterDetail = async (meterId: string) => {
    await engine.flushTraces();
    const m = await store.getMeter(meterId);
    if (!m) return null;
    const utility = m.utilityId ? (await store.listUtilities()).find((u) => u.id === m.utilityId) ?? null : null;
    const support = new Map(m.support.map((s) => [s.providerId, s]));
    return {
      meterId: m.meterId,
      utility: utility ? { id: utility.id, name: utility.name, utilityType: utility.utilityType } : null,
      rebroadcastFlag: m.rebroadcastFlag,
      preferredProviderId: m.preferredProviderId,
      providers: engine.providerIds().map((id) => ({
        providerId: id,
        providerName: engine.descriptor(id)?.name ?? id,
        status: support.get(id)?.status ?? 'UNCONFIRMED',
        lastResponseAt: support.get(id)?.lastResponseAt ?? null,
      })),
    };
  };

  app.get(`${base}/health`, async () => ({ ok: true }));

  app.get(`${base}/node`, async () => ({ ...engine.node(), lastBackgroundError: engine.lastBackgroundError() }));

  app.get(`${base}/meters`, async (request, reply) => {
    const q = request.query as { prefix?: string; limit?: string };
    const prefix = q.prefix ?? '';
    if (!/^[a-zA-Z0-9]{0,20}$/.test(prefix)) return badRequest(reply, 'prefix', 'must be up to 20 letters or digits', prefix);
    const limit = q.limit === undefined ? 20 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return badRequest(reply, 'limit', 'must be an integer 1..500', q.limit);
    return { meters: await store.searchMeters(prefix, limit) };
  });

  app.get(`${base}/meters/:meterId`, async (request, reply) => {
    const { meterId } = request.params as { meterId: string };
    const d = await meterDetail(meterId);
    return d ?? notFound(reply, `Meter ${meterId}`);
  });

  app.post(`${base}/meters/:meterId/confirm-support`, async (request, reply) => {
    const { meterId } = request.params as { meterId: string };
    if (!(await engine.confirmSupport(meterId))) return notFound(reply, `Meter ${meterId}`);
    return {
      meter: await meterDetail(meterId),
      message: `Meter ${meterId} is marked for rebroadcast (support re-check). Every provider that has not confirmed support is now Unconfirmed; the next meter lookup for this meter asks them again.`,
    };
  });

  app.get(`${base}/routing`, async () => {
    const name = (id: string) => ({ id, name: engine.descriptor(id)?.name ?? id });
    const ids = engine.providerIds();
    return {
      utilities: (await store.utilityRouting()).map((u) => {
        const placed = new Set([...u.ranked, ...u.excluded]);
        const serving = ids.filter((id) => !placed.has(id) && (engine.descriptor(id)?.utilityTypes.includes(u.utilityType) ?? true));
        const supported = new Set(u.supportedBy);
        return {
          id: u.id,
          name: u.name,
          utilityType: u.utilityType,
          ranked: u.ranked.map(name),
          unranked: serving.filter((id) => supported.has(id)).map(name),
          excluded: u.excluded.map(name),
          unconfirmed: serving.filter((id) => !supported.has(id)).map(name),
          meterCount: u.meterCount,
        };
      }),
    };
  });

  app.get(`${base}/providers`, async () => {
    const weights = new Map((await store.listProviders()).map((p) => [p.id, p.weight]));
    return {
      providers: engine.providerIds().map((id) => {
        const d = engine.descriptor(id)!;
        const s = engine.monitor.stats(id);
        return {
          id,
          name: d.name,
          capabilities: d.capabilities,
          utilityTypes: d.utilityTypes,
          health: s.health,
          circuit: s.circuit,
          latencyP50Ms: s.latencyP50Ms,
          latencyP99Ms: s.latencyP99Ms,
          errorRate: s.errorRate,
          weight: weights.get(id) ?? 1,
          requests: s.requests,
          behaviour: simulated.get(id)?.behaviour() ?? null,
        };
      }),
      history: await store.listHealthSamples(),
    };
  });

  app.patch(`${base}/providers/:id/behaviour`, async (request, reply) => {
    const { id } = request.params as { id: string };
    const sim = simulated.get(id);
    if (!sim) return notFound(reply, `Simulated provider ${id}`);
    const parsed = parseBehaviourPatch(request.body ?? {});
    if (!parsed.ok) {
      const first = parsed.errors[0];
      return reply.code(400).send(errorDetail('FORMAT_ERROR', `${first?.field}: ${first?.msg}`, { detailMessage: { formatErrors: parsed.errors } }));
    }
    return sim.setBehaviour(parsed.value);
  });

  app.get(`${base}/alerts`, async () => ({ alerts: await store.listAlerts() }));

  app.get(`${base}/transactions`, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const checked = transactionListLimit(q, 100);
    if (!('limit' in checked)) return badRequest(reply, checked.field, checked.msg, checked.value);
    const { limit } = checked;
    await engine.flushTraces();
    const transactions = await store.listTransactions({ from: q.from, to: q.to, meter: q.meter, provider: q.provider, status: q.status, type: q.type, q: q.q, limit });
    return { transactions };
  });

  app.get(`${base}/transactions/:id`, async (request, reply) => {
    const { id } = request.params as { id: string };
    await engine.flushTraces();
    const tx = await store.getTransaction(id);
    if (!tx) return notFound(reply, `Transaction ${id}`);
    const { request: _req, responseBody: _res, responseStatus: _s, final: _f, ...summary } = tx;
    return {
      transaction: { ...summary, request: tx.request, responseStatus: tx.responseStatus, responseBody: tx.responseBody, final: tx.final },
      traces: (await store.tracesOf(id)).map(({ txId: _t, ...t }) => t),
    };
  });

  app.get(`${base}/advices`, async (request, reply) => {
    const { status } = request.query as { status?: string };
    if (status !== undefined && !(ADVICE_STATUSES as readonly string[]).includes(status)) return badRequest(reply, 'status', `must be one of ${ADVICE_STATUSES.join(', ')}`, status);
    return {
      queue: (await store.listAdvices(500, status as AdviceStatus | undefined)).map(({ body: _b, ...a }) => a),
      needsReconciliation: await store.countAdvices('NEEDS_RECONCILIATION'),
    };
  });

  app.post(`${base}/rebroadcast`, async () => engine.rebroadcastAll());
}
