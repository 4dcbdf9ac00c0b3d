/**
 * The PostgreSQL the tests stand on: the run's shared server gives each file its own database over a
 * real connection, with durable commits; a scratch cluster listens on loopback only, wants its
 * password, keeps a committed row through a crash of the server, and leaves nothing behind when stopped.
 */
import { existsSync } from 'node:fs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, findPostgresBinaries, startScratchPostgres, withClient, type ScratchPostgres } from './postgres';
import { describeWithPostgres } from './postgres-for-tests';

const query = <T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> =>
  withClient(url, async (c) => (await c.query<T>(sql, params)).rows);

describeWithPostgres("the run's shared PostgreSQL", (serverUrl) => {
  it('gives a test file its own database, queried over a real connection, and drops it', async () => {
    const db = await createTestDatabase(serverUrl);
    await query(db.url, 'CREATE TABLE sale (id uuid PRIMARY KEY, cents bigint NOT NULL)');
    await query(db.url, 'INSERT INTO sale VALUES ($1, $2)', ['0b9f8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e', 2500]);
    expect(await query(db.url, 'SELECT cents::int AS cents, current_database() AS name FROM sale')).toEqual([{ cents: 2500, name: db.name }]);
    const other = await createTestDatabase(serverUrl);
    expect(other.name).not.toBe(db.name);
    await other.drop();
    await db.drop();
    expect(await query(serverUrl, 'SELECT datname FROM pg_database WHERE datname = ANY($1)', [[db.name, other.name]])).toEqual([]);
  });

  it('commits durably: fsync and synchronous commit are on', async () => {
    expect(await query(serverUrl, "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync")).toEqual([{ fsync: 'on', sync: 'on' }]);
  });
});

const binaries = findPostgresBinaries();
if ('missing' in binaries) console.warn(`postgres.test.ts: scratch cluster tests skipped: ${binaries.missing}`);
describe.skipIf('missing' in binaries)('a scratch PostgreSQL cluster of its own', () => {
  let cluster: ScratchPostgres;
  beforeAll(async () => {
    cluster = await startScratchPostgres();
  });
  afterAll(async () => cluster?.stop());

  it('listens on loopback only and refuses a wrong password', async () => {
    expect(await query(cluster.url, "SELECT current_setting('listen_addresses') AS listen")).toEqual([{ listen: '127.0.0.1' }]);
    const wrong = new URL(cluster.url);
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('keeps a committed row when the server crashes (stop -m immediate) and starts again', async () => {
    await query(cluster.url, 'CREATE TABLE advice (id uuid PRIMARY KEY)');
    await query(cluster.url, 'INSERT INTO advice VALUES ($1)', ['7d3e2a10-5b6c-4d7e-8f90-a1b2c3d4e5f6']);
    await cluster.crashAndRestart();
    expect(await query(cluster.url, 'SELECT id FROM advice')).toEqual([{ id: '7d3e2a10-5b6c-4d7e-8f90-a1b2c3d4e5f6' }]);
  });

  it('stops the server and deletes its dir', async () => {
    const scratch = await startScratchPostgres();
    await scratch.stop();
    expect(existsSync(scratch.dir)).toBe(false);
    await expect(query(scratch.url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
