/**
 * A throwaway PostgreSQL 15 cluster for tests, benches and a field tech's trial run: `initdb` into a
 * fresh temp dir, a server on 127.0.0.1 and a free port (its unix socket stays in that dir), fsync on
 * because we measure real commits, password (SCRAM) auth for a superuser `ppu` it creates. PostgreSQL
 * refuses to run as root, so under root the cluster belongs to the `postgres` system user. Also makes
 * a uniquely named database per test file on any server (`createTestDatabase`).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The system user that owns the cluster when we run as root (Debian's postgresql package makes it). */
const SYSTEM_USER = 'postgres';
const SUPERUSER = 'ppu';
const START_TIMEOUT_S = 30;

export interface ScratchPostgres {
  /** postgres://ppu:…@127.0.0.1:PORT/postgres — a superuser on the maintenance database. */
  url: string;
  /** The temp dir holding data/, the socket and server.log; deleted by stop(). */
  dir: string;
  /** Stops the server the way a crash would (`pg_ctl stop -m immediate`, no checkpoint) and starts it again. */
  crashAndRestart(): Promise<void>;
  /** Stops the server (`pg_ctl stop -m fast`) and deletes the dir. */
  stop(): Promise<void>;
}

/** Where initdb, pg_ctl and postgres live, or why they cannot be used here. */
export function findPostgresBinaries(): { binDir: string } | { missing: string } {
  const candidates = [process.env.PPU_PG_BINDIR, '/usr/lib/postgresql/15/bin', ...debianBinDirs(), ...(process.env.PATH ?? '').split(':')];
  for (const dir of candidates) {
    if (dir && ['initdb', 'pg_ctl', 'postgres'].every((b) => isExecutable(join(dir, b)))) return { binDir: dir };
  }
  return { missing: 'PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed: apt-get install -y postgresql, or set PPU_PG_BINDIR' };
}

/** Starts a scratch cluster in `dir` (created; a fresh temp dir by default). Throws a message saying what to do. */
export async function startScratchPostgres(opts: { dir?: string } = {}): Promise<ScratchPostgres> {
  const found = findPostgresBinaries();
  if ('missing' in found) throw new Error(found.missing);
  const asUser = await ownerForCluster();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'ppu-pg-'));
  mkdirSync(dir, { recursive: true });
  const run = runner(found.binDir, asUser, dir);
  try {
    await prepareDir(dir, asUser, run);
    const password = randomBytes(12).toString('hex');
    writeFileSync(join(dir, 'pwfile'), password + '\n', { mode: 0o600 });
    if (asUser) await run.plain('chown', [asUser, join(dir, 'pwfile')]);
    await run.pg('initdb', ['-D', join(dir, 'data'), '-U', SUPERUSER, '--pwfile', join(dir, 'pwfile'), '-E', 'UTF8', '--locale', 'C',
      '--auth-local', 'trust', '--auth-host', 'scram-sha-256',
      // initdb's own files need no fsync for a throwaway cluster; the server's commits do (fsync = on below).
      '--no-sync'], 60_000);
    rmSync(join(dir, 'pwfile'));
    const port = await startOnFreePort(dir, run);
    const url = `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/postgres`;
    await untilConnects(url);
    return {
      url,
      dir,
      crashAndRestart: async () => {
        await run.pg('pg_ctl', ['stop', '-D', join(dir, 'data'), '-m', 'immediate', '-w', '-t', String(START_TIMEOUT_S)], 60_000);
        await pgCtlStart(dir, run);
        await untilConnects(url);
      },
      stop: () => stopScratchPostgres(dir),
    };
  } catch (err) {
    await stopScratchPostgres(dir).catch(() => undefined);
    throw err;
  }
}

/** Stops a scratch cluster's server if it runs and deletes its dir: also from another process than the one that started it. */
export async function stopScratchPostgres(dir: string): Promise<void> {
  const data = join(dir, 'data');
  if (existsSync(join(data, 'postmaster.pid'))) {
    const found = findPostgresBinaries();
    if ('binDir' in found) {
      const run = runner(found.binDir, process.getuid?.() === 0 ? SYSTEM_USER : null, dir);
      await run.pg('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', String(START_TIMEOUT_S)], 60_000).catch(async (err: Error) => {
        // A stale postmaster.pid (the server was killed) is fine to delete; a server still running is not.
        const stillRuns = await run.pg('pg_ctl', ['status', '-D', data], 10_000).then(() => true, () => false);
        if (stillRuns) throw err;
      });
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database named for one test file on the server at `baseUrl` (its user needs CREATEDB). */
export async function createTestDatabase(baseUrl: string): Promise<TestDatabase> {
  const name = `ppu_test_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    // FORCE: a pool a test forgot to end must not keep the database (and the next run's disk) alive.
    drop: () => withClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** One connection for one piece of work, closed after it whatever happens. */
export async function withClient<T>(url: string, use: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Debian installs each major version side by side; prefer the newest when 15 is absent. */
function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

interface Runner {
  /** A PostgreSQL program from the bin dir, as the cluster's owner. */
  pg(program: string, args: string[], timeoutMs: number): Promise<string>;
  /** A system program as ourselves (chown, runuser checks). */
  plain(program: string, args: string[]): Promise<string>;
}

function runner(binDir: string, asUser: string | null, cwd: string): Runner {
  // cwd: the cluster's dir, because the postgres user may not be allowed into ours (initdb checks it).
  const exec = (file: string, args: string[], timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      execFile(file, args, { cwd, timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${[file, ...args].join(' ')} failed: ${(stderr || stdout || err.message).trim()}`));
        else resolve(stdout);
      });
    });
  return {
    pg: (program, args, timeoutMs) =>
      asUser ? exec('runuser', ['-u', asUser, '--', join(binDir, program), ...args], timeoutMs) : exec(join(binDir, program), args, timeoutMs),
    plain: (program, args) => exec(program, args, 30_000),
  };
}

/** null: we are not root and run the cluster ourselves. Under root: the postgres user, made if missing. */
async function ownerForCluster(): Promise<string | null> {
  if (process.getuid?.() !== 0) return null;
  const r = runner('/', null, tmpdir());
  try {
    await r.plain('id', ['-u', SYSTEM_USER]);
  } catch {
    process.stderr.write(`PostgreSQL refuses to run as root and there is no "${SYSTEM_USER}" user: creating it (useradd --system)\n`);
    await r.plain('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SYSTEM_USER]).catch((err: Error) => {
      throw new Error(`PostgreSQL refuses to run as root and the "${SYSTEM_USER}" user could not be created (${err.message}): create it (useradd --system ${SYSTEM_USER}) or run the tests as a normal user`);
    });
  }
  return SYSTEM_USER;
}

async function prepareDir(dir: string, asUser: string | null, run: Runner): Promise<void> {
  mkdirSync(join(dir, 'socket'), { recursive: true });
  if (!asUser) return;
  await run.plain('chown', ['-R', asUser, dir]);
  try {
    await run.plain('runuser', ['-u', asUser, '--', 'test', '-w', dir]);
  } catch {
    throw new Error(`the "${asUser}" user cannot write ${dir} (a parent directory is closed to it): set TMPDIR to a directory it can reach, such as /tmp`);
  }
}

/** A port nobody listens on right now; another process may still take it before the server does (retried). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

async function startOnFreePort(dir: string, run: Runner): Promise<number> {
  const conf = join(dir, 'data', 'postgresql.conf');
  const base = readFileSync(conf, 'utf8');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(conf, base);
    appendFileSync(
      conf,
      [
        '# scratch cluster (test-support/postgres.ts): loopback only, socket in its own dir, durable commits',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${join(dir, 'socket')}'`,
        'fsync = on',
        'synchronous_commit = on',
        'max_connections = 200',
        '',
      ].join('\n'),
    );
    try {
      await pgCtlStart(dir, run);
      return port;
    } catch (err) {
      const portTaken = /could not (bind|create any TCP\/IP sockets)|Address already in use/i.test(serverLog(dir));
      if (!portTaken || attempt >= 3) throw err;
    }
  }
}

async function pgCtlStart(dir: string, run: Runner): Promise<void> {
  try {
    await run.pg('pg_ctl', ['start', '-D', join(dir, 'data'), '-l', join(dir, 'server.log'), '-w', '-t', String(START_TIMEOUT_S)], (START_TIMEOUT_S + 10) * 1000);
  } catch (err) {
    throw new Error(`the scratch PostgreSQL server did not start within ${START_TIMEOUT_S} s (${(err as Error).message}); its log ends:\n${serverLog(dir).slice(-1500)}`);
  }
}

function serverLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8');
  } catch {
    return '(no server.log)';
  }
}

/** pg_ctl -w has seen the server accept connections on its socket; wait (bounded) until TCP and the password work too. */
async function untilConnects(url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_S * 1000;
  for (;;) {
    try {
      await withClient(url, (c) => c.query('SELECT 1'));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the scratch PostgreSQL server does not accept ${url.replace(/:[^:@/]*@/, ':***@')} : ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
