/**
 * Keeps the layering the team agreed on (shared/STYLE.md): protocol and common/ ← everything; printer and
 * switch-core never reach into the till or its screens; only electron/main.ts and
 * electron/preload.ts import electron; the renderer never imports Node. A wrong import fails here
 * with the file and the line, instead of failing at run time in a packaged app.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(join(root, dir));
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

interface ImportRef {
  file: string;
  line: number;
  specifier: string;
  /** Project-relative path for relative imports, else the bare specifier. */
  target: string;
  typeOnly: boolean;
}

function importsOf(file: string): ImportRef[] {
  const text = readFileSync(join(root, file), 'utf8');
  const refs: ImportRef[] = [];
  const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) {
    const specifier = match[3] ?? match[4] ?? match[5] ?? '';
    const line = text.slice(0, match.index).split('\n').length;
    const target = specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)) : specifier;
    refs.push({ file, line, specifier, target, typeOnly: Boolean(match[2]) });
  }
  return refs;
}

function violations(files: string[], isForbidden: (ref: ImportRef) => boolean): string[] {
  return files.flatMap(importsOf).filter(isForbidden).map((r) => `${r.file}:${r.line} imports ${r.specifier}`);
}

/** A relative import's file: the path as written, or with .ts/.tsx, or its folder's index.ts. */
function resolveSource(target: string): string | null {
  for (const candidate of [target, `${target}.ts`, `${target}.tsx`, join(target, 'index.ts')]) {
    if (/\.(ts|tsx)$/.test(candidate) && existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile()) return candidate;
  }
  return null;
}

/**
 * Everything the given files load when they run, followed through the project's own modules:
 * each package or built-in reached, and each project file, with the chain of imports that reached
 * it. Type-only imports are erased by the compiler and load nothing, so they are not followed.
 */
function reachable(entries: string[]): Map<string, string[]> {
  const reached = new Map<string, string[]>(entries.map((f) => [f, [f]]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = reached.get(file)!;
    for (const ref of importsOf(file)) {
      if (ref.typeOnly) continue;
      const next = ref.specifier.startsWith('.') ? (resolveSource(ref.target) ?? ref.target) : ref.specifier;
      if (reached.has(next)) continue;
      reached.set(next, [...chain, `${next} (line ${ref.line} of ${file})`]);
      if (ref.specifier.startsWith('.') && next.endsWith('.ts')) queue.push(next);
    }
  }
  return reached;
}

const NODE_BUILTIN = /^(node:|fs$|path$|os$|child_process$|net$|http$|https$|crypto$|url$|stream$|worker_threads$)/;
const isTest = (f: string) => /(\.test\.ts|\.spec\.ts)$/.test(f) || f.includes('/test/');

describe('architecture: imports follow the layers', () => {
  it('only electron/main.ts and electron/preload.ts import electron', () => {
    const files = ['common', 'electron', 'renderer', 'printer', 'switch-core', 'scripts', 'bench'].flatMap(sourceFiles);
    const allowed = new Set(['electron/main.ts', 'electron/preload.ts']);
    expect(violations(files, (r) => r.specifier === 'electron' && !allowed.has(r.file) && !r.typeOnly)).toEqual([]);
  });

  it('the protocol module depends on no other part of the project', () => {
    const files = sourceFiles('switch-core/protocol');
    expect(files.length).toBeGreaterThan(0);
    expect(violations(files, (r) => r.specifier.startsWith('.') && !r.target.startsWith('switch-core/protocol'))).toEqual([]);
  });

  it('common/ (shared plumbing such as SQLite) depends on no other part of the project', () => {
    const files = sourceFiles('common');
    expect(files.length).toBeGreaterThan(0);
    expect(violations(files, (r) => r.specifier.startsWith('.') && !r.target.startsWith('common/'))).toEqual([]);
  });

  it('switch-core and printer never reach into the till, its screens or each other', () => {
    const sw = sourceFiles('switch-core');
    const pr = sourceFiles('printer');
    expect(violations(sw, (r) => /^(electron|renderer|printer)\//.test(r.target))).toEqual([]);
    expect(violations(pr, (r) => /^(electron|renderer)\//.test(r.target) || (/^switch-core\//.test(r.target) && !r.target.startsWith('switch-core/protocol')))).toEqual([]);
  });

  it('the switch engine loads no database driver, file system or socket, and of the store only its interface', () => {
    const engine = sourceFiles('switch-core/engine').filter((f) => !isTest(f));
    expect(engine.length).toBeGreaterThan(0);
    // The store's interface and errors (switch-store.ts) and its row shapes (rows.ts) are plain data.
    const storeInterface = new Set(['switch-core/store/switch-store.ts', 'switch-core/store/rows.ts']);
    const forbidden = (target: string) =>
      /^(better-sqlite3|pg|pg-[\w-]+|kysely)$/.test(target) ||
      /^(node:)?(fs|fs\/promises|net|tls|dgram|child_process)$/.test(target) ||
      (target.startsWith('switch-core/store/') && !storeInterface.has(target));
    const found = [...reachable(engine)].filter(([target]) => forbidden(target)).map(([, chain]) => chain.join(' → '));
    expect(found).toEqual([]);
  });

  it('the renderer imports no Node module and reaches the back end only through the TillApi contract', () => {
    const files = sourceFiles('renderer').filter((f) => !isTest(f));
    expect(violations(files, (r) => NODE_BUILTIN.test(r.specifier))).toEqual([]);
    // A common/ module that imports nothing (plain functions: money, local time) is shared by the
    // screens with the slips and reports; one that imports Node or a package (SQLite) is not.
    const plain = (target: string) => target.startsWith('common/') && importsOf(`${target}.ts`).length === 0;
    expect(
      violations(files, (r) => /^(printer|switch-core|common)\//.test(r.target) && !r.typeOnly && !plain(r.target)),
    ).toEqual([]);
    expect(
      violations(files, (r) => r.target.startsWith('electron/') && !r.target.startsWith('electron/api/')),
    ).toEqual([]);
  });
});
