/**
 * Keeps the layering the team agreed on (shared/STYLE.md): protocol and common/ ← everything; printer and
 * switch-core never reach into the till or its screens; only electron/main.ts and
 * electron/preload.ts import electron; the renderer never imports Node. A wrong import fails here
 * with the file and the line, instead of failing at run time in a packaged app.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

  it('the renderer imports no Node module and reaches the back end only through the TillApi contract', () => {
    const files = sourceFiles('renderer').filter((f) => !isTest(f));
    expect(violations(files, (r) => NODE_BUILTIN.test(r.specifier))).toEqual([]);
    // common/money is plain functions over numbers: the screens share it with the slips and reports.
    expect(
      violations(files, (r) => /^(printer|switch-core|common)\//.test(r.target) && !r.typeOnly && r.target !== 'common/money'),
    ).toEqual([]);
    expect(
      violations(files, (r) => r.target.startsWith('electron/') && !r.target.startsWith('electron/api/')),
    ).toEqual([]);
  });
});
