/** The store contract (store-contract.ts) on the SQLite engine, each test on a fresh file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from './sqlite-store';
import { storeContract } from './store-contract';

const dir = mkdtempSync(join(tmpdir(), 'switch-store-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
storeContract('sqlite', async () => openSqliteStore(join(dir, `store-${++files}.db`)));
