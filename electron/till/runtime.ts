/**
 * Composition root of the till back end, shared by the Electron shell, the browser host, the CLI and
 * the start script: opens the store, applies the PPU_TILL_SWITCH_* overrides, starts the embedded
 * switch (demo profile) unless a switch URL is configured, the virtual printer unless a real printer
 * is configured, and builds the backend.
 * The virtual printer runs on a thread of its own: a job that takes it down leaves the till selling.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport, listSerialPorts, parsePrinterAddress, startThreadedVirtualPrinter, type PrinterAddress, type ThreadedVirtualPrinter } from '../../printer';
import { DISK_MARGIN_BYTES, freeBytesOf, isStorageFull, megabytes } from './disk-space';
import { createSlipPrinter, NO_PRINTER, sinkFromTransport, type ByteSink, type PrinterFormat } from './printing';
import { fileSecretStore } from './secrets';
import { PIN_RULES_KEY } from './operators';
import { createTillBackend, parseProvisionedOperators, type ProvisionedOperator, type SecretStore, type TillBackend } from './service';
import { applySwitchOverride, switchOverrideFromEnv, upgradeSettings, withoutSwitchOverride, type StoredSettings, type SwitchOverride } from './settings';
import { checkDatabase, storeBackups } from './store-backups';
import { openTillStore, type TillStore } from './store/repository';
import { provisionIdentity } from './till-identity';

/**
 * The store a till with a damaged database runs on: in memory, holding only the operators of the
 * newest good backup (so managers sign in with the PINs valid in that backup to restore it). Nothing else is read.
 */
function standInStore(file: string, backupsDir: string): TillStore {
  const store = openTillStore(':memory:');
  const good = storeBackups(file, backupsDir, () => null).newestGood();
  if (good) {
    const copy = join(mkdtempSync(join(tmpdir(), 'till-backup-')), 'till.db');
    copyFileSync(join(backupsDir, good.name), copy);
    const backup = openTillStore(copy);
    // As they were in the backup, with no PIN change asked first: the change could not be saved on a damaged till, and would stand in the way of the restore.
    for (const op of backup.listOperators()) store.upsertOperator({ ...op, mustChangePin: false });
    store.setSetting(PIN_RULES_KEY, 1); // and not marked again for a change by the first start's rules
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
  /** A printer address that wins over the settings (default: PPU_TILL_PRINTER). */
  printerAddress?: string;
  /** A fresh till's operators; default PPU_TILL_OPERATORS (id:role:pin,…), else the shipped defaults. */
  operators?: readonly ProvisionedOperator[];
  /** Where PPU_TILL_SWITCH_URL / _USERNAME / _PASSWORD are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface TillRuntime {
  backend: TillBackend;
  embeddedSwitch: { url: string; username: string; password: string } | null;
  virtualPrinter: ThreadedVirtualPrinter | null;
  close(): Promise<void>;
}

interface SwitchModule {
  startSwitch(o: { dataDir: string; port?: number; profile?: 'demo' | 'certification'; auth: { username: string; password: string } }): Promise<{ url: string; username: string; password: string; close(): Promise<void> }>;
}

/**
 * Starts the till; a disk too full to open its files stops the start with one line saying so
 * (the CLI and `npm start` print it as it is), not SQLite's own words.
 */
export async function startTillRuntime(opts: TillRuntimeOptions): Promise<TillRuntime> {
  try {
    return await startRuntime(opts);
  } catch (err) {
    if (!isStorageFull(err)) throw err;
    let free = '';
    try {
      free = `${megabytes(freeBytesOf(opts.dataDir)())} free, `;
    } catch {
      // the folder itself could not be made: the line says so without the figure
    }
    throw new Error(`The till's disk is too full to start (${free}at least ${megabytes(DISK_MARGIN_BYTES)} needed in ${opts.dataDir}). Free space on the disk, then start the till again.`, { cause: err });
  }
}

async function startRuntime(opts: TillRuntimeOptions): Promise<TillRuntime> {
  const override = switchOverrideFromEnv(opts.env ?? process.env);
  if (!override.ok) throw new Error(override.message);
  // Sales, PIN hashes and secrets live here: the owner's alone, also when an older till made it 0755.
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(opts.dataDir, 0o700);
  const log = opts.log ?? (() => undefined);
  const file = join(opts.dataDir, 'till.db');
  const backupsDir = join(opts.dataDir, 'backups');
  // A damaged file is never opened for use: the till runs on a stand-in in memory and offers restore.
  const damage = checkDatabase(file, backupsDir);
  const store = overridden(damage ? standInStore(file, backupsDir) : openTillStore(file), override.value);
  if (damage) log(`till database damaged (${damage}); kept as is, sales refused until a manager restores a backup`);
  const backups = storeBackups(file, backupsDir, () => (damage ? null : store.db));
  const settings: StoredSettings = damage ? upgradeSettings(store.getSetting<StoredSettings>('settings')) : provisionIdentity(store, opts.env ?? process.env, log);
  if (override.value.switchUrl) log(`switch from PPU_TILL_SWITCH_URL: ${override.value.switchUrl}`);
  const closers: (() => Promise<void>)[] = [];

  let embedded: TillRuntime['embeddedSwitch'] = null;
  if (!settings.switchUrl && opts.embedSwitch !== false) {
    // Imported lazily: a till pointed at an external switch never loads the switch core.
    const mod = (await import('../../switch-core/index')) as unknown as SwitchModule;
    const password = randomBytes(18).toString('base64url');
    const sw = await mod.startSwitch({ dataDir: join(opts.dataDir, 'switch'), port: 0, profile: 'demo', auth: { username: 'till', password } });
    embedded = { url: sw.url, username: sw.username, password: sw.password };
    closers.push(() => sw.close());
    log(`embedded switch (demo profile) at ${sw.url}`);
  }

  let vp: ThreadedVirtualPrinter | null = null;
  const printerPath = embeddedPrinterPath(opts.dataDir);
  const vpState = { paperOut: false, coverOpen: false, offline: false, paperLow: false };
  let sink: ByteSink = NO_PRINTER;
  let format: PrinterFormat = { commandSet: 'epson' };
  const printerOverride = opts.printerAddress ?? (opts.env ?? process.env).PPU_TILL_PRINTER;
  /** The address in force: PPU_TILL_PRINTER when it parses, else the settings' (null: no printer). */
  const addressOf = (s: StoredSettings): PrinterAddress | null => {
    for (const [text, from] of [[printerOverride, 'PPU_TILL_PRINTER'], [s.printer.address, 'settings']] as const) {
      if (text === undefined || text.trim() === '') continue;
      const r = parsePrinterAddress(text);
      if (r.ok) return r.address;
      log(`printer address from ${from} refused: ${r.error}`);
    }
    return null;
  };
  const buildSink = async (s: StoredSettings): Promise<void> => {
    const a = addressOf(s);
    const commandSet = a?.commandSet === 'star' ? 'star' : 'epson';
    format = { commandSet, ...(a?.paper ? { addressPaper: a.paper } : {}) };
    if (!a) {
      sink = NO_PRINTER;
      return;
    }
    if (a.target.kind !== 'virtual') {
      sink = sinkFromTransport(createTransport(a.target));
      return;
    }
    if (opts.virtualPrinter === false) {
      sink = NO_PRINTER;
      return;
    }
    if (!vp) {
      const paper = (a.paper ?? s.printer.paperWidth) === 58 ? '58mm' : '80mm';
      vp = await startThreadedVirtualPrinter({ path: printerPath, outDir: join(opts.dataDir, 'virtual-printer'), paper, commandSet, log });
      const started = vp;
      closers.push(() => started.close());
      log(`virtual printer (${commandSet === 'star' ? 'Star' : 'Epson'}) on ${printerPath}, for this till only (jobs in ${join(opts.dataDir, 'virtual-printer')})`);
    }
    sink = sinkFromTransport(createTransport({ kind: 'virtual', path: printerPath, port: 0 }));
  };
  await buildSink(settings);
  let paper: 58 | 80 = settings.printer.paperWidth;

  const secretsFile = join(opts.dataDir, 'secrets.json');
  const secrets = opts.secrets ?? fileSecretStore(secretsFile);
  if (!secrets.encrypted) log(`warning: no OS keyring — the switch password is stored unencrypted in ${secretsFile} (readable by this user only)`);
  const backend = createTillBackend({
    store,
    printer: createSlipPrinter(() => sink, () => paper, join(opts.dataDir, 'print-jobs.db'), () => format),
    secrets: overriddenSecrets(secrets, override.value),
    mode: opts.mode,
    embeddedSwitch: embedded,
    virtualPrinter: {
      jobs: () => vp?.jobs() ?? [],
      // The drawer sensor is the printer's own: a kick opens it, so it is read back, not remembered here.
      status: () => ({ ...vpState, drawerOpen: vp?.status().drawerOpen ?? false }),
      setStatus(st) {
        vp?.setStatus(st);
        const { drawerOpen: _sensor, ...rest } = st;
        Object.assign(vpState, rest);
        return { ...vpState, drawerOpen: vp?.status().drawerOpen ?? false };
      },
    },
    virtualMeterDir: join(opts.dataDir, 'virtual-meters'),
    listSerialPorts,
    operators: opts.operators ?? (process.env.PPU_TILL_OPERATORS ? parseProvisionedOperators(process.env.PPU_TILL_OPERATORS) : undefined),
    workerIntervalMs: opts.workerIntervalMs,
    fileUrls: opts.fileUrls,
    freeBytes: freeBytesOf(opts.dataDir),
    log: opts.log,
    backups,
    damage,
    onSettingsChanged: (s) => {
      paper = s.printer.paperWidth;
      vp?.setPaper(paper === 58 ? '58mm' : '80mm'); // the virtual printer renders on the paper the till lays out for
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

/**
 * Where the embedded virtual printer listens: a Unix socket in the till's 0700 data folder (in a
 * private 0700 folder of the temp dir when that path is too long for a socket), or a named pipe with
 * a name new at every launch on Windows (writable by its owner only) — never a TCP port, which any
 * local process could send jobs to. A field tech's printer on TCP is `ppu-printer` (docs/printing.md).
 */
export function embeddedPrinterPath(dataDir: string): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\ppu-till-printer-${randomBytes(12).toString('hex')}`;
  const inData = join(dataDir, 'virtual-printer', 'printer.sock');
  return Buffer.byteLength(inData) <= 100 ? inData : join(mkdtempSync(join(tmpdir(), 'ppu-till-printer-')), 'printer.sock');
}

/** The store as the back end sees it: the environment's switch settings read over the stored ones, never saved. */
function overridden(store: TillStore, o: SwitchOverride): TillStore {
  if (o.switchUrl === undefined && o.switchUsername === undefined) return store;
  return {
    ...store,
    getSetting<T>(key: string): T | null {
      const v = store.getSetting<StoredSettings>(key);
      return (key === 'settings' ? applySwitchOverride(upgradeSettings(v), o) : v) as T | null;
    },
    setSetting(key: string, value: unknown): void {
      store.setSetting(key, key === 'settings' ? withoutSwitchOverride(value as StoredSettings, store.getSetting<StoredSettings>('settings'), o) : value);
    },
  };
}

function overriddenSecrets(secrets: SecretStore, o: SwitchOverride): SecretStore {
  const password = o.switchPassword;
  if (password === undefined) return secrets;
  return { get: (k) => (k === 'switchPassword' ? password : secrets.get(k)), set: (k, v) => secrets.set(k, v), encrypted: secrets.encrypted };
}
