/** Test helper: `ppu-switch serve` as a real child process (the CLI's own code path), its URL read from its banner. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface SwitchProcess {
  url: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
  /** Ends the process at once (SIGKILL): no shutdown code runs, as when a machine dies. */
  kill(): Promise<void>;
}

/** Runs the CLI to its end (for refusals): exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'switch-core/cli.ts', ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

export async function startSwitchProcess(args: string[], env: Record<string, string> = {}): Promise<SwitchProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'switch-core/cli.ts', 'serve', '--port', '0', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const url = await new Promise<string>((ok, fail) => {
    child.stdout?.on('data', (b: Buffer) => {
      output += b.toString();
      // The banner's two lines; with --log, request log lines may fall between them.
      const m = /PPU switch listening on (\S+)\n/.exec(output);
      if (m?.[1] && /PPU v3: .*providers: .*\n/.test(output)) ok(m[1]);
    });
    child.once('exit', (code) => fail(new Error(`ppu-switch exited ${code} before listening:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
    kill: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      }),
  };
}
