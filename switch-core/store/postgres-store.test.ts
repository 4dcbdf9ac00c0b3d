/**
 * The PostgreSQL store on a real server: the shared store contract, then what only several nodes on
 * one database show — migrating once, cache invalidation by NOTIFY, a reused id refused on every
 * node, advice leases, leadership moving when the leader dies — and a crash of the server itself
 * (on a scratch cluster of its own, so other files' connections are not cut).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, findPostgresBinaries, startScratchPostgres, withClient, type ScratchPostgres, type TestDatabase } from '../../test-support/postgres';
import { describeWithPostgres } from '../../test-support/postgres-for-tests';
import { LATEST_VERSION, newerSchemaMessage } from './migrations';
import { openPostgresStore, type PostgresSwitchStore } from './postgres-store';
import { at, newAdvice, newTx, storeContract } from './store-contract';
import { DuplicateIdError, type StoreChange } from './switch-store';

/** Polls until `check` holds (another node's NOTIFY arrives asynchronously); fails after `ms`. */
async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeWithPostgres('postgres store', (serverUrl) => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((d) => d.drop()));
  });
  const newDatabase = async (): Promise<string> => {
    const db = await createTestDatabase(serverUrl);
    databases.push(db);
    return db.url;
  };

  storeContract('postgres', async () => openPostgresStore(await newDatabase(), { poolSize: 4 }));

  describe('several nodes on one database', () => {
    const stores: PostgresSwitchStore[] = [];
    const node = async (url: string, nodeId?: string) => {
      const s = await openPostgresStore(url, { poolSize: 4, nodeId });
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
    });

    it('migrates once when two nodes start together, and refuses a database newer than it knows', async () => {
      const url = await newDatabase();
      const [a, b] = await Promise.all([node(url), node(url)]);
      await a.insertTransaction(newTx('t1'));
      expect(await b.hasTransaction('t1')).toBe(true);
      const versions = await withClient(url, async (c) => (await c.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).rows.map((r) => r.version));
      expect(versions).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));

      await withClient(url, (c) => c.query("INSERT INTO schema_version (version, name) VALUES ($1, 'from-the-future')", [LATEST_VERSION + 1]));
      await expect(openPostgresStore(url)).rejects.toThrow(newerSchemaMessage(LATEST_VERSION + 1));
    });

    it("a node's own response-time writes move the meter it has cached as they move the row: forward only, never over a newer status", async () => {
      const url = await newDatabase();
      const a = await node(url, 'A');
      const touch = (t: string) => a.writeBatch({ traces: [], refs: [], finishedRows: [], outcomes: [], touches: [{ meterId: 'm2', providerId: 'P01', at: t }] });
      const support = async () => (await a.getMeter('m2'))?.support;
      await a.saveMeter({ meterId: 'm2', utilityId: null, rebroadcastFlag: false, preferredProviderId: null, support: [{ providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(1) }] }, at(0));
      await a.setSupport('m2', { providerId: 'P01', status: 'NOT_SUPPORTED', lastResponseAt: at(3) });
      expect(await support()).toEqual([{ providerId: 'P01', status: 'NOT_SUPPORTED', lastResponseAt: at(3) }]); // cached now
      await touch(at(2)); // an answer from before the refusal, written late
      expect(await support()).toEqual([{ providerId: 'P01', status: 'NOT_SUPPORTED', lastResponseAt: at(3) }]);
      await touch(at(4));
      expect(await support()).toEqual([{ providerId: 'P01', status: 'NOT_SUPPORTED', lastResponseAt: at(4) }]);
      // What the cache says is what the database holds.
      const fresh = await node(url, 'C');
      expect((await fresh.getMeter('m2'))?.support).toEqual(await support());
    });

    it('reads BIGINT amounts as numbers without changing pg for anyone else in the process', async () => {
      const s = await node(await newDatabase());
      await s.insertTransaction(newTx('big', { amount: 2 ** 45 + 1 }));
      const tx = await s.getTransaction('big');
      expect(tx?.amount).toBe(2 ** 45 + 1);
      expect(pg.types.getTypeParser(pg.types.builtins.INT8)('7')).toBe('7');
    });

    it("drops a meter another node changed from its cache (NOTIFY) and tells its listeners, also for routing lists", async () => {
      const url = await newDatabase();
      const a = await node(url, 'A');
      const b = await node(url, 'B');
      const seenByA: StoreChange[] = [];
      a.onChange((c) => seenByA.push(c));
      const row = { meterId: 'm1', utilityId: null, rebroadcastFlag: false, preferredProviderId: null };
      await b.saveMeter({ ...row, support: [{ providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(1) }] }, at(0));
      await eventually(() => seenByA.length > 0, 'A told of m1');
      expect((await a.getMeter('m1'))?.support[0]?.status).toBe('SUPPORTED'); // cached on A now
      await b.setSupport('m1', { providerId: 'P01', status: 'NOT_SUPPORTED', lastResponseAt: at(2) });
      await eventually(async () => (await a.getMeter('m1'))?.support[0]?.status === 'NOT_SUPPORTED', 'A sees B’s refusal');
      await b.writeBatch({ traces: [], refs: [], finishedRows: [], outcomes: [], touches: [{ meterId: 'm1', providerId: 'P01', at: at(3) }] });
      await eventually(async () => (await a.getMeter('m1'))?.support[0]?.lastResponseAt === at(3), 'A sees B’s newer response time');
      await b.upsertUtility({ id: 'U1', name: 'Alpha', utilityType: 'WATER', ranked: [], excluded: [] });
      await b.setProviderWeight('P01', 2);
      await eventually(() => seenByA.some((c) => c.kind === 'providers'), 'A told of providers');
      expect(seenByA).toContainEqual({ kind: 'meter', meterId: 'm1' });
      expect(seenByA).toContainEqual({ kind: 'utilities' });
      // A's own writes are not news to A.
      const before = seenByA.length;
      await a.saveMeter({ ...row, support: [] }, at(4));
      await b.setMeta('x', 'y'); // a write after A's, so A's own notice would have arrived by the next one
      await b.setProviderWeight('P01', 3);
      await eventually(() => seenByA.length > before, 'A told of B’s weight');
      expect(seenByA.slice(before)).toEqual([{ kind: 'providers' }]);
    });

    it('listens again after losing its connection, and forgets the meters it may have missed news of', async () => {
      const url = await newDatabase();
      const a = await node(url, 'A');
      const b = await node(url, 'B');
      const row = { meterId: 'm1', utilityId: null, rebroadcastFlag: false, preferredProviderId: null };
      const seenByA: StoreChange[] = [];
      a.onChange((c) => seenByA.push(c));
      await b.saveMeter({ ...row, support: [{ providerId: 'P01', status: 'SUPPORTED', lastResponseAt: at(1) }] }, at(0));
      await eventually(() => seenByA.length > 0, 'A told of m1');
      expect((await a.getMeter('m1'))?.support[0]?.status).toBe('SUPPORTED');
      // A change nobody announces is not seen through A's cache: the cache is in use.
      const refuse = (status: string) => withClient(url, (c) => c.query('UPDATE meter_support SET status = $1 WHERE meter_id = $2', [status, 'm1']));
      await refuse('UNCONFIRMED');
      expect((await a.getMeter('m1'))?.support[0]?.status).toBe('SUPPORTED');
      // Cut A's LISTEN session (as a network drop or a server restart would), then change m1 while A is deaf.
      const cut = await withClient(url, async (c) =>
        (await c.query<{ n: number }>("SELECT count(pg_terminate_backend(pid, 5000))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'")).rows[0]!.n,
      );
      expect(cut).toBe(2); // A's and B's listeners
      await refuse('NOT_SUPPORTED');
      seenByA.length = 0;
      // Once A listens again it hears B's next change...
      await eventually(async () => {
        await b.setProviderWeight('P01', Math.random());
        await new Promise((r) => setTimeout(r, 50));
        return seenByA.some((c) => c.kind === 'providers');
      }, 'A listens again', 15_000);
      // ...and the change it could not hear of is not served from its cache.
      expect((await a.getMeter('m1'))?.support[0]?.status).toBe('NOT_SUPPORTED');
    });

    it('refuses a transaction id on every node: the same id sent to two nodes at once is stored once', async () => {
      const url = await newDatabase();
      const a = await node(url);
      const b = await node(url);
      for (let i = 0; i < 10; i++) {
        const tx = newTx(`race-${i}`);
        const results = await Promise.allSettled([a.insertTransaction(tx), b.insertTransaction(tx, { durable: i % 2 === 0 })]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const refused = results.find((r) => r.status === 'rejected');
        expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(DuplicateIdError);
      }
      // Many at once: each node sends its rows as one statement, and every id is still stored once.
      const many = Array.from({ length: 20 }, (_, i) => newTx(`many-${i}`));
      const results = await Promise.allSettled([...many.map((tx) => a.insertTransaction(tx)), ...many.map((tx) => b.insertTransaction(tx))]);
      for (let i = 0; i < many.length; i++) {
        expect([results[i]!.status, results[i + many.length]!.status].sort()).toEqual(['fulfilled', 'rejected']);
      }
      expect(await a.listTransactions({ limit: 100 })).toHaveLength(30);
    });

    it('writes batches from two nodes touching the same meters at once without deadlocking, keeping each newest response time', async () => {
      const url = await newDatabase();
      const a = await node(url, 'A');
      const b = await node(url, 'B');
      const meters = Array.from({ length: 20 }, (_, i) => `m${i}`);
      const providers = ['P1', 'P2', 'P3'];
      await a.insertMeters(meters.map((meterId) => ({ meterId, utilityId: null, support: providers.map((providerId) => ({ providerId, status: 'SUPPORTED' as const, lastResponseAt: null })) })), at(0));
      const rows = meters.flatMap((meterId) => providers.map((providerId) => ({ meterId, providerId })));
      // 40 writers, each batch a different slice of the rows in a different order, as lookups' touches come.
      const writers = Array.from({ length: 40 }, async (_, w) => {
        for (let i = 1; i <= 30; i++) {
          const start = (w * 7 + i * 13) % rows.length;
          const slice = [...rows, ...rows].slice(start, start + 24);
          const touches = (w % 2 ? slice.reverse() : slice).map((r) => ({ ...r, at: at(i * 100 + w) }));
          await (w % 2 ? a : b).writeBatch({ traces: [], refs: [], finishedRows: [], outcomes: [], touches });
        }
      });
      const results = await Promise.allSettled(writers);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      for (const meterId of meters) {
        const times = (await b.getMeter(meterId))?.support.map((s) => s.lastResponseAt) ?? [];
        expect(times.every((t) => t !== null && t >= at(2900))).toBe(true); // each row's newest time, from the last rounds
      }
      // Not one deadlock on the server (the store would retry one, a second at a time): sessions report at their end.
      await Promise.all([a.close(), b.close()]);
      const deadlocks = await withClient(url, async (c) => (await c.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]?.n);
      expect(deadlocks).toBe('0');
    });

    it('leases an advice to one node at a time, even when both claim at once, and hands it over when the lease runs out', async () => {
      const url = await newDatabase();
      const a = await node(url, 'A');
      const b = await node(url, 'B');
      expect(await a.insertAdvice(newAdvice('adv', 1))).toBe(true);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimAdvice('adv', i % 2 ? 'A' : 'B', at(10), at(40))));
      expect(claims.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      const winner = claims.findIndex(Boolean) % 2 ? 'A' : 'B';
      // Every successful claim was by the same owner (a holder may renew its own lease).
      claims.forEach((ok, i) => ok && expect(i % 2 ? 'A' : 'B').toBe(winner));
      const [holder, other, otherId] = winner === 'A' ? [a, b, 'B'] : [b, a, 'A'];
      expect(await other.claimAdvice('adv', otherId, at(39), at(70))).toBe(false);
      expect(await other.claimAdvice('adv', otherId, at(41), at(70))).toBe(true); // the holder "died"; its lease ran out
      expect(await holder.claimAdvice('adv', winner, at(42), at(72))).toBe(false);
    });

    it('lets exactly one node lead, and another take over when the leader closes or its session dies', async () => {
      const url = await newDatabase();
      const a = await node(url, 'A');
      const b = await node(url, 'B');
      const c = await node(url, 'C');
      expect([await a.tryLead(), await b.tryLead(), await c.tryLead()]).toEqual([true, false, false]);
      expect(await a.tryLead()).toBe(true);
      expect(await b.tryLead()).toBe(false);
      await a.close();
      expect(await b.tryLead()).toBe(true);
      expect(await c.tryLead()).toBe(false);
      // B's process "dies": its session is ended from outside (as the server does when its TCP peer is gone).
      await withClient(url, (x) => x.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $1", [0x70707532]));
      expect(await c.tryLead()).toBe(true);
      expect(await b.tryLead()).toBe(false);
      expect(await c.tryLead()).toBe(true);
    });
  });

  describe.skipIf('missing' in findPostgresBinaries())('a crash of the database server', () => {
    // Its own cluster: the crashes must not cut other tests' connections.
    let scratch: ScratchPostgres;
    beforeAll(async () => {
      scratch = await startScratchPostgres();
    }, 60_000);
    afterAll(async () => {
      await scratch?.stop();
    });

    it('keeps a purchase and the provider it was routed to once their writes resolve', async () => {
      // The WAL writer flushes async commits every 200 ms; slowed, only a durable commit reaches disk before the crash.
      await withClient(scratch.url, async (c) => {
        await c.query("ALTER SYSTEM SET wal_writer_delay = '10s'");
        await c.query('SELECT pg_reload_conf()');
      });
      const crashThenRead = async (write: (s: PostgresSwitchStore) => Promise<void>, id: string) => {
        const store = await openPostgresStore(scratch.url, { poolSize: 2 });
        await write(store);
        await store.close();
        await scratch.crashAndRestart();
        const after = await openPostgresStore(scratch.url, { poolSize: 2 });
        try {
          return await after.getTransaction(id);
        } finally {
          await after.close();
        }
      };
      expect(await crashThenRead((s) => s.insertTransaction(newTx('sale', { providerId: 'P01' })), 'sale')).toMatchObject({ id: 'sale', providerId: 'P01' });
      // Purchases begun together go as one statement: each is on disk once it resolves.
      const together = ['t1', 't2', 't3'].map((id) => newTx(id, { providerId: 'P03' }));
      expect(await crashThenRead(async (s) => void (await Promise.all(together.map((tx) => s.insertTransaction(tx)))), 't3')).toMatchObject({ id: 't3', providerId: 'P03' });
      // The provider a sale is re-routed to, written last before the crash.
      expect(await crashThenRead((s) => s.setTransactionProvider('sale', 'P02'), 'sale')).toMatchObject({ id: 'sale', providerId: 'P02' });
    }, 120_000);

    it('serves again once the server is back: queries, change notices and one leader', async () => {
      const a = await openPostgresStore(scratch.url, { poolSize: 2, nodeId: 'A' });
      const b = await openPostgresStore(scratch.url, { poolSize: 2, nodeId: 'B' });
      try {
        const seenByA: StoreChange[] = [];
        a.onChange((c) => seenByA.push(c));
        expect(await a.tryLead()).toBe(true);
        await scratch.crashAndRestart();
        await eventually(() => a.insertTransaction(newTx('after-restart')).then(() => true, () => false), 'A writes again', 20_000);
        expect(await b.hasTransaction('after-restart')).toBe(true);
        await eventually(async () => {
          await b.setProviderWeight('P01', Math.random()).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 50));
          return seenByA.some((c) => c.kind === 'providers');
        }, 'A hears B again', 20_000);
        await eventually(async () => (await a.tryLead()) || (await b.tryLead()), 'a node leads again', 20_000);
        expect([await a.tryLead(), await b.tryLead()].filter(Boolean)).toHaveLength(1);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    }, 120_000);
  });
});
