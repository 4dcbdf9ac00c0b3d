/** The switch's SQLite store on a real file: migrating old databases, prefix search, duplicates, the writer thread's group-committed durable writes. */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuplicateIdError, LATEST_VERSION, migrate, newerSchemaMessage, openSqliteStore, type NewTransaction } from './index';

const dir = mkdtempSync(join(tmpdir(), 'switch-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const purchase = (id: string): NewTransaction => ({ id, type: 'PURCHASE', meterId: '01234567890', providerId: 'P01', status: 'UNKNOWN', amount: 5000, startedAt: 'T', purchaseId: null, request: {} });

describe('switch store (SQLite)', () => {
  it('opens a version-1 database (contract table only) and migrates it, keeping its meters', async () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    migrate(old, 1);
    old.prepare("INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at) VALUES ('01234567890', NULL, 1, NULL, 'T')").run();
    old.close();
    const store = openSqliteStore(file);
    expect(Number(store.db.pragma('user_version', { simple: true }))).toBe(LATEST_VERSION);
    expect(await store.getMeter('01234567890')).toMatchObject({ meterId: '01234567890', rebroadcastFlag: true, utilityId: null });
    expect(await store.listAdvices()).toEqual([]);
    await store.close();
  });

  it('refuses a database a newer switch has migrated, with the message the PostgreSQL store gives, and leaves it as it was', async () => {
    const file = join(dir, 'future.db');
    const future = new Database(file);
    migrate(future);
    future.pragma(`user_version = ${LATEST_VERSION + 1}`);
    future.close();
    expect(() => openSqliteStore(file)).toThrow(newerSchemaMessage(LATEST_VERSION + 1));
    const after = new Database(file);
    expect(Number(after.pragma('user_version', { simple: true }))).toBe(LATEST_VERSION + 1);
    after.close();
  });

  it('migrates a version-3 database to parking advices: its advices and health alerts kept, a parked advice and its alert stored', async () => {
    const file = join(dir, 'v3.db');
    const old = new Database(file);
    migrate(old, 3);
    old.prepare("INSERT INTO advices VALUES ('a1', 'p1', 'confirmation', 'confirmation', 'P04', '{}', 2, 'HTTP 404', '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z', 'PENDING', 1)").run();
    old.prepare("INSERT INTO alerts (at, provider_id, from_health, to_health, message) VALUES ('T', 'P04', 'UP', 'DOWN', 'P04 is DOWN')").run();
    old.close();
    const store = openSqliteStore(file);
    expect((await store.pendingAdviceHeads()).map((a) => [a.id, a.attempts, a.lastError])).toEqual([['a1', 2, 'HTTP 404']]);
    await store.parkAdvice({ id: 'a1', attempts: 3, lastError: 'HTTP 404', nextAttemptAt: 'T2', status: 'NEEDS_RECONCILIATION' }, { at: 'T2', providerId: 'P04', adviceId: 'a1', message: 'reconcile a1' });
    expect(await store.pendingAdviceHeads()).toEqual([]);
    expect((await store.listAdvices(10, 'NEEDS_RECONCILIATION')).map((a) => a.id)).toEqual(['a1']);
    expect(await store.countAdvices('NEEDS_RECONCILIATION')).toBe(1);
    expect(await store.listAlerts()).toEqual([
      { kind: 'ADVICE_NEEDS_RECONCILIATION', at: 'T2', providerId: 'P04', adviceId: 'a1', message: 'reconcile a1' },
      { kind: 'HEALTH', at: 'T', providerId: 'P04', from: 'UP', to: 'DOWN', message: 'P04 is DOWN' },
    ]);
    await store.close();
  });

  it('finds meters by prefix in key order and refuses a reused transaction id', async () => {
    const store = openSqliteStore(join(dir, 'new.db'));
    await store.insertMeters(['0123', '0124', '0130', '1000', '012'].map((meterId) => ({ meterId, utilityId: null })), 'T');
    expect((await store.searchMeters('012', 10)).map((m) => m.meterId)).toEqual(['012', '0123', '0124']);
    expect((await store.searchMeters('', 2)).map((m) => m.meterId)).toEqual(['012', '0123']);
    const tx = { ...purchase('x'), type: 'LOOKUP' as const };
    await store.insertTransaction(tx);
    await expect(store.insertTransaction(tx)).rejects.toThrow(DuplicateIdError);
    await store.close();
  });

  it('a purchase and its provider resolve only after an fdatasync of the WAL, one shared by a burst, and the event loop never waits for a commit', async () => {
    const file = join(dir, 'durable.db');
    const store = openSqliteStore(file);
    await store.setMeta('warm', 'writer thread started');
    const before = store.durableSyncs();
    // Fifty purchases arriving together: one group on the writer thread, one commit, one fsync.
    const writes = Array.from({ length: 50 }, (_, i) => store.insertTransaction(purchase(`p${i}`)).then(() => store.durableSyncs()));
    // Posted, not written: nothing ran on this thread, so the file has none of them yet.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM transactions').get()).toEqual({ n: 0 });
    const syncsSeen = await Promise.all(writes);
    // Every purchase resolved only once a sync had ended after it was committed.
    expect(Math.min(...syncsSeen)).toBeGreaterThan(before);
    expect(store.durableSyncs() - before).toBe(1);
    // And every later read on this thread sees them (read-your-writes after the acknowledgement).
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM transactions').get()).toEqual({ n: 50 });
    await store.setTransactionProvider('p1', 'P02');
    expect(store.durableSyncs() - before).toBe(2);
    // Everything else is a plain commit: no fsync waited for.
    await store.finishTransaction('p1', { providerId: 'P02', status: 'SUCCESSFUL', errorType: null, ms: 1, responseStatus: 201, responseBody: {}, final: true });
    await store.insertTransaction({ ...purchase('lookup'), type: 'LOOKUP' }, { durable: false });
    expect(store.durableSyncs() - before).toBe(2);
    expect(await store.getTransaction('p1')).toMatchObject({ providerId: 'P02', status: 'SUCCESSFUL' });
    await store.close();
  });

  it('a refused write fails alone, with the error the caller had when writes ran on its thread, and the store writes on', async () => {
    const file = join(dir, 'refused.db');
    const store = openSqliteStore(file);
    await store.insertTransaction(purchase('taken'));
    // Three writes in one group: the middle one reuses an id.
    const results = await Promise.allSettled([store.insertTransaction(purchase('a')), store.insertTransaction(purchase('taken')), store.insertTransaction(purchase('b'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateIdError);
    // A write SQLite refuses for another reason keeps SQLite's own error and code.
    const other = await store.setMeta('k', null as unknown as string).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(Database.SqliteError);
    expect((other as { code: string }).code).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect((await store.listTransactions({})).map((t) => t.id).sort()).toEqual(['a', 'b', 'taken']);
    await store.close();
  });

  it('a write that finds the file locked by another process past the busy timeout is refused with SQLITE_BUSY, and the store writes on once it is free', async () => {
    const file = join(dir, 'busy.db');
    const store = openSqliteStore(file);
    await store.insertTransaction(purchase('before'));
    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const refused = await store.insertTransaction(purchase('while-locked')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Database.SqliteError);
      expect((refused as { code: string }).code).toBe('SQLITE_BUSY');
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    await store.insertTransaction(purchase('after'));
    expect((await store.listTransactions({})).map((t) => t.id).sort()).toEqual(['after', 'before']);
    await store.close();
  }, 30_000);

  it('a late last-response time never puts back a support status that changed meanwhile, and reads see every write', async () => {
    const file = join(dir, 'support.db');
    const store = openSqliteStore(file);
    const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
    const touch = (t: string) => store.writeBatch({ traces: [], refs: [], finishedRows: [], outcomes: [], touches: [{ meterId: '0555', providerId: 'A', at: t }] });
    await store.saveMeter({ meterId: '0555', utilityId: null, rebroadcastFlag: false, preferredProviderId: null, support: [{ providerId: 'A', status: 'SUPPORTED', lastResponseAt: at(1) }] }, 'T');
    expect((await store.getMeter('0555'))?.support).toEqual([{ providerId: 'A', status: 'SUPPORTED', lastResponseAt: at(1) }]);
    await store.setSupport('0555', { providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(3) });
    await touch(at(2)); // an answer from before the refusal, written late
    expect((await store.getMeter('0555'))?.support).toEqual([{ providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(3) }]);
    await touch(at(4));
    expect((await store.getMeter('0555'))?.support).toEqual([{ providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(4) }]);
    await store.close();
    // What was read through the store's cache is what the file holds.
    const reopened = openSqliteStore(file);
    expect((await reopened.getMeter('0555'))?.support).toEqual([{ providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(4) }]);
    await reopened.close();
  });

  it('a purchase writes little into the WAL: its row and its answer take under 16 KB of frames (10.2 KB measured; 28.2 KB with the default 4 KB pages)', async () => {
    const file = join(dir, 'frames.db');
    const store = openSqliteStore(file);
    const wal = () => statSync(`${file}-wal`).size;
    const answer = JSON.stringify({ tokens: [{ stsCipher: '1234'.repeat(5) }], slipData: { lines: Array.from({ length: 30 }, (_, i) => `line ${i}`.padEnd(42, '.')) } });
    await store.setMeta('warm', 'the WAL exists');
    const before = wal();
    // 50 purchases: about 500 frames, under the 1,000 at which SQLite's own checkpoint starts the WAL over.
    const n = 50;
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      await store.insertTransaction({ ...purchase(id), request: { id, meter: { meterId: '01234567890' }, purchaseValue: { amount: 5000 }, pad: 'x'.repeat(400) } }, { durable: false });
      await store.finishTransaction(id, { providerId: 'P01', status: 'SUCCESSFUL', errorType: null, ms: 3, responseStatus: 201, responseBody: null, responseJson: answer, final: true });
    }
    expect((wal() - before) / n / 1024).toBeLessThan(16);
    expect(await store.listTransactions({ status: 'SUCCESSFUL', limit: 1000 })).toHaveLength(n);
    await store.close();
  });

  it('under writes that never pause, the background checkpoint still starts the WAL over: it stays well under what was written', async () => {
    const file = join(dir, 'steady.db');
    const store = openSqliteStore(file, { backgroundCheckpointMs: 50 });
    const walSize = () => statSync(`${file}-wal`).size;
    // The WAL header's checkpoint sequence number (bytes 12–15): SQLite adds one each time it starts the WAL over.
    const restarts = () => readFileSync(`${file}-wal`).subarray(0, 16).readUInt32BE(12);
    const row = 'r'.repeat(2_000);
    const n = 6_000;
    let largest = 0;
    for (let i = 0; i < n; i++) {
      // A write every turn of the event loop, as a busy switch makes them: never a quiet moment.
      await store.insertTransaction({ ...purchase(randomUUID()), request: row }, { durable: false });
      largest = Math.max(largest, walSize());
      await new Promise((r) => setImmediate(r));
    }
    const restarted = restarts();
    const rows = (await store.listTransactions({ limit: 1000 })).length;
    await store.close();
    expect(rows).toBe(1000);
    // Without the restarts the WAL would hold every frame written: 9.9 KB for each 2 KB row committed
    // alone (its pages and its indexes'), 60 MB here. It started over again and again instead (10–19
    // times measured on a quiet machine; twice before the checkpointer runs) and stayed under half of
    // that. More than those two shows the checkpointer's; how many more depends on the CPU it gets (a
    // loaded machine gave fewer than six once), so the bound on size is the one that matters.
    const withoutRestarts = n * 9_900;
    expect(restarted).toBeGreaterThanOrEqual(3);
    expect(largest).toBeLessThan(withoutRestarts / 2);
  }, 60_000);

  it('closes promptly while its checkpointer keeps asking the writer to finish a checkpoint (a request crossing the stop once hung close for ever)', async () => {
    for (let round = 0; round < 25; round++) {
      const file = join(dir, `closing-${round}.db`);
      // A checkpoint every millisecond with a tiny WAL: the writer is asked to finish one nearly all the time.
      const store = openSqliteStore(file, { backgroundCheckpointMs: 1 });
      for (let i = 0; i < 20 + round; i++) {
        await store.insertTransaction(purchase(randomUUID()), { durable: false });
        await new Promise((r) => setTimeout(r, 1));
      }
      const closed = await Promise.race([store.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still closing after 3 s'), 3_000))]);
      expect(closed, `round ${round}`).toBe('closed');
    }
  });
});
