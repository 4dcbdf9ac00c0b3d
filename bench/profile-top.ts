/**
 * Where a switch process spends its time: reads a V8 CPU profile (`--cpu-prof`; the ratio bench
 * writes one per process with PPU_BENCH_CPU_PROF=dir) and prints the functions with the most
 * self time, and the same time summed by package or project folder.
 * `npx tsx bench/profile-top.ts file.cpuprofile [count]`
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countArg] = process.argv.slice(2);
if (!file) throw new Error('usage: bench/profile-top.ts file.cpuprofile [count]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** A frame's place: the package (node_modules/x), the project folder, or node's own. */
function place(url: string): string {
  if (url === '') return '(native / V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const project = /\/(switch-core\/[^/]+|bench|common|printer)\//.exec(url);
  return project ? project[1]! : url;
}

const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, t]) => a + t, 0);
const busy = total - idle;
const fns = new Map<string, number>();
const places = new Map<string, number>();
for (const [id, t] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (['(idle)', '(program)'].includes(functionName)) continue;
  const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|work\/[^/]+)\//, '')}:${lineNumber + 1}` : ''}`;
  fns.set(key, (fns.get(key) ?? 0) + t);
  places.set(place(url), (places.get(place(url)) ?? 0) + t);
}
const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)}%`;
const n = Number(countArg ?? 15);
console.log(`busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled`);
console.log('-- self time by function');
for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(t)}  ${k}`);
console.log('-- self time by package or folder');
for (const [k, t] of [...places].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(t)}  ${k}`);
