/**
 * The store contract as tests: one suite every engine behind switch-store.ts runs (SQLite and
 * PostgreSQL), so both answer the engine alike. Test-only: imported by each engine's test file.
 * Over 400 lines because it is one contract: split by concern, each engine's test file would have to
 * import and run every part, and a part left out would go unnoticed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdviceRecord, TraceRecord } from '../engine/model';
import { DuplicateIdError, type NewTransaction, type SwitchStore, type TransactionOutcome } from './switch-store';
import { OPERATIONS } from '../protocol';

/** An ISO time `s` seconds into 2026 (distinct, ordered strings). */
export const at = (s: number): string => new Date(Date.UTC(2026, 0, 1) + s * 1000).toISOString();

export function newTx(id: string, over: Partial<NewTransaction> = {}): NewTransaction {
  return { id, type: 'PURCHASE', meterId: '01234567890', providerId: 'P01', status: 'UNKNOWN', amount: 5000, startedAt: at(0), purchaseId: null, request: { id }, ...over };
}

export function outcome(over: Partial<TransactionOutcome> = {}): TransactionOutcome {
  return { providerId: 'P01', status: 'SUCCESSFUL', errorType: null, ms: 12.5, responseStatus: 200, responseBody: { ok: true }, final: true, ...over };
}

export function newAdvice(id: string, seqHint: number, over: Partial<AdviceRecord> = {}): Omit<AdviceRecord, 'attempts' | 'lastError'> {
  return {
    id,
    purchaseId: `p-${id}`,
    kind: 'confirmation',
    operation: 'confirmation',
    providerId: 'P01',
    body: { advice: id },
    createdAt: at(seqHint),
    nextAttemptAt: at(seqHint),
    status: 'PENDING',
    ...over,
  };
}

const trace = (txId: string, direction: TraceRecord['direction'], s: number, over: Partial<TraceRecord> = {}): TraceRecord => ({
  txId,
  direction,
  providerId: direction === 'switch->provider' ? 'P01' : null,
  operation: 'purchase',
  url: '/purchases/x',
  requestBody: { step: s },
  status: 200,
  responseBody: { answer: s },
  startedAt: at(s),
  ms: s + 0.25,
  ...over,
});

const emptyBatch = { traces: [], refs: [], finishedRows: [], outcomes: [], touches: [] };

/** Runs the contract against a fresh, migrated store from `open` for every test. */
export function storeContract(name: string, open: () => Promise<SwitchStore>): void {
  describe(`store contract: ${name}`, () => {
    let opened: SwitchStore[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(opened.map((s) => s.close()));
      opened = [];
    });

    it('opens migrated to the latest schema: every table answers, empty, and meta round-trips', async () => {
      const s = await fresh();
      await s.ping();
      expect(await s.listProviders()).toEqual([]);
      expect(await s.listUtilities()).toEqual([]);
      expect(await s.listTransactions({})).toEqual([]);
      expect(await s.listAdvices()).toEqual([]);
      expect(await s.pendingAdviceHeads()).toEqual([]);
      expect(await s.countAdvices('PENDING')).toBe(0);
      expect(await s.listAlerts()).toEqual([]);
      expect(await s.listHealthSamples()).toEqual([]);
      expect(await s.getMeta('k')).toBeNull();
      await s.setMeta('k', 'one');
      await s.setMeta('k', 'two');
      expect(await s.getMeta('k')).toBe('two');
    });

    it('once closed, refuses a health check (the node reports itself unavailable), and closes twice without harm', async () => {
      const s = await fresh();
      await s.ping();
      await s.close();
      await expect(s.ping()).rejects.toThrow(/not open/);
      await s.close(); // afterEach closes it once more
    });

    it('keeps providers (a re-seed renames, the weight an operator set stays) and utilities with their routing', async () => {
      const s = await fresh();
      await s.upsertProviders([
        { id: 'P02', name: 'Two', weight: 1, enabled: true },
        { id: 'P01', name: 'One', weight: 2.5, enabled: false },
      ]);
      await s.setProviderWeight('P02', 3.25);
      await s.upsertProviders([{ id: 'P02', name: 'Two renamed', weight: 1, enabled: true }]);
      expect(await s.listProviders()).toEqual([
        { id: 'P01', name: 'One', weight: 2.5, enabled: false },
        { id: 'P02', name: 'Two renamed', weight: 3.25, enabled: true },
      ]);

      await s.upsertUtility({ id: 'U2', name: 'Beta City', utilityType: 'WATER', ranked: ['P02', 'P01'], excluded: ['P03'] });
      await s.upsertUtility({ id: 'U1', name: 'Alpha Town', utilityType: 'ELECTRICITY', ranked: ['P03'], excluded: [] });
      await s.upsertUtility({ id: 'U1', name: 'Alpha Town', utilityType: 'ELECTRICITY', ranked: ['P01', 'P03'], excluded: ['P02'] });
      expect(await s.listUtilities()).toEqual([
        { id: 'U1', name: 'Alpha Town', utilityType: 'ELECTRICITY', ranked: ['P01', 'P03'], excluded: ['P02'] },
        { id: 'U2', name: 'Beta City', utilityType: 'WATER', ranked: ['P02', 'P01'], excluded: ['P03'] },
      ]);

      await s.insertMeters(
        [
          { meterId: 'm1', utilityId: 'U1', support: [{ providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(1) }] },
          { meterId: 'm2', utilityId: 'U1', support: [{ providerId: 'P03', status: 'SUPPORTED', lastResponseAt: at(1) }, { providerId: 'P02', status: 'NOT_SUPPORTED', lastResponseAt: at(1) }] },
          { meterId: 'm3', utilityId: 'U2' },
          { meterId: 'm4', utilityId: null, support: [{ providerId: 'P02', status: 'SUPPORTED', lastResponseAt: null }] },
        ],
        at(0),
      );
      const routing = await s.utilityRouting();
      expect(routing.map((r) => ({ ...r, supportedBy: [...r.supportedBy].sort() }))).toEqual([
        { id: 'U1', name: 'Alpha Town', utilityType: 'ELECTRICITY', ranked: ['P01', 'P03'], excluded: ['P02'], meterCount: 2, supportedBy: ['P01', 'P03'] },
        { id: 'U2', name: 'Beta City', utilityType: 'WATER', ranked: ['P02', 'P01'], excluded: ['P03'], meterCount: 1, supportedBy: [] },
      ]);
    });

    it('saves a meter whole, merges support rows the save leaves out, and every read after a write sees it', async () => {
      const s = await fresh();
      expect(await s.getMeter('0555')).toBeNull();
      await s.saveMeter(
        { meterId: '0555', utilityId: 'U1', rebroadcastFlag: true, preferredProviderId: 'P02', support: [{ providerId: 'P02', status: 'SUPPORTED', lastResponseAt: at(1) }, { providerId: 'P01', status: 'UNCONFIRMED', lastResponseAt: null }] },
        at(0),
      );
      expect(await s.getMeter('0555')).toEqual({
        meterId: '0555',
        utilityId: 'U1',
        rebroadcastFlag: true,
        preferredProviderId: 'P02',
        support: [
          { providerId: 'P01', status: 'UNCONFIRMED', lastResponseAt: null },
          { providerId: 'P02', status: 'SUPPORTED', lastResponseAt: at(1) },
        ],
      });
      await s.saveMeter({ meterId: '0555', utilityId: 'U1', rebroadcastFlag: false, preferredProviderId: null, support: [{ providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(2) }] }, at(5));
      expect(await s.getMeter('0555')).toEqual({
        meterId: '0555',
        utilityId: 'U1',
        rebroadcastFlag: false,
        preferredProviderId: null,
        support: [
          { providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(2) },
          { providerId: 'P02', status: 'SUPPORTED', lastResponseAt: at(1) },
        ],
      });
      await s.setSupport('0555', { providerId: 'P02', status: 'NOT_SUPPORTED', lastResponseAt: at(3) });
      expect((await s.getMeter('0555'))?.support).toEqual([
        { providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(2) },
        { providerId: 'P02', status: 'NOT_SUPPORTED', lastResponseAt: at(3) },
      ]);
      // An unknown meter read (and cached as unknown) becomes known once saved.
      expect(await s.getMeter('0777')).toBeNull();
      await s.saveMeter({ meterId: '0777', utilityId: null, rebroadcastFlag: false, preferredProviderId: null, support: [] }, at(0));
      expect(await s.getMeter('0777')).toMatchObject({ meterId: '0777', support: [] });
    });

    it('bulk-loads meters, finds them by prefix in key order with their utility, and walks them in key order', async () => {
      const s = await fresh();
      await s.upsertUtility({ id: 'U1', name: 'Alpha Town', utilityType: 'ELECTRICITY', ranked: [], excluded: [] });
      expect(await s.getMeter('0123')).toBeNull();
      const n = await s.insertMeters(
        ['0123', '0124', '0130', '1000', '012', '01239'].map((meterId) => ({ meterId, utilityId: meterId === '0124' ? 'U1' : null })),
        at(0),
      );
      expect(n).toBe(6);
      expect(await s.getMeter('0123')).toMatchObject({ meterId: '0123' });
      expect(await s.searchMeters('012', 10)).toEqual([
        { meterId: '012', utilityName: null },
        { meterId: '0123', utilityName: null },
        { meterId: '01239', utilityName: null },
        { meterId: '0124', utilityName: 'Alpha Town' },
      ]);
      expect((await s.searchMeters('0123', 10)).map((m) => m.meterId)).toEqual(['0123', '01239']);
      expect((await s.searchMeters('', 2)).map((m) => m.meterId)).toEqual(['012', '0123']);
      expect(await s.searchMeters('9', 10)).toEqual([]);
      // Byte order on UTF-8: a prefix outside ASCII still bounds the range.
      await s.insertMeters(['é1', 'é2', 'ê1', 'e1'].map((meterId) => ({ meterId, utilityId: null })), at(0));
      expect((await s.searchMeters('é', 10)).map((m) => m.meterId)).toEqual(['é1', 'é2']);
      expect(await s.meterIdsAfter('', 3)).toEqual(['012', '0123', '01239']);
      expect(await s.meterIdsAfter('01239', 10)).toEqual(['0124', '0130', '1000', 'e1', 'é1', 'é2', 'ê1']);
    });

    it('stores a transaction, refuses its id again, records its route and its outcome', async () => {
      const s = await fresh();
      const tx = newTx('t1', { amount: 123_456_789_012, request: { meter: '01234567890', cents: 5000 } });
      await s.insertTransaction(tx);
      expect(await s.hasTransaction('t1')).toBe(true);
      expect(await s.hasTransaction('t2')).toBe(false);
      // Asked together (one turn of the event loop, as lookups arriving at once are), each gets its own answer.
      expect(await Promise.all(['t2', 't1', 't3', 't1'].map((id) => s.hasTransaction(id)))).toEqual([false, true, false, true]);
      await expect(s.insertTransaction(tx)).rejects.toBeInstanceOf(DuplicateIdError);
      await expect(s.insertTransaction({ ...tx, type: 'LOOKUP' }, { durable: false })).rejects.toBeInstanceOf(DuplicateIdError);
      expect(await s.getTransaction('t1')).toEqual({
        id: 't1',
        type: 'PURCHASE',
        meterId: '01234567890',
        providerId: 'P01',
        status: 'UNKNOWN',
        errorType: null,
        amount: 123_456_789_012,
        startedAt: at(0),
        ms: 0,
        references: ['t1', '01234567890'],
        purchaseId: null,
        request: { meter: '01234567890', cents: 5000 },
        responseStatus: null,
        responseBody: null,
        final: false,
      });
      await s.setTransactionProvider('t1', 'P02');
      expect(await s.getTransaction('t1')).toMatchObject({ providerId: 'P02' });
      await s.finishTransaction('t1', outcome({ providerId: 'P02', status: 'FAILED', errorType: 'TIMEOUT', ms: 3000.5, responseStatus: 504, responseBody: { err: 'late' }, final: false }));
      expect(await s.getTransaction('t1')).toMatchObject({ providerId: 'P02', status: 'FAILED', errorType: 'TIMEOUT', ms: 3000.5, responseStatus: 504, responseBody: { err: 'late' }, final: false });
      await s.finishTransaction('t1', outcome({ responseJson: '{"pre":"serialised"}' }));
      expect(await s.getTransaction('t1')).toMatchObject({ status: 'SUCCESSFUL', responseBody: { pre: 'serialised' }, final: true });
      expect(await s.getTransaction('nope')).toBeNull();
    });

    it('begins rows given at once each on its own: an id already stored, or given twice, is refused alone; outcomes given at once each land', async () => {
      const s = await fresh();
      await s.insertTransaction(newTx('old'));
      // One turn of the event loop: the PostgreSQL store sends these as one statement per pool.
      const begun = await Promise.allSettled([
        s.insertTransaction(newTx('a1')),
        s.insertTransaction(newTx('old')),
        s.insertTransaction(newTx('a2', { type: 'LOOKUP' }), { durable: false }),
        s.insertTransaction(newTx('a1', { amount: 1 })),
        s.insertTransaction(newTx('a3')),
        s.insertTransaction(newTx('old', { type: 'LOOKUP' }), { durable: false }),
      ]);
      expect(begun.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
      for (const r of begun) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateIdError);
      expect((await s.listTransactions({ limit: 10 })).map((t) => t.id).sort()).toEqual(['a1', 'a2', 'a3', 'old']);
      expect(await s.getTransaction('a1')).toMatchObject({ amount: 5000, request: { id: 'a1' } });
      await Promise.all([
        s.finishTransaction('a1', outcome({ status: 'FAILED', final: false })),
        s.finishTransaction('a3', outcome({ providerId: 'P03', ms: 7 })),
        s.finishTransaction('a1', outcome({ responseJson: '{"last":true}' })),
      ]);
      expect(await s.getTransaction('a1')).toMatchObject({ status: 'SUCCESSFUL', responseBody: { last: true }, final: true });
      expect(await s.getTransaction('a3')).toMatchObject({ providerId: 'P03', status: 'SUCCESSFUL', ms: 7 });
      expect(await s.getTransaction('a2')).toMatchObject({ type: 'LOOKUP', status: 'UNKNOWN' });
    });

    it('lists transactions newest first (ties in insert order, newest first), filtered, searched by id, meter or reference, limited', async () => {
      const s = await fresh();
      await s.insertTransaction(newTx('a', { startedAt: at(1), meterId: 'm1', providerId: 'P01', type: 'LOOKUP', amount: null }), { durable: false });
      await s.insertTransaction(newTx('b', { startedAt: at(2), meterId: 'm2', providerId: 'P02' }));
      await s.insertTransaction(newTx('c', { startedAt: at(2), meterId: 'm1', providerId: 'P02' }));
      await s.insertTransaction(newTx('d', { startedAt: at(3), meterId: null, providerId: null, type: 'CONFIRMATION', purchaseId: 'b' }));
      await s.finishTransaction('b', outcome({ providerId: 'P02', status: 'SUCCESSFUL' }));
      await s.writeBatch({ ...emptyBatch, refs: [{ txId: 'b', ref: 'TOKEN-1' }, { txId: 'd', ref: 'TOKEN-1' }, { txId: 'c', ref: 'm2' }] });

      const ids = async (f: Parameters<SwitchStore['listTransactions']>[0]) => (await s.listTransactions(f)).map((t) => t.id);
      expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
      expect(await ids({ from: at(2) })).toEqual(['d', 'c', 'b']);
      expect(await ids({ to: at(2) })).toEqual(['c', 'b', 'a']);
      expect(await ids({ from: at(2), to: at(2) })).toEqual(['c', 'b']);
      expect(await ids({ meter: 'm1' })).toEqual(['c', 'a']);
      expect(await ids({ provider: 'P02' })).toEqual(['c', 'b']);
      expect(await ids({ status: 'SUCCESSFUL' })).toEqual(['b']);
      expect(await ids({ type: 'LOOKUP' })).toEqual(['a']);
      expect(await ids({ q: 'a' })).toEqual(['a']);
      expect(await ids({ q: 'TOKEN-1' })).toEqual(['d', 'b']);
      expect(await ids({ q: 'm2' })).toEqual(['c', 'b']); // b's meter, c's stored reference
      expect(await ids({ q: 'm1', provider: 'P01' })).toEqual(['a']);
      expect(await ids({ q: 'nothing' })).toEqual([]);
      expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
      expect(await ids({ limit: 0 })).toEqual(['d']);
      expect(await ids({ limit: -5 })).toEqual(['d']);

      const [d, c, b] = await s.listTransactions({});
      expect(b).toEqual({ id: 'b', type: 'PURCHASE', meterId: 'm2', providerId: 'P02', status: 'SUCCESSFUL', errorType: null, amount: 5000, startedAt: at(2), ms: 12.5, references: ['b', 'm2', 'TOKEN-1'], purchaseId: null });
      expect(c?.references).toEqual(['c', 'm1', 'm2']);
      expect(d?.references).toEqual(['d', 'TOKEN-1']);
      expect(d?.purchaseId).toBe('b');
    });

    it('writes a batch of all five kinds in one go: traces, references, finished rows, outcomes, newer response times', async () => {
      const s = await fresh();
      await s.saveMeter({ meterId: 'm1', utilityId: null, rebroadcastFlag: false, preferredProviderId: null, support: [{ providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(5) }, { providerId: 'P02', status: 'NOT_SUPPORTED', lastResponseAt: null }] }, at(0));
      expect((await s.getMeter('m1'))?.support.map((x) => x.lastResponseAt)).toEqual([at(5), null]); // cached now
      await s.insertTransaction(newTx('up-front', { type: 'LOOKUP', meterId: 'm1', amount: null, status: 'UNKNOWN' }), { durable: false });
      await s.writeBatch({
        traces: [trace('p1', 'till->switch', 1), trace('p1', 'switch->provider', 2, { requestJson: '{"raw":1}', responseJson: '{"raw":2}' }), trace('p1', 'switch->provider', 3, { responseBody: null, status: null })],
        refs: [{ txId: 'p1', ref: 'R1' }, { txId: 'p1', ref: 'R1' }, { txId: 'p1', ref: 'R2' }],
        finishedRows: [
          { tx: newTx('p1', { type: 'LOOKUP', meterId: 'm1', amount: null, request: { q: 1 } }), outcome: outcome({ ms: 7.75, responseBody: { meter: 'm1' } }) },
          { tx: newTx('p2', { type: 'LOOKUP', meterId: 'm1', amount: null, request: null, requestJson: '{"q":2}' }), outcome: outcome() },
        ],
        outcomes: [{ id: 'up-front', outcome: outcome({ status: 'FAILED', errorType: 'METER_NOT_FOUND', responseStatus: 404, responseJson: '{"e":1}', final: true }) }],
        touches: [
          { meterId: 'm1', providerId: 'P01', at: at(4) }, // older than stored: ignored
          { meterId: 'm1', providerId: 'P02', at: at(6) },
          { meterId: 'm1', providerId: 'P02', at: at(7) },
        ],
      });
      expect(await s.getTransaction('p1')).toMatchObject({ type: 'LOOKUP', status: 'SUCCESSFUL', ms: 7.75, request: { q: 1 }, responseBody: { meter: 'm1' }, final: true, references: ['p1', 'm1', 'R1', 'R2'] });
      expect((await s.getTransaction('p2'))?.request).toEqual({ q: 2 }); // written from the JSON it came with
      expect(await s.getTransaction('up-front')).toMatchObject({ status: 'FAILED', errorType: 'METER_NOT_FOUND', responseStatus: 404, responseBody: { e: 1 }, final: true });
      expect((await s.getMeter('m1'))?.support).toEqual([
        { providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(5) },
        { providerId: 'P02', status: 'NOT_SUPPORTED', lastResponseAt: at(7) },
      ]);
      expect(await s.tracesOf('p1')).toEqual([
        trace('p1', 'till->switch', 1),
        { ...trace('p1', 'switch->provider', 2), requestBody: { raw: 1 }, responseBody: { raw: 2 } },
        trace('p1', 'switch->provider', 3, { responseBody: null, status: null }),
      ]);
      await s.writeBatch(emptyBatch);
    });

    it("stores a provider call's request once when it is the transaction's own, and shows it from the row", async () => {
      const s = await fresh();
      await s.insertTransaction(newTx('R', { startedAt: at(40), request: { id: 'R', meter: { meterId: 'm9' } } }));
      // The record's own copy is not what is stored: what is shown comes from the row.
      await s.writeBatch({ ...emptyBatch, traces: [{ ...trace('R', 'switch->provider', 41), requestBody: { not: 'stored' }, requestAsRow: true }] });
      const [, sent] = await s.tracesOf('R');
      expect(sent).toMatchObject({ direction: 'switch->provider', requestBody: { id: 'R', meter: { meterId: 'm9' } }, status: 200 });
    });

    it("keeps a finished lookup's one provider call in its row and shows it as the trace it was, with the provider's own answer where it differs", async () => {
      const s = await fresh();
      const lookup = (id: string) => newTx(id, { type: 'LOOKUP', meterId: 'm1', amount: null, startedAt: at(50), request: { id, meter: { meterId: 'm1' } } });
      const call = (id: string, over: Partial<TraceRecord>) => trace(id, 'switch->provider', 51, { operation: 'meterLookup', requestBody: null, requestAsRow: true, ...over });
      await s.writeBatch({
        ...emptyBatch,
        finishedRows: [
          // Passed on as it came: stored once, in the row's response.
          { tx: lookup('same'), outcome: outcome({ responseJson: '{"meter":"m1"}' }), upstream: call('same', { responseJson: '{"meter":"m1"}' }) },
          // Answered otherwise than the provider said: the provider's answer is kept as it came.
          { tx: lookup('other'), outcome: outcome({ status: 'FAILED', responseStatus: 404, responseJson: '{"errorType":"UNKNOWN_METER_ID"}' }), upstream: call('other', { status: 404, responseJson: '{"provider":"said this"}' }) },
        ],
      });
      const sent = { id: 'same', meter: { meterId: 'm1' } };
      expect(await s.tracesOf('same')).toEqual([
        { txId: 'same', direction: 'till->switch', providerId: null, operation: 'meterLookup', url: OPERATIONS.meterLookup.route, requestBody: sent, status: 200, responseBody: { meter: 'm1' }, startedAt: at(50), ms: 12.5 },
        { txId: 'same', direction: 'switch->provider', providerId: 'P01', operation: 'meterLookup', url: '/purchases/x', requestBody: sent, status: 200, responseBody: { meter: 'm1' }, startedAt: at(51), ms: 51.25 },
      ]);
      const [outer, provider] = await s.tracesOf('other');
      expect(outer).toMatchObject({ direction: 'till->switch', status: 404, responseBody: { errorType: 'UNKNOWN_METER_ID' } });
      expect(provider).toMatchObject({ direction: 'switch->provider', status: 404, requestBody: { id: 'other', meter: { meterId: 'm1' } }, responseBody: { provider: 'said this' } });
      // A row written up front (several nodes) gets its call with its outcome.
      await s.insertTransaction(lookup('early'), { durable: false });
      await s.writeBatch({ ...emptyBatch, outcomes: [{ id: 'early', outcome: outcome({ responseJson: '{"meter":"m1"}' }), upstream: call('early', { responseJson: '{"meter":"m1"}' }) }] });
      expect(await s.tracesOf('early')).toMatchObject([
        { direction: 'till->switch', requestBody: { id: 'early', meter: { meterId: 'm1' } }, responseBody: { meter: 'm1' } },
        { direction: 'switch->provider', providerId: 'P01', operation: 'meterLookup', requestBody: { id: 'early', meter: { meterId: 'm1' } }, responseBody: { meter: 'm1' }, ms: 51.25 },
      ]);
    });

    it("shows a transaction's own exchange (its row) as its first trace, except where its type is shared by two operations", async () => {
      const s = await fresh();
      await s.insertTransaction(newTx('L', { type: 'LOOKUP', meterId: 'm1', amount: null, startedAt: at(10), request: { meterId: 'm1' } }), { durable: false });
      await s.finishTransaction('L', outcome({ ms: 40, responseStatus: 200, responseBody: { found: true } }));
      await s.writeBatch({ ...emptyBatch, traces: [trace('L', 'switch->provider', 11, { operation: 'meterLookup' })] });
      const traces = await s.tracesOf('L');
      expect(traces.map((t) => [t.direction, t.operation])).toEqual([
        ['till->switch', 'meterLookup'],
        ['switch->provider', 'meterLookup'],
      ]);
      expect(traces[0]).toMatchObject({ txId: 'L', providerId: null, requestBody: { meterId: 'm1' }, status: 200, responseBody: { found: true }, startedAt: at(10), ms: 40 });
      await s.insertTransaction(newTx('P', { startedAt: at(20) }));
      await s.finishTransaction('P', outcome({ ms: 30, responseStatus: 201, responseBody: { tokens: ['T1'] } }));
      await s.writeBatch({ ...emptyBatch, traces: [trace('P', 'switch->provider', 21)] });
      expect((await s.tracesOf('P')).map((t) => [t.direction, t.operation, t.status])).toEqual([
        ['till->switch', 'purchase', 201],
        ['switch->provider', 'purchase', 200],
      ]);
      // A confirmation's type stands for two operations: its till->switch trace is stored, shown as stored.
      await s.insertTransaction(newTx('C', { type: 'CONFIRMATION', startedAt: at(30) }));
      await s.writeBatch({ ...emptyBatch, traces: [trace('C', 'till->switch', 31, { operation: 'keyChangeConfirmation' })] });
      expect((await s.tracesOf('C')).map((t) => [t.direction, t.operation])).toEqual([['till->switch', 'keyChangeConfirmation']]);
      // A purchase stored before this change carries its till->switch trace: shown once.
      await s.insertTransaction(newTx('Q', { startedAt: at(40) }));
      await s.writeBatch({ ...emptyBatch, traces: [trace('Q', 'till->switch', 41), trace('Q', 'switch->provider', 42)] });
      expect((await s.tracesOf('Q')).map((t) => t.direction)).toEqual(['till->switch', 'switch->provider']);
      expect(await s.tracesOf('none')).toEqual([]);
    });

    it('queues advices: one per id, the oldest pending head per provider, leases claimed, given back and run out', async () => {
      const s = await fresh();
      expect(await s.insertAdvice(newAdvice('a1', 5))).toBe(true);
      expect(await s.insertAdvice(newAdvice('a1', 9))).toBe(false);
      expect(await s.insertAdvice(newAdvice('a2', 1))).toBe(true); // same provider, queued behind a1
      expect(await s.insertAdvice(newAdvice('b1', 3, { providerId: 'P02', kind: 'reversal', operation: 'reversal' }))).toBe(true);
      expect(await s.getAdvice('a1')).toEqual({ ...newAdvice('a1', 5), attempts: 0, lastError: null });
      expect(await s.getAdvice('zz')).toBeNull();
      expect((await s.pendingAdviceHeads()).map((a) => a.id)).toEqual(['b1', 'a1']); // by next attempt time

      expect(await s.claimAdvice('a1', 'node-A', at(10), at(40))).toBe(true);
      expect(await s.claimAdvice('a1', 'node-B', at(20), at(50))).toBe(false);
      expect(await s.claimAdvice('a1', 'node-A', at(30), at(60))).toBe(true); // renewed by its holder
      expect(await s.claimAdvice('a1', 'node-B', at(59), at(90))).toBe(false);
      expect(await s.claimAdvice('a1', 'node-B', at(61), at(90))).toBe(true); // A's lease ran out
      expect((await s.pendingAdviceHeads()).map((a) => a.id)).toEqual(['b1', 'a1']); // leased heads still listed

      await s.updateAdvice({ id: 'a1', attempts: 1, lastError: 'HTTP 503', nextAttemptAt: at(100), status: 'PENDING' });
      expect(await s.claimAdvice('a1', 'node-A', at(62), at(92))).toBe(true); // B gave it back with its result
      expect(await s.getAdvice('a1')).toMatchObject({ attempts: 1, lastError: 'HTTP 503', nextAttemptAt: at(100), status: 'PENDING' });
      await s.updateAdvice({ id: 'a1', attempts: 2, lastError: null, nextAttemptAt: at(100), status: 'DELIVERED' });
      expect(await s.claimAdvice('a1', 'node-A', at(63), at(93))).toBe(false); // delivered: nothing to claim
      expect((await s.pendingAdviceHeads()).map((a) => a.id)).toEqual(['a2', 'b1']);

      await s.parkAdvice({ id: 'b1', attempts: 9, lastError: 'HTTP 404', nextAttemptAt: at(200), status: 'NEEDS_RECONCILIATION' }, { at: at(200), providerId: 'P02', adviceId: 'b1', message: 'reconcile b1' });
      expect((await s.pendingAdviceHeads()).map((a) => a.id)).toEqual(['a2']);
      expect(await s.listAlerts()).toEqual([{ kind: 'ADVICE_NEEDS_RECONCILIATION', at: at(200), providerId: 'P02', adviceId: 'b1', message: 'reconcile b1' }]);
      expect((await s.listAdvices()).map((a) => a.id)).toEqual(['b1', 'a2', 'a1']);
      expect((await s.listAdvices(2)).map((a) => a.id)).toEqual(['b1', 'a2']);
      expect((await s.listAdvices(10, 'NEEDS_RECONCILIATION')).map((a) => [a.id, a.attempts, a.lastError])).toEqual([['b1', 9, 'HTTP 404']]);
      expect(await s.countAdvices('PENDING')).toBe(1);
      expect(await s.countAdvices('DELIVERED')).toBe(1);
      expect(await s.countAdvices('FAILED')).toBe(0);
    });

    it('keeps health alerts newest first and the latest health samples oldest first', async () => {
      const s = await fresh();
      await s.insertAlert({ at: at(1), providerId: 'P01', from: 'UP', to: 'DEGRADED', message: 'P01 slow' });
      await s.insertAlert({ at: at(2), providerId: 'P01', from: 'DEGRADED', to: 'DOWN', message: 'P01 down' });
      expect(await s.listAlerts()).toEqual([
        { kind: 'HEALTH', at: at(2), providerId: 'P01', from: 'DEGRADED', to: 'DOWN', message: 'P01 down' },
        { kind: 'HEALTH', at: at(1), providerId: 'P01', from: 'UP', to: 'DEGRADED', message: 'P01 slow' },
      ]);
      expect(await s.listAlerts(1)).toHaveLength(1);
      await s.insertAuthAlert({ at: at(3), kind: 'AUTH_LOCKED_ADDRESS', subject: '203.0.113.9', message: '20 failed sign-ins from 203.0.113.9' });
      expect((await s.listAlerts(1))[0]).toEqual({ kind: 'AUTH_LOCKED_ADDRESS', at: at(3), subject: '203.0.113.9', message: '20 failed sign-ins from 203.0.113.9' });
      const samples = [1, 2, 3].map((i) => ({ at: at(i), providerId: i === 2 ? 'P02' : 'P01', latencyMs: i * 10.5, errorRate: i / 10, up: i !== 3 }));
      await s.insertHealthSamples(samples);
      await s.insertHealthSamples([]);
      expect(await s.listHealthSamples()).toEqual(samples);
      expect(await s.listHealthSamples(2)).toEqual(samples.slice(1));
    });
  });
}
