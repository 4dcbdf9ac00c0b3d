/**
 * The one scratch PostgreSQL cluster a vitest run shares, started lazily: the global setup only makes a
 * run dir and says where it is (vitest's provide/inject); the first test file that asks starts the
 * cluster there, the others (in other workers) wait for its URL, and the global teardown stops it. A
 * run in which no test needs PostgreSQL costs nothing. A run dir whose vitest process is gone (killed
 * run) is cleaned up by the next run.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBinaries, startScratchPostgres, stopScratchPostgres } from './postgres';

/** What the global setup tells test files about PostgreSQL. */
export type SharedPostgres =
  /** PPU_TEST_PG_URL: a server someone runs; its user needs CREATEDB. */
  | { kind: 'given'; url: string }
  /** The binaries are here: the first test that asks starts a cluster in runDir. */
  | { kind: 'lazy'; runDir: string }
  | { kind: 'unavailable'; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    ppuTestPostgres: SharedPostgres;
  }
}

const RUN_PREFIX = 'ppu-test-pg-run-';
const WAIT_FOR_OTHER_STARTER_MS = 90_000;

/** Global setup's decision; a lazy run dir records our pid so a later run can clean up after a killed one. */
export function prepareSharedPostgres(env: NodeJS.ProcessEnv): SharedPostgres {
  const given = env.PPU_TEST_PG_URL?.trim();
  if (given) return { kind: 'given', url: given };
  const found = findPostgresBinaries();
  if ('missing' in found) return { kind: 'unavailable', reason: found.missing };
  const runDir = mkdtempSync(join(tmpdir(), RUN_PREFIX));
  // The postgres user (under root) must pass through to its cluster dir inside; nothing here is listable.
  chmodSync(runDir, 0o711);
  writeFileSync(join(runDir, 'owner-pid'), String(process.pid));
  return { kind: 'lazy', runDir };
}

/** Global teardown: stop the cluster if a test started one, delete the run dir. */
export async function finishSharedPostgres(shared: SharedPostgres): Promise<void> {
  if (shared.kind !== 'lazy') return;
  await stopScratchPostgres(join(shared.runDir, 'cluster'));
  rmSync(shared.runDir, { recursive: true, force: true });
}

/** Run dirs left by a vitest process that no longer exists (killed with its cluster still up). */
export async function removeAbandonedRuns(): Promise<void> {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(RUN_PREFIX))) {
    const runDir = join(tmpdir(), name);
    const owner = Number(readText(join(runDir, 'owner-pid')));
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    try {
      await finishSharedPostgres({ kind: 'lazy', runDir });
    } catch (err) {
      process.stderr.write(`could not clean up an abandoned scratch PostgreSQL in ${runDir}: ${(err as Error).message}\n`);
    }
  }
}

/** The shared server's URL: started here if no other test file has, else the starter's, waited for (bounded). */
export async function sharedServerUrl(runDir: string): Promise<string> {
  const urlFile = join(runDir, 'url');
  const failedFile = join(runDir, 'failed');
  if (claim(join(runDir, 'starting'))) {
    try {
      const cluster = await startScratchPostgres({ dir: join(runDir, 'cluster') });
      writeFileSync(urlFile + '.tmp', cluster.url, { mode: 0o600 });
      renameSync(urlFile + '.tmp', urlFile);
      return cluster.url;
    } catch (err) {
      writeFileSync(failedFile, (err as Error).message);
      throw err;
    }
  }
  const deadline = Date.now() + WAIT_FOR_OTHER_STARTER_MS;
  while (Date.now() < deadline) {
    if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8');
    if (existsSync(failedFile)) throw new Error(readFileSync(failedFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`another test worker began starting the scratch PostgreSQL in ${runDir} and gave no URL within ${WAIT_FOR_OTHER_STARTER_MS / 1000} s`);
}

/** mkdir is atomic: exactly one worker gets to start the cluster. */
function claim(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
