/**
 * What a test file uses to reach PostgreSQL: `postgresForTests()` gives the shared server's URL (starting
 * the run's scratch cluster on first use) or why there is none; `describeWithPostgres` runs a suite
 * against it, or skips it with that reason printed — and fails instead of skipping under CI, where
 * .ci/run installs PostgreSQL. A test file:
 *
 *   describeWithPostgres('the store on PostgreSQL', (serverUrl) => {
 *     let db: TestDatabase;
 *     beforeAll(async () => (db = await createTestDatabase(serverUrl)));
 *     afterAll(() => db?.drop());
 *     it('…', async () => { … db.url … });
 *   });
 */
import { describe, inject, it } from 'vitest';
import { sharedServerUrl, type SharedPostgres } from './shared-postgres';

export type TestPostgres = { url: string } | { url: null; reason: string };

/** The server's URL (a superuser or a CREATEDB user on its maintenance database), or why there is none. */
export async function postgresForTests(): Promise<TestPostgres> {
  const shared: SharedPostgres | undefined = inject('ppuTestPostgres');
  if (!shared) return { url: null, reason: 'vitest ran without test-support/postgres-global-setup.ts (see vitest.config.ts)' };
  switch (shared.kind) {
    case 'given':
      return { url: shared.url };
    case 'lazy':
      return { url: await sharedServerUrl(shared.runDir) };
    case 'unavailable':
      return { url: null, reason: shared.reason };
  }
}

/**
 * A suite that needs PostgreSQL: `body` gets the server URL (make a database per file with
 * createTestDatabase). Without PostgreSQL the suite shows one skipped test naming the reason.
 */
export function describeWithPostgres(name: string, body: (serverUrl: string) => void): void {
  describe(name, async () => {
    const pg = await postgresForTests();
    if (pg.url !== null) return body(pg.url);
    if (process.env.CI) throw new Error(`PostgreSQL tests cannot run: ${pg.reason}`);
    console.warn(`"${name}" skipped: ${pg.reason}`);
    it.skip(`needs PostgreSQL: ${pg.reason}`, () => undefined);
  });
}
