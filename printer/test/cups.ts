/**
 * Test helper: a private CUPS scheduler (Debian's cupsd) in a temp dir, on its own socket, with
 * one raw queue whose backend appends each job's bytes to a file: a USB printer's stand-in that
 * does not touch the machine's own CUPS. `unavailable` says why it cannot run here, if it cannot.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const CUPS_BIN = '/usr/lib/cups';

export function cupsUnavailable(): string | null {
  if (spawnSync('cupsd', ['-h']).error) return 'cupsd is not installed (apt-get install -y cups)';
  if (spawnSync('lp', ['-h']).error) return 'lp is not installed (apt-get install -y cups-client)';
  if (!existsSync(join(CUPS_BIN, 'filter'))) return `${CUPS_BIN}/filter is missing (install cups)`;
  if (spawnSync('id', ['lp']).status !== 0) return 'there is no "lp" user for cupsd to run backends as (apt-get install -y cups makes it)';
  return null;
}

export interface PrivateCups {
  /** CUPS_SERVER for lp/lpstat: the scheduler's socket. */
  server: string;
  /** The file the queue's backend writes every job into. */
  output: string;
  queue: string;
  lpadmin(...args: string[]): void;
  stop(): Promise<void>;
}

export async function startPrivateCups(queue: string): Promise<PrivateCups> {
  const dir = mkdtempSync(join(tmpdir(), 'cups-'));
  chmodSync(dir, 0o755);
  for (const d of ['root', 'spool', 'cache', 'state', 'tmp', 'log', 'out', 'bin', 'bin/backend']) mkdirSync(join(dir, d), { mode: 0o777 });
  for (const d of ['spool', 'cache', 'state', 'tmp', 'log', 'out']) chmodSync(join(dir, d), 0o777);
  for (const d of ['filter', 'daemon', 'notifier']) symlinkSync(join(CUPS_BIN, d), join(dir, 'bin', d));
  const backend = join(dir, 'bin/backend/capture');
  writeFileSync(
    backend,
    '#!/bin/sh\n# capture:/path appends the job to /path\n[ $# -eq 0 ] && { echo \'direct capture "Unknown" "Capture to file"\'; exit 0; }\n' +
      'out="${DEVICE_URI#capture:}"\nif [ -n "$6" ]; then cat "$6" >> "$out"; else cat >> "$out"; fi\n',
  );
  chmodSync(backend, 0o755);
  chmodSync(join(dir, 'bin/backend'), 0o755);
  chmodSync(join(dir, 'bin'), 0o755);
  const server = join(dir, 'cups.sock');
  writeFileSync(
    join(dir, 'root/cupsd.conf'),
    `Listen ${server}\nLogLevel warn\nWebInterface No\nBrowsing Off\n<Location />\n Order allow,deny\n Allow all\n</Location>\n<Location /admin>\n Order allow,deny\n Allow all\n</Location>\n<Policy default>\n <Limit All>\n  Order deny,allow\n </Limit>\n</Policy>\n`,
  );
  writeFileSync(
    join(dir, 'root/cups-files.conf'),
    [`ServerRoot ${dir}/root`, `RequestRoot ${dir}/spool`, `CacheDir ${dir}/cache`, `StateDir ${dir}/state`, `TempDir ${dir}/tmp`, `ServerBin ${dir}/bin`,
      'DataDir /usr/share/cups', `ErrorLog ${dir}/log/error_log`, `AccessLog ${dir}/log/access_log`, `PageLog ${dir}/log/page_log`, 'User lp', 'Group lp'].join('\n') + '\n',
  );
  const cupsd: ChildProcess = spawn('cupsd', ['-f', '-c', join(dir, 'root/cupsd.conf'), '-s', join(dir, 'root/cups-files.conf')], { stdio: 'ignore' });
  const env = { ...process.env, CUPS_SERVER: server };
  const lpadmin = (...args: string[]) => {
    const r = spawnSync('lpadmin', args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`lpadmin ${args.join(' ')}: ${r.stderr}`);
  };
  for (let k = 0; k < 100 && !existsSync(server); k++) await sleep(50);
  const output = join(dir, 'out/printer.bin');
  lpadmin('-p', queue, '-E', '-v', `capture:${output}`);
  return {
    server,
    output,
    queue,
    lpadmin,
    async stop() {
      cupsd.kill();
      await new Promise((r) => (cupsd.exitCode !== null ? r(null) : cupsd.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
