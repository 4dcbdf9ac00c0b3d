/**
 * `npm run bench`: runs every `bench/*.bench.ts` in turn (or those named on the command line).
 * Each bench prints its own figures beside a baseline measured in the same run, with ratios, and
 * returns its targets; the run ends with the missed ones and exits 1 if there are any.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { handleInterrupts } from './interrupt';
import type { TargetCheck } from './targets';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

handleInterrupts();
const missed: { file: string; check: TargetCheck }[] = [];
let checked = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<TargetCheck[]> };
  const checks = await mod.default();
  checked += checks.length;
  for (const check of checks) if (!check.met) missed.push({ file, check });
}
console.log(`\n${files.length} bench file(s) run, ${checked} target(s) checked.`);
if (files.length === 0) {
  console.error(`No bench file matches ${wanted.join(' ')}.`);
  process.exit(1);
}
if (missed.length > 0) {
  console.error(`${missed.length} target(s) MISSED:`);
  for (const m of missed) console.error(`  ${m.file}: ${m.check.name}: ${m.check.detail}`);
  process.exit(1);
}
console.log('Every target met.');
