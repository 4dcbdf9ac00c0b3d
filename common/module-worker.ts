/**
 * Starts a worker thread from one of the project's TypeScript modules: the bundled copy beside the
 * Electron build's main.js when there is one, else the module bundled here and now by esbuild (the
 * Node-side tools run from source, scripts/bin/*.js). Bundling takes milliseconds where a worker
 * registering tsx for itself took over a second to start. A worker cannot load from inside an asar
 * archive (electron/electron#22446), so the packaged app runs the copy electron-builder unpacks
 * beside it (asarUnpack in electron-builder.yml); electron/build.ts names each bundle.
 */
import { existsSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Bundles already made in this process, by source file. */
const bundles = new Map<string, URL>();

/**
 * The module and what it imports from the project as one ES module in a data: URL. Packages stay
 * imports, pointed at their files (a data: URL has no folder to resolve a package name from).
 */
function bundle(sourceFile: string): URL {
  let url = bundles.get(sourceFile);
  if (url === undefined) {
    // esbuild comes with tsx, which runs the project from source; the packaged app never gets here.
    const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
    const out = esbuild.buildSync({ entryPoints: [sourceFile], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
    const code = out.outputFiles[0]!.text.replace(/(\bfrom\s*|\bimport\s*\(?\s*)"([^".][^"]*)"/g, (whole, lead: string, name: string) =>
      isBuiltin(name) ? whole : `${lead}${JSON.stringify(import.meta.resolve(name))}`,
    );
    url = new URL(`data:text/javascript,${encodeURIComponent(code)}`);
    bundles.set(sourceFile, url);
  }
  return url;
}

/** `source`: the module's .ts URL; `bundled`: its bundle's file name in dist-electron/. */
export function startModuleWorker(source: URL, bundled: string, opts: WorkerOptions = {}): Worker {
  const copy = fileURLToPath(new URL(`./${bundled}`, import.meta.url)).replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  if (existsSync(copy)) return new Worker(copy, opts);
  return new Worker(bundle(fileURLToPath(source)), opts);
}
