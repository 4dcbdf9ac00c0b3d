/**
 * The store-scoped face of the switch (docs/switch-admin-api.md, "Store API"): what a till reads about
 * its own store — every till's purchases, retries, reprints and reversals — under /store/v1, and the
 * guard that keeps a store user's PPU requests inside its store. A store user (api-users.ts) asking
 * for another merchant gets 403 and no row; the operator reads any merchant. A row is shown only once
 * its own request (or, for an advice, its purchase's request) names the merchant.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorDetail, PPU_BASE_PATH } from '../protocol';
import type { StoredTransaction, TransactionSummary } from '../engine/model';
import { lastPurchaseOf, purchaseByReference } from '../engine/references';
import { merchantTag, originOf } from '../engine/store-scope';
import type { SwitchEngine } from '../engine/switch-engine';
import type { SwitchStore } from '../store';
import { badRequest, transactionListLimit } from './admin-routes';
import type { ApiUser } from './api-users';

export const STORE_BASE_PATH = '/store/v1';

/** A transaction as a store sees it: the admin summary plus the till, cashier and tender that sent it. */
export interface StoreTransaction extends TransactionSummary {
  merchantId: string;
  terminalId: string | null;
  operatorId: string | null;
  /** originator.channelId: a till's certification run says CERTIFICATION. */
  channelId: string | null;
  tenderType: string | null;
  /** The purchase a reprint was for (its originalRef), when it named one. */
  originalRef: string | null;
}

const forbidden = (reply: FastifyReply, message: string) => reply.code(403).send(errorDetail('INVALID_MERCHANT', message));

/** The merchant a stored transaction belongs to: its own originator's, else (an advice) its purchase's. */
async function merchantOfTx(store: SwitchStore, tx: StoredTransaction, cache: Map<string, string | null>): Promise<string | null> {
  const own = originOf(tx.request).merchantId;
  if (own || !tx.purchaseId) return own;
  if (!cache.has(tx.purchaseId)) {
    const parent = await store.getTransaction(tx.purchaseId);
    cache.set(tx.purchaseId, parent ? originOf(parent.request).merchantId : null);
  }
  return cache.get(tx.purchaseId) ?? null;
}

function storeView(tx: StoredTransaction, merchantId: string): StoreTransaction {
  const { request, responseBody: _b, responseStatus: _s, final: _f, ...summary } = tx;
  const o = originOf(request);
  const r = request as { tenders?: { tenderType?: unknown }[]; originalRef?: unknown } | null;
  const tender = r?.tenders?.[0]?.tenderType;
  return { ...summary, merchantId, terminalId: o.terminalId, operatorId: o.operatorId, channelId: o.channelId, tenderType: typeof tender === 'string' ? tender : null, originalRef: typeof r?.originalRef === 'string' ? r.originalRef : null };
}

/** Whether `user` may see `merchantId`'s data: the operator always, a store user only its own. */
const mayRead = (user: ApiUser | null, merchantId: string) => user?.kind === 'operator' || (user?.kind === 'store' && user.merchantId === merchantId);

export function registerStoreRoutes(app: FastifyInstance, engine: SwitchEngine): void {
  const store = engine.store;
  const base = `${STORE_BASE_PATH}/merchants/:merchantId`;

  const scope = (request: FastifyRequest, reply: FastifyReply): string | null => {
    const { merchantId } = request.params as { merchantId: string };
    if (mayRead(request.apiUser, merchantId)) return merchantId;
    void forbidden(reply, `These credentials read merchant ${request.apiUser?.kind === 'store' ? request.apiUser.merchantId : '(none)'} only, not ${merchantId}`);
    return null;
  };

  app.get(`${base}/transactions`, async (request, reply) => {
    const merchantId = scope(request, reply);
    if (merchantId === null) return reply;
    const q = request.query as Record<string, string | undefined>;
    const checked = transactionListLimit(q, 500);
    if (!('limit' in checked)) return badRequest(reply, checked.field, checked.msg, checked.value);
    const { limit } = checked;
    await engine.flushTraces();
    const filter = { from: q.from, to: q.to, meter: q.meter, status: q.status, type: q.type, limit };
    // Advices name no merchant: a store's reversals are found through the purchases they reverse.
    const lists = await Promise.all([
      store.listTransactions({ ...filter, q: q.q ?? merchantTag(merchantId) }),
      !q.q && (q.type === undefined || q.type === 'REVERSAL') ? store.listTransactions({ ...filter, type: 'REVERSAL' }) : Promise.resolve([]),
    ]);
    const seen = new Set<string>();
    const parents = new Map<string, string | null>();
    const out: StoreTransaction[] = [];
    for (const row of lists.flat()) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      const tx = await store.getTransaction(row.id);
      if (!tx || (await merchantOfTx(store, tx, parents)) !== merchantId) continue;
      if (q.terminal && originOf(tx.request).terminalId !== q.terminal && tx.type !== 'REVERSAL') continue;
      out.push(storeView(tx, merchantId));
    }
    out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
    return { merchantId, transactions: out.slice(0, limit) };
  });

  app.get(`${base}/transactions/:id`, async (request, reply) => {
    const merchantId = scope(request, reply);
    if (merchantId === null) return reply;
    const { id } = request.params as { id: string };
    await engine.flushTraces();
    const tx = await store.getTransaction(id);
    // Another store's transaction is not found here: the answer does not say that it exists.
    if (!tx || (await merchantOfTx(store, tx, new Map())) !== merchantId) {
      return reply.code(404).send(errorDetail('UNABLE_TO_LOCATE_RECORD', `Transaction ${id} not found for merchant ${merchantId}`));
    }
    return { transaction: { ...storeView(tx, merchantId), request: tx.request, responseStatus: tx.responseStatus, responseBody: tx.responseBody } };
  });
}

/**
 * Keeps a store user's PPU requests inside its store: its originator must name its own merchant; a
 * reprint may only reach its store's sale (by reference, or the meter's last one); an advice only its
 * store's purchase. Anything else is refused with 403 INVALID_MERCHANT before the engine sees it.
 */
export async function storeUserRefusal(store: SwitchStore, user: ApiUser | null, routeUrl: string | undefined, body: unknown): Promise<string | null> {
  if (user?.kind !== 'store' || !routeUrl?.startsWith(PPU_BASE_PATH)) return null;
  const own = user.merchantId;
  const named = originOf(body).merchantId;
  if (named !== null && named !== own) return `User ${user.id} sells for merchant ${own} only, not ${named}`;
  const b = (body ?? {}) as { requestId?: unknown; originalRef?: unknown; meter?: { meterId?: unknown } };
  const belongs = async (tx: TransactionSummary | null) => {
    const full = tx ? await store.getTransaction(tx.id) : null;
    return !full || originOf(full.request).merchantId === own;
  };
  if (typeof b.requestId === 'string' && !(await belongs(await store.getTransaction(b.requestId)))) return `Purchase ${b.requestId} is not a sale of merchant ${own}`;
  if (routeUrl.includes('/tokenReprints/')) {
    const original = typeof b.originalRef === 'string' ? await purchaseByReference(store, b.originalRef) : typeof b.meter?.meterId === 'string' ? await lastPurchaseOf(store, b.meter.meterId) : null;
    if (!(await belongs(original))) return `The sale to reprint is not a sale of merchant ${own}`;
  }
  return null;
}
