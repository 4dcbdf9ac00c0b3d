/** The switch store on a real SQLite file: migrating an old database, prefix search, duplicates. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuplicateIdError, LATEST_VERSION, migrate, openStore } from './index';

const dir = mkdtempSync(join(tmpdir(), 'switch-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('switch store', () => {
  it('opens a version-1 database (contract table only) and migrates it, keeping its meters', () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    migrate(old, 1);
    old.prepare("INSERT INTO meters (meter_id, utility_id, rebroadcast_flag, preferred_provider_id, created_at) VALUES ('01234567890', NULL, 1, NULL, 'T')").run();
    old.close();
    const store = openStore(file);
    expect(Number(store.db.pragma('user_version', { simple: true }))).toBe(LATEST_VERSION);
    expect(store.getMeter('01234567890')).toMatchObject({ meterId: '01234567890', rebroadcastFlag: true, utilityId: null });
    expect(store.listAdvices()).toEqual([]);
    store.close();
  });

  it('migrates a version-3 database to parking advices: its advices and health alerts kept, a parked advice and its alert stored', () => {
    const file = join(dir, 'v3.db');
    const old = new Database(file);
    migrate(old, 3);
    old.prepare("INSERT INTO advices VALUES ('a1', 'p1', 'confirmation', 'confirmation', 'P04', '{}', 2, 'HTTP 404', '2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z', 'PENDING', 1)").run();
    old.prepare("INSERT INTO alerts (at, provider_id, from_health, to_health, message) VALUES ('T', 'P04', 'UP', 'DOWN', 'P04 is DOWN')").run();
    old.close();
    const store = openStore(file);
    expect(store.pendingAdviceHeads().map((a) => [a.id, a.attempts, a.lastError])).toEqual([['a1', 2, 'HTTP 404']]);
    store.parkAdvice({ id: 'a1', attempts: 3, lastError: 'HTTP 404', nextAttemptAt: 'T2', status: 'NEEDS_RECONCILIATION' }, { at: 'T2', providerId: 'P04', adviceId: 'a1', message: 'reconcile a1' });
    expect(store.pendingAdviceHeads()).toEqual([]);
    expect(store.listAdvices(10, 'NEEDS_RECONCILIATION').map((a) => a.id)).toEqual(['a1']);
    expect(store.countAdvices('NEEDS_RECONCILIATION')).toBe(1);
    expect(store.listAlerts()).toEqual([
      { kind: 'ADVICE_NEEDS_RECONCILIATION', at: 'T2', providerId: 'P04', adviceId: 'a1', message: 'reconcile a1' },
      { kind: 'HEALTH', at: 'T', providerId: 'P04', from: 'UP', to: 'DOWN', message: 'P04 is DOWN' },
    ]);
    store.close();
  });

  it('finds meters by prefix in key order and refuses a reused transaction id', () => {
    const store = openStore(join(dir, 'new.db'));
    store.insertMeters(['0123', '0124', '0130', '1000', '012'].map((meterId) => ({ meterId, utilityId: null })), 'T');
    expect(store.searchMeters('012', 10).map((m) => m.meterId)).toEqual(['012', '0123', '0124']);
    expect(store.searchMeters('', 2).map((m) => m.meterId)).toEqual(['012', '0123']);
    const tx = { id: 'x', type: 'LOOKUP' as const, meterId: '0123', providerId: null, status: 'UNKNOWN' as const, amount: null, startedAt: 'T', purchaseId: null, request: {} };
    store.insertTransaction(tx);
    expect(() => store.insertTransaction(tx)).toThrow(DuplicateIdError);
    store.close();
  });

  it("writes a purchase and its provider with synchronous=FULL (they must survive a power cut) and goes back to NORMAL for the rest", () => {
    const store = openStore(join(dir, 'durable.db'));
    const seen: string[] = [];
    const pragma = store.db.pragma.bind(store.db);
    store.db.pragma = ((source: string, options?: { simple?: boolean }) => {
      if (source.startsWith('synchronous')) seen.push(source);
      return pragma(source, options);
    }) as typeof store.db.pragma;
    const sync = () => Number(pragma('synchronous', { simple: true }));
    store.insertTransaction({ id: 'p1', type: 'PURCHASE', meterId: '01234567890', providerId: 'P01', status: 'UNKNOWN', amount: 5000, startedAt: 'T', purchaseId: null, request: {} });
    store.setTransactionProvider('p1', 'P02');
    expect(seen).toEqual(['synchronous = FULL', 'synchronous = NORMAL', 'synchronous = FULL', 'synchronous = NORMAL']);
    expect(sync()).toBe(1); // NORMAL for everything else
    expect(store.getTransaction('p1')).toMatchObject({ providerId: 'P02' });
    store.close();
  });

  it('a late last-response time never puts back a support status that changed meanwhile, and reads see every write', () => {
    const file = join(dir, 'support.db');
    const store = openStore(file);
    const at = (s: number) => `2026-01-01T00:00:0${s}.000Z`;
    store.saveMeter({ meterId: '0555', utilityId: null, rebroadcastFlag: false, preferredProviderId: null, support: [{ providerId: 'A', status: 'SUPPORTED', lastResponseAt: at(1) }] }, 'T');
    expect(store.getMeter('0555')?.support).toEqual([{ providerId: 'A', status: 'SUPPORTED', lastResponseAt: at(1) }]);
    store.setSupport('0555', { providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(3) });
    store.touchSupport('0555', 'A', at(2)); // an answer from before the refusal, written late
    expect(store.getMeter('0555')?.support).toEqual([{ providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(3) }]);
    store.touchSupport('0555', 'A', at(4));
    expect(store.getMeter('0555')?.support).toEqual([{ providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(4) }]);
    store.close();
    // What was read through the store's cache is what the file holds.
    const reopened = openStore(file);
    expect(reopened.getMeter('0555')?.support).toEqual([{ providerId: 'A', status: 'NOT_SUPPORTED', lastResponseAt: at(4) }]);
    reopened.close();
  });
});
