/**
 * vitest global setup: tells every test file where PostgreSQL is (PPU_TEST_PG_URL, a scratch cluster
 * started on first use, or why there is none) and stops that cluster when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { finishSharedPostgres, prepareSharedPostgres, removeAbandonedRuns } from './shared-postgres';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await removeAbandonedRuns();
  const shared = prepareSharedPostgres(process.env);
  project.provide('ppuTestPostgres', shared);
  return () => finishSharedPostgres(shared);
}
