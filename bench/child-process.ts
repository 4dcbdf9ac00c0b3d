/**
 * A bench's helper process (a switch node, the till bench's switch): run with tsx from the project
 * root, it prints `ready {…}` once it serves. It is stopped with SIGTERM, when the run is interrupted
 * too, and it stops by itself when its stdin closes: the bench gone, even by SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { stopOnInterrupt } from './interrupt';

export interface BenchChild<Ready> {
  /** What it printed after `ready `. */
  ready: Ready;
  /** Its IPC channel is open: `child.send` reaches it. */
  child: ChildProcess;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '..');

export function startBenchChild<Ready>(name: string, script: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<BenchChild<Ready>> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
  });
  const kill = () => new Promise<void>((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))));
  const unregister = stopOnInterrupt(kill);
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ready (\{.*\})/.exec(out);
      if (m?.[1]) ok({ ready: JSON.parse(m[1]) as Ready, child, stop: () => kill().finally(unregister) });
    });
    child.once('exit', (code) => {
      unregister();
      fail(new Error(`${name} exited ${code} before it served: ${out}`));
    });
  });
}
