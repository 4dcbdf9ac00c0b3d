/** The switch's SQLite store on a real file: migrating old databases, prefix search, duplicates, group-committed durable writes. */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

  it('a purchase and its provider resolve only after an fdatasync of the WAL begun after their commit, one shared by a burst', async () => {
    const file = join(dir, 'durable.db');
    const store = openSqliteStore(file);
    const probe = await open(file, 'r');
    const handleProto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const events: string[] = [];
    const realSync = handleProto.datasync;
    const spy = vi.spyOn(handleProto, 'datasync').mockImplementation(async function (this: unknown) {
      events.push('fsync-start');
      await realSync.call(this);
      events.push('fsync-end');
    });
    try {
      const writes = Array.from({ length: 50 }, (_, i) => store.insertTransaction(purchase(`p${i}`)).then(() => events.push(`p${i} durable`)));
      await Promise.all(writes);
      // Every purchase waited for an fsync that ended after it was committed (all committed before the first began).
      expect(events.indexOf('p0 durable')).toBeGreaterThan(events.indexOf('fsync-end'));
      // Fifty purchases arriving together cost one or two fsyncs, not fifty.
      const fsyncs = events.filter((e) => e === 'fsync-start').length;
      expect(fsyncs).toBeGreaterThanOrEqual(1);
      expect(fsyncs).toBeLessThanOrEqual(2);
      events.length = 0;
      await store.setTransactionProvider('p1', 'P02');
      expect(events).toEqual(['fsync-start', 'fsync-end']);
      events.length = 0;
      // Everything else is a plain commit: no fsync waited for.
      await store.finishTransaction('p1', { providerId: 'P02', status: 'SUCCESSFUL', errorType: null, ms: 1, responseStatus: 201, responseBody: {}, final: true });
      expect(events).toEqual([]);
    } finally {
      spy.mockRestore();
    }
    expect(Number(store.db.pragma('synchronous', { simple: true }))).toBe(1); // NORMAL: the event loop never waits for a disk
    expect(await store.getTransaction('p1')).toMatchObject({ providerId: 'P02', status: 'SUCCESSFUL' });
    await store.close();
  });

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
    store.db.pragma('wal_autocheckpoint = 0');
    const wal = () => statSync(`${file}-wal`).size;
    const answer = JSON.stringify({ tokens: [{ stsCipher: '1234'.repeat(5) }], slipData: { lines: Array.from({ length: 30 }, (_, i) => `line ${i}`.padEnd(42, '.')) } });
    const before = wal();
    const n = 100;
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
    const row = 'r'.repeat(2_000);
    let written = 0;
    let largest = 0;
    const until = performance.now() + 3_000;
    while (performance.now() < until) {
      // A write every turn of the event loop, as a busy switch makes them: never a quiet moment.
      const id = randomUUID();
      await store.insertTransaction({ ...purchase(id), request: row }, { durable: false });
      written += row.length;
      largest = Math.max(largest, walSize());
      await new Promise((r) => setImmediate(r));
    }
    const rows = (await store.listTransactions({ limit: 1000 })).length;
    await store.close();
    expect(rows).toBe(1000);
    expect(written).toBeGreaterThan(8_000_000);
    // Without the restart the WAL holds every frame written: more than the rows themselves.
    expect(largest).toBeLessThan(written / 2);
  });

  it('closes promptly while its checkpointer keeps asking to hold the writes (a request crossing the stop once hung close for ever)', async () => {
    for (let round = 0; round < 25; round++) {
      const file = join(dir, `closing-${round}.db`);
      // A checkpoint every millisecond with a tiny WAL: a hold is asked for nearly all the time.
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
