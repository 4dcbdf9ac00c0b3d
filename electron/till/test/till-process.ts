/** Test helper: `ppu-till` as a real child process on its own data directory (the CLI's own code path). */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../../..');

export interface TillRun {
  code: number | null;
  out: string;
}

export function startTillProcess(dataDir: string, args: string[], env: Record<string, string>): { child: ChildProcess; done: Promise<TillRun> } {
  const child = spawn(process.execPath, ['scripts/bin/ppu-till.js', '--data-dir', dataDir, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  return { child, done: new Promise((r) => child.once('exit', (code) => r({ code, out }))) };
}

export const runTill = (dataDir: string, args: string[], env: Record<string, string>): Promise<TillRun> => startTillProcess(dataDir, args, env).done;

/** The JSON a `ppu-till --json` command printed (its TillApi result's value). */
export function valueOf<T>(run: TillRun): T {
  const start = run.out.indexOf('{');
  const end = run.out.lastIndexOf('\n}') + 2;
  const r = JSON.parse(run.out.slice(start, end)) as { ok: boolean; value?: T; error?: { message: string } };
  if (!r.ok) throw new Error(`ppu-till failed: ${r.error?.message}\n${run.out}`);
  return r.value as T;
}
