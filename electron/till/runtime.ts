/**
 * Composition root of the till back end, shared by the Electron shell, the browser host, the CLI and
 * the start script: opens the store, starts the embedded switch (demo profile) unless a switch URL is
 * configured, the virtual printer unless a real printer is configured, and builds the backend.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport, listSerialPorts, startVirtualPrinter, type VirtualPrinter } from '../../printer';
import { freeBytesOf } from './disk-space';
import { createSlipPrinter, NO_PRINTER, sinkFromTransport, type ByteSink } from './printing';
import { fileSecretStore } from './secrets';
import { createTillBackend, type SecretStore, type TillBackend } from './service';
import type { StoredSettings } from './settings';
import { DEFAULT_SETTINGS } from './settings';
import { checkDatabase, storeBackups } from './store-backups';
import { openTillStore, type TillStore } from './store/repository';

/**
 * The store a till with a damaged database runs on: in memory, holding only the operators of the
 * newest good backup (so managers sign in with their own PINs to restore it). Nothing else is read.
 */
function standInStore(file: string, backupsDir: string): TillStore {
  const store = openTillStore(':memory:');
  const good = storeBackups(file, backupsDir, () => null).newestGood();
  if (good) {
    const copy = join(mkdtempSync(join(tmpdir(), 'till-backup-')), 'till.db');
    copyFileSync(join(backupsDir, good.name), copy);
    const backup = openTillStore(copy);
    for (const op of backup.listOperators()) store.upsertOperator(op);
    backup.close();
  }
  return store;
}

export interface TillRuntimeOptions {
  dataDir: string;
  mode: 'electron' | 'browser' | 'cli';
  secrets?: SecretStore;
  /** Start the embedded switch when no switch URL is configured (default true). */
  embedSwitch?: boolean;
  /** Start the virtual printer when the printer kind is 'virtual' (default true). */
  virtualPrinter?: boolean;
  workerIntervalMs?: number;
  fileUrls?: boolean;
  log?: (line: string) => void;
}

export interface TillRuntime {
  backend: TillBackend;
  embeddedSwitch: { url: string; username: string; password: string } | null;
  virtualPrinter: VirtualPrinter | null;
  close(): Promise<void>;
}

interface SwitchModule {
  startSwitch(o: { dataDir: string; port?: number; profile?: 'demo' | 'certification'; auth: { username: string; password: string } }): Promise<{ url: string; username: string; password: string; close(): Promise<void> }>;
}

export async function startTillRuntime(opts: TillRuntimeOptions): Promise<TillRuntime> {
  mkdirSync(opts.dataDir, { recursive: true });
  const log = opts.log ?? (() => undefined);
  const file = join(opts.dataDir, 'till.db');
  const backupsDir = join(opts.dataDir, 'backups');
  // A damaged file is never opened for use: the till runs on a stand-in in memory and offers restore.
  const damage = checkDatabase(file);
  const store = damage ? standInStore(file, backupsDir) : openTillStore(file);
  if (damage) log(`till database damaged (${damage}); kept as is, sales refused until a manager restores a backup`);
  const backups = storeBackups(file, backupsDir, () => (damage ? null : store.db));
  const settings: StoredSettings = { ...DEFAULT_SETTINGS, ...(store.getSetting<StoredSettings>('settings') ?? {}) };
  const closers: (() => Promise<void>)[] = [];

  let embedded: TillRuntime['embeddedSwitch'] = null;
  if (!settings.switchUrl && opts.embedSwitch !== false) {
    // Imported lazily: a till pointed at an external switch never loads the switch core.
    const mod = (await import('../../switch-core/index')) as unknown as SwitchModule;
    const password = 'demo-' + Math.random().toString(36).slice(2, 10);
    const sw = await mod.startSwitch({ dataDir: join(opts.dataDir, 'switch'), port: 0, profile: 'demo', auth: { username: 'till', password } });
    embedded = { url: sw.url, username: sw.username, password: sw.password };
    closers.push(() => sw.close());
    log(`embedded switch (demo profile) at ${sw.url}`);
  }

  let vp: VirtualPrinter | null = null;
  const vpState = { paperOut: false, coverOpen: false, offline: false };
  let sink: ByteSink = NO_PRINTER;
  const buildSink = async (s: StoredSettings): Promise<void> => {
    const p = s.printer;
    if (p.kind === 'virtual') {
      if (!vp && opts.virtualPrinter !== false) {
        vp = await startVirtualPrinter({ port: 0, outDir: join(opts.dataDir, 'virtual-printer'), paper: p.paperWidth === 58 ? '58mm' : '80mm' });
        const started = vp;
        closers.push(() => started.close());
        log(`virtual printer on 127.0.0.1:${vp.port} (jobs in ${join(opts.dataDir, 'virtual-printer')})`);
      }
      sink = vp ? sinkFromTransport(createTransport({ kind: 'virtual', host: '127.0.0.1', port: vp.port })) : NO_PRINTER;
    } else if (p.kind === 'tcp') sink = sinkFromTransport(createTransport({ kind: 'tcp', host: p.host, port: p.port }));
    else if (p.kind === 'serial') sink = sinkFromTransport(createTransport({ kind: 'serial', path: p.serialPath, baudRate: p.baudRate }));
    else sink = NO_PRINTER;
  };
  await buildSink(settings);
  let paper: 58 | 80 = settings.printer.paperWidth;

  const backend = createTillBackend({
    store,
    printer: createSlipPrinter(() => sink, () => paper, join(opts.dataDir, 'print-jobs.db')),
    secrets: opts.secrets ?? fileSecretStore(join(opts.dataDir, 'secrets.json')),
    mode: opts.mode,
    embeddedSwitch: embedded,
    virtualPrinter: {
      jobs: () => vp?.jobs() ?? [],
      status: () => ({ ...vpState }),
      setStatus(st) {
        vp?.setStatus(st);
        Object.assign(vpState, st);
        return { ...vpState };
      },
    },
    listSerialPorts,
    workerIntervalMs: opts.workerIntervalMs,
    fileUrls: opts.fileUrls,
    freeBytes: freeBytesOf(opts.dataDir),
    log: opts.log,
    backups,
    damage,
    onSettingsChanged: (s) => {
      paper = s.printer.paperWidth;
      void buildSink(s);
    },
  });
  return {
    backend,
    embeddedSwitch: embedded,
    get virtualPrinter() {
      return vp;
    },
    async close() {
      await backend.close();
      store.close();
      for (const c of closers.reverse()) await c().catch(() => undefined);
    },
  };
}
