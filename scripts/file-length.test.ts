/**
 * The developers' guide: no non-test source file over 400 lines without the reason written in its
 * header comment ("Over 400 lines" / "Longer than 400 lines" / "Just over 400 lines", with why).
 * A file that grows past the line without one fails here, named with its length.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const DIRS = ['assets', 'bench', 'common', 'electron', 'printer', 'renderer', 'scripts', 'switch-core', 'test-support'];
const isTest = (f: string) => /\.(test|spec)\.tsx?$/.test(f) || /(^|\/)test\//.test(f);
/** Generated data, not code a reader holds in mind. */
const GENERATED = new Set(['assets/fonts/font-a-12x24.ts']);

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return files(path);
    return /\.(ts|tsx|js)$/.test(name) ? [path] : [];
  });
}

it('no source file is over 400 lines without a reason at its top', () => {
  const long = DIRS.flatMap(files)
    .filter((f) => !isTest(f) && !GENERATED.has(f))
    .map((f) => ({ f, text: readFileSync(join(root, f), 'utf8') }))
    .map(({ f, text }) => ({ f, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), header: /^\/\*\*[\s\S]*?\*\//.exec(text)?.[0] ?? '' }))
    .filter(({ lines, header }) => lines > 400 && !/(Over|Longer than|Just over) 400 lines/.test(header));
  expect(long.map(({ f, lines }) => `${f}: ${lines} lines, no reason at its top`)).toEqual([]);
});
