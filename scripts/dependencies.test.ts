/**
 * package.json true to the code (a depcheck of our own, run with the unit tests in CI): every package
 * a source file imports is declared, shipped code's packages are declared as dependencies (not dev),
 * and every declared package is imported somewhere or is listed below with why it is needed anyway.
 * An undeclared import works on a dev box that happens to have it hoisted and breaks a fresh
 * `npm ci` or a packaged till; a declared package nobody uses only ships weight.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
const dev = new Set(Object.keys(pkg.devDependencies ?? {}));
const declared = new Set([...runtime, ...dev]);

/** Declared but never imported by name, and why each is needed. */
const USED_WITHOUT_IMPORT: Record<string, string> = {
  typescript: 'tsc: npm run typecheck',
  'electron-builder': 'packages the app (electron-builder.yml)',
  tsx: 'runs the TypeScript tools: scripts/bin/*.js, npm start, npm run bench',
  '@thiagoelg/node-printer': 'loaded by name when a windows: printer is used (printer/transports/windows.ts)',
};

const SOURCE_DIRS = ['assets', 'common', 'electron', 'renderer', 'printer', 'switch-core', 'scripts', 'bench', 'e2e', 'test-support'];
/** Code that runs in the till or the switch as shipped (renderer/ is bundled by vite, the rest are tools and tests). */
const SHIPPED = /^(common|electron|printer|switch-core)\//;
const isTest = (f: string) => /\.(test|spec)\.ts$/.test(f) || /(^|\/)test\//.test(f);
/** Files among the shipped folders that never ship, and why. */
const NOT_SHIPPED: Record<string, string> = {
  'electron/build.ts': 'bundles the app before packaging (esbuild)',
  'switch-core/store/store-contract.ts': 'the store contract tests, run against both engines (vitest)',
};

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return files(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

interface Use {
  file: string;
  line: number;
  name: string;
  typeOnly: boolean;
}

/** The package name of a bare specifier ('@scope/name/sub' → '@scope/name'); null for relative paths and Node's own modules. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  return builtinModules.includes(name) ? null : name;
}

function usesOf(file: string): Use[] {
  const text = readFileSync(join(root, file), 'utf8');
  const pattern = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g;
  const uses: Use[] = [];
  for (const m of text.matchAll(pattern)) {
    const name = packageOf(m[2] ?? m[3] ?? m[4] ?? '');
    if (name) uses.push({ file, line: text.slice(0, m.index).split('\n').length, name, typeOnly: Boolean(m[1]) });
  }
  return uses;
}

const sources = [...SOURCE_DIRS.flatMap(files), ...readdirSync(root).filter((f) => /\.ts$/.test(f))];
const uses = sources.flatMap(usesOf);

describe('dependencies: package.json is true to the imports', () => {
  it('reads the tree (the scan itself works)', () => {
    expect(uses.some((u) => u.name === 'fastify' && u.file.startsWith('switch-core/'))).toBe(true);
    expect(uses.some((u) => u.name === 'tsx' && u.file.startsWith('scripts/bin/'))).toBe(true);
  });

  it('every imported package is declared', () => {
    expect(uses.filter((u) => !declared.has(u.name)).map((u) => `${u.file}:${u.line} imports ${u.name}, which package.json does not declare`)).toEqual([]);
  });

  it('shipped code imports only what npm installs in production (dependencies, optionalDependencies)', () => {
    // electron itself is a devDependency by electron-builder's rule: the packaged app is the runtime.
    const wrong = uses.filter((u) => SHIPPED.test(u.file) && !isTest(u.file) && !(u.file in NOT_SHIPPED) && !u.typeOnly && u.name !== 'electron' && !runtime.has(u.name));
    expect(wrong.map((u) => `${u.file}:${u.line} imports ${u.name}, a devDependency the packaged till will not have`)).toEqual([]);
  });

  it('every declared package is imported, or needed for a reason written here', () => {
    const imported = new Set(uses.map((u) => u.name));
    const typed = (name: string) => name.startsWith('@types/') && (name === '@types/node' || imported.has(name.slice('@types/'.length)));
    const unused = [...declared].filter((name) => !imported.has(name) && !typed(name) && !(name in USED_WITHOUT_IMPORT));
    expect(unused.map((name) => `${name} is declared in package.json and never imported`)).toEqual([]);
  });

  it('the windows spooler module is loaded by the name declared as optional', () => {
    expect(readFileSync(join(root, 'printer/transports/windows.ts'), 'utf8')).toContain("WINDOWS_PRINTER_MODULE = '@thiagoelg/node-printer'");
    expect(Object.keys(pkg.optionalDependencies ?? {})).toContain('@thiagoelg/node-printer');
  });
});
