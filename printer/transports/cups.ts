/**
 * A CUPS raw queue (Linux and macOS): each job goes to `lp -d QUEUE -o raw`, so CUPS passes the
 * bytes to the printer untouched. The job is done when lp says CUPS has it; status is the queue's
 * (`lpstat -p`): a stopped queue is not sent to, since CUPS would hold the slip unseen.
 */
import { spawn } from 'node:child_process';
import { identity } from '../identify';
import { statusFromBytes, unanswered, type PrinterStatus } from '../status';
import { PrinterError, type Transport } from '../transport';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], input: Uint8Array | null, timeoutMs: number, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new PrinterError(`${cmd} did not finish within ${timeoutMs} ms (is the CUPS scheduler running?)`, 'WRITE_TIMEOUT'));
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined); // lp exiting early is reported by its exit code
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new PrinterError(e.code === 'ENOENT' ? `${cmd} is not installed: install CUPS (apt-get install cups-client)` : `${cmd} failed (${e.message})`, 'UNREACHABLE'));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? undefined);
  });
}

/** `lpstat -p QUEUE` in the till's words: idle or printing is ready; disabled is a stopped queue. */
export function statusFromLpstat(queue: string, out: Run): PrinterStatus {
  const line = out.stdout.split('\n').find((l) => l.startsWith(`printer ${queue} `));
  if (out.code !== 0 || !line) {
    return { ...statusFromBytes([]), message: `CUPS has no printer queue "${queue}" (${out.stderr.trim() || 'lpstat -p lists the queues'})` };
  }
  if (/\bdisabled\b/.test(line)) {
    const reason = out.stdout.split('\n').slice(1).map((l) => l.trim()).find((l) => l.length > 0);
    return { answered: true, ready: false, paperOut: false, coverOpen: false, offline: true, message: `CUPS queue ${queue} is stopped${reason ? ` (${reason})` : ''}: cupsenable ${queue}` };
  }
  return { answered: true, ready: true, paperOut: false, coverOpen: false, offline: false, message: 'Printer ready' };
}

export function cupsTransport(queue: string, timeoutMs: number, server?: string): Transport {
  const env = server ? { ...process.env, CUPS_SERVER: server } : process.env;
  return {
    description: `CUPS queue ${queue}`,
    async send(bytes) {
      const r = await run('lp', ['-d', queue, '-o', 'raw', '-t', 'till slip'], bytes, timeoutMs, env);
      if (r.code !== 0) throw new PrinterError(`CUPS did not take the job for ${queue} (${r.stderr.trim() || `lp exit ${r.code}`})`, 'UNREACHABLE');
    },
    identify: async () => identity(queue, 'queue name'),
    async queryStatus() {
      try {
        return statusFromLpstat(queue, await run('lpstat', ['-p', queue], null, timeoutMs, env));
      } catch (e) {
        return unanswered(e);
      }
    },
  };
}
