/**
 * Bundles the Electron entry points for the shell and for packaging: main → dist-electron/main.js
 * (ESM, Node platform, native modules left external), preload → dist-electron/preload.cjs (CommonJS,
 * as a sandboxed preload must be), the worker threads beside main.js where common/module-worker.ts
 * finds them: the virtual printer's → dist-electron/virtual-printer.worker.js, the embedded switch's
 * SQLite writer and checkpointer → dist-electron/switch-writer.worker.js, switch-checkpointer.worker.js.
 * The renderer is built separately by vite into dist/renderer.
 */
import { build } from 'esbuild';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const external = ['electron', 'better-sqlite3', 'serialport', '@serialport/*', '@thiagoelg/node-printer', 'node-thermal-printer', 'fastify', '@fastify/*'];

export async function buildElectron(): Promise<void> {
  await build({ entryPoints: [resolve(root, 'electron/main.ts')], outfile: resolve(root, 'dist-electron/main.js'), bundle: true, platform: 'node', format: 'esm', target: 'node20', external, sourcemap: true, logLevel: 'warning' });
  // Its CommonJS dependencies (iconv-lite) require Node built-ins, which an ESM bundle needs a require for.
  const requireShim = { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" };
  const workers = {
    'virtual-printer.worker.js': 'printer/virtual-printer.worker.ts',
    'switch-writer.worker.js': 'switch-core/store/sqlite/writer.worker.ts',
    'switch-checkpointer.worker.js': 'switch-core/store/sqlite/checkpointer.worker.ts',
  };
  for (const [bundle, source] of Object.entries(workers)) {
    await build({ entryPoints: [resolve(root, source)], outfile: resolve(root, 'dist-electron', bundle), bundle: true, platform: 'node', format: 'esm', target: 'node20', external, banner: requireShim, sourcemap: true, logLevel: 'warning' });
  }
  await build({ entryPoints: [resolve(root, 'electron/preload.ts')], outfile: resolve(root, 'dist-electron/preload.cjs'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'], logLevel: 'warning' });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await buildElectron();
