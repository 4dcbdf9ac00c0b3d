/**
 * The store from any of its tills (docs/till.md, "A store of tills"): finding a sale of any till by
 * meter, short or full reference or token, reprinting it as a COPY through the switch, the reprints
 * made of this till's sales elsewhere, the store's end of day, and the reconciliation of this till's
 * records with the switch's. Everything is read from the switch's store API with the till's own
 * credentials, so a till sees its own store and nothing else.
 */
import type { StoreSale } from '../api/contract';
import { newId } from '../../switch-core/protocol';
import { ApiFail, type Handlers, type TillContext } from './backend-context';
import { localDay, localTime } from '../../common/local-time';
import { dayRange } from './end-of-day';
import { ppuErrorWords } from './ppu-error-words';
import { reconcile } from './reconcile';
import { slipContext, tillLabel } from './sale-slips';
import { tokensOf } from './sale-views';
import { buildStoreEod } from './store-eod';
import { storeSalesOf, type StoreTxRow } from './store-sales';
import { callSwitch } from './switch-http';
import type { SwitchLink } from './switch-link';

type StoreMethod = 'storeFindSales' | 'storeReprint' | 'storeReprints' | 'storeEod' | 'printStoreEod' | 'reconcile';

/** The most rows one store API call gives; a report that would need more says so instead of being short. */
const PAGE = 1000;
const WEEK_MS = 7 * 86_400_000;

export function storeHandlers(ctx: TillContext, link: SwitchLink): Handlers<StoreMethod> {
  const { store, printer, clock, nowIso } = ctx;

  async function rows(query: Record<string, string | undefined>): Promise<StoreTxRow[]> {
    const merchantId = ctx.settings().merchantId;
    const qs = new URLSearchParams(Object.entries({ ...query, limit: String(PAGE) }).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    const d = await callSwitch<{ transactions: StoreTxRow[] }>(
      link,
      'GET',
      `/store/v1/merchants/${encodeURIComponent(merchantId)}/transactions?${qs}`,
      undefined,
      `The switch does not let this till read store ${merchantId}. Check the merchant id and the switch user in Settings.`,
    );
    if (d.transactions.length >= PAGE) throw new ApiFail('INVALID_INPUT', `The store has more than ${PAGE} records for this question; ask for a shorter period.`);
    return d.transactions;
  }

  /** The store's sales a search names, each with all its rows (a late sale's retry, a reversal). */
  async function find(a: { meterId?: string; reference?: string; token?: string; date?: string }): Promise<StoreSale[]> {
    const range = a.date ? dayRange(clock(), ctx.zone(), a.date) : { from: undefined, to: undefined };
    const hits = await rows({ ...range, meter: a.meterId, q: a.reference ?? a.token });
    const ids = [...new Set(hits.map((r) => (r.type === 'PURCHASE' ? r.id : r.purchaseId)).filter((id): id is string => id !== null))].slice(0, 50);
    const full = (await Promise.all(ids.map((id) => rows({ q: id })))).flat();
    return storeSalesOf(full);
  }

  async function storeEod(date: string | undefined) {
    const { from, to } = dayRange(clock(), ctx.zone(), date);
    const s = ctx.settings();
    return buildStoreEod({
      merchantId: s.merchantId,
      storeName: s.merchantName,
      from,
      to,
      generatedAt: nowIso(),
      terminalId: s.terminalId,
      sales: storeSalesOf(await rows({ from, to })),
      operatorNames: new Map(store.listOperators().map((o) => [o.id, o.name])),
      zone: ctx.zone(),
    });
  }

  return {
    storeFindSales: (a) => find(a),

    async storeReprint({ purchaseId, meterId }, op) {
      const me = ctx.settings();
      // Without a reference the switch reprints the meter's last token: the copy names that sale.
      const original = purchaseId ? (await find({ reference: purchaseId }))[0] : (await find({ meterId })).find((s) => s.state === 'sold');
      if (purchaseId && !original) throw new ApiFail('NOT_FOUND', `No sale ${purchaseId} of this store is known to the switch.`);
      if (original && original.state !== 'sold') throw new ApiFail('CONFLICT', `Sale ${original.shortRef} is ${original.state}: only a sold token can be reprinted.`);
      // The sale found is named even when only the meter was given, so both tills' records say which sale was copied.
      const originalRef = purchaseId ?? original?.purchaseId;
      const req = { ...link.baseTx(newId()), meter: { meterId }, ...(originalRef ? { originalRef } : {}) };
      req.originator.operatorId = op.id;
      const res = await link.exchange((c) => c.reprint(req));
      if (res.outcome === 'unknown') throw new ApiFail('SWITCH_UNREACHABLE', 'The switch did not answer. Try the reprint again.');
      if (res.outcome === 'failed') throw new ApiFail(res.status === 403 ? 'FORBIDDEN' : 'DECLINED', ppuErrorWords(res.error, res.status));
      const at = new Date(clock());
      const ref = original?.purchaseId ?? res.body.id;
      const originalAt = original?.at ?? res.body.time ?? at.toISOString();
      const soldAt = original?.terminalId ?? null;
      // The till lays the copy out itself (not the switch's slipData for the reprint): it names the original till, time and reference.
      const { slipData, ...answer } = res.body;
      const printed = await printer.printSale(
        { ...answer, ...(answer.tokens?.length ? {} : { slipData }), id: ref, time: originalAt },
        {
          ...slipContext(ctx, op.name),
          terminalId: soldAt ?? 'unknown till',
          footer: ['*** COPY ***', `Sold at till ${soldAt ?? '?'} ${localTime(originalAt, ctx.zone())}`, `Reference ${ref}`, `Copy printed at till ${tillLabel(me)}`],
        },
        { reprint: { at, operator: op.name } },
      );
      store.addStoreReprint({ reprintId: req.id, purchaseId: ref, soldAt, reprintedAt: me.terminalId, operatorId: op.id, at: at.toISOString() });
      return { ...printed, purchaseId: ref, soldAt, originalAt, tokens: tokensOf(res.body).map((t) => t.token) };
    },

    async storeReprints() {
      const me = ctx.settings().terminalId;
      // The switch recorded every till's reprints: those of this till's sales made elsewhere are kept here too.
      for (const r of await rows({ type: 'REPRINT', from: new Date(clock() - WEEK_MS).toISOString() })) {
        if (r.status !== 'SUCCESSFUL' || !r.originalRef || r.terminalId === me || !store.getSale(r.originalRef)) continue;
        store.addStoreReprint({ reprintId: r.id, purchaseId: r.originalRef, soldAt: me, reprintedAt: r.terminalId ?? 'unknown', operatorId: r.operatorId, at: r.startedAt });
      }
      return store.storeReprints();
    },

    storeEod: ({ date }) => storeEod(date),
    printStoreEod: async ({ date }, op) => printer.printLines((await storeEod(date)).lines, slipContext(ctx, op.name)),

    async reconcile({ date }) {
      const { from, to } = dayRange(clock(), ctx.zone(), date);
      const me = ctx.settings().terminalId;
      const atSwitch = storeSalesOf(await rows({ from, to, terminal: me }));
      return reconcile(date ?? localDay(clock(), ctx.zone()), me, store.findSales({ from, to, limit: 5000 }), atSwitch);
    },
  };
}
