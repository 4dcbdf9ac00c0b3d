/**
 * What every part of the till back end shares: its dependencies (store, printer, secrets, the host's
 * hooks), the clock, the current settings, the refusal type a handler throws, and the shape of a
 * group of TillApi handlers. The parts (operators, sales, reports, console …) each take this context
 * and answer their own methods; service.ts puts them together behind one `invoke`.
 */
import type { ApiError, ApiErrorCode, ArgsOf, MethodName, Operator, TillValues, VirtualPrinterStatus, METHODS } from '../api/contract';
import type { ProvisionedOperator } from './operators';
import type { SlipPrinter } from './printing';
import type { StoreBackups } from './store-backups';
import { upgradeSettings, zoneOf, type StoredSettings } from './settings';
import type { TillStore } from './store/repository';

/** Where secrets live: Electron safeStorage in the shell, a 0600 file in browser mode, memory in tests. */
export interface SecretStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  /** Whether what it stores is encrypted with the OS keyring (false: readable by whoever reads the file). */
  readonly encrypted: boolean;
}

export interface VirtualJobsSource {
  jobs(): { n: number; receivedAt: string; bytes: number; text: string; refused: string | null; commands: { name?: string; text?: string }[] | unknown[]; files: { bin: string; png: string } }[];
  /** Applies a simulated printer state and answers the whole state. */
  setStatus?(s: Partial<VirtualPrinterStatus>): VirtualPrinterStatus;
  status?(): VirtualPrinterStatus;
}

export interface TillDeps {
  store: TillStore;
  printer: SlipPrinter;
  secrets: SecretStore;
  clock?: () => number;
  mode: 'electron' | 'browser' | 'cli';
  /** Embedded switch, when the till started one (its URL wins when settings leave switchUrl empty). */
  embeddedSwitch?: { url: string; username: string; password: string } | null;
  virtualPrinter?: VirtualJobsSource | null;
  /** Folder for the field tech's virtual meters (SQLite); null leaves the tool off. */
  virtualMeterDir?: string | null;
  listSerialPorts?: () => Promise<{ path: string; manufacturer?: string | null }[]>;
  /** Called when printer settings change so the host can rebuild its transport. */
  onSettingsChanged?: (s: StoredSettings) => void;
  /** Worker tick; 0 disables the background worker (tests drive `tick()`). */
  workerIntervalMs?: number;
  /** Browser host: URLs to virtual printer files. */
  fileUrls?: boolean;
  /** A fresh till's operators as the installer provisions them; without them it ships the defaults (PIN change at first sign-in). */
  operators?: readonly ProvisionedOperator[];
  /** Free bytes where the till's data lives (the disk-space rule); absent = not checked. */
  freeBytes?: () => number;
  /** Where background errors are logged (default: stderr). */
  log?: (line: string) => void;
  /** Backups of the till's database (shift close, daily) and restore; absent in tests that need none. */
  backups?: StoreBackups;
  /**
   * Why the database file was refused at start (PRAGMA quick_check); the store is then a stand-in
   * in memory, and the till refuses everything but sign-in, status and restore.
   */
  damage?: string | null;
}

/** A refusal in the cashier's words; `invoke` turns it into the `{ok:false}` result. */
export class ApiFail extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: Omit<ApiError, 'code' | 'message'> = {},
  ) {
    super(message);
  }
}

/** Who calls: a signed-in operator for cashier and manager methods, maybe nobody for public ones. */
export type CallerOf<M extends MethodName> = (typeof METHODS)[M]['role'] extends 'public' ? Operator | null : Operator;

/**
 * One handler per method: validated arguments in, the method's value out (or an ApiFail thrown).
 * `session` is the caller's sign-in session key (only the session methods need it).
 */
export type Handler<M extends MethodName> = (args: ArgsOf<M>, caller: CallerOf<M>, session: string | null) => Promise<TillValues[M]> | TillValues[M];
export type Handlers<K extends MethodName = MethodName> = { [M in K]: Handler<M> };

export interface TillContext {
  deps: TillDeps;
  store: TillStore;
  printer: SlipPrinter;
  secrets: SecretStore;
  clock: () => number;
  nowIso: () => string;
  /** The settings in force now (setSettings replaces them). */
  settings: () => StoredSettings;
  /** The till's time zone in force now: what every time a person reads is shown in. */
  zone: () => string;
  replaceSettings: (s: StoredSettings) => void;
  /** True once close() began: background work stops writing. */
  closed: () => boolean;
}

export function createContext(deps: TillDeps): TillContext & { close(): void } {
  const clock = deps.clock ?? Date.now;
  let settings: StoredSettings = upgradeSettings(deps.store.getSetting<StoredSettings>('settings'));
  let zone = zoneOf(settings);
  let closed = false;
  return {
    deps,
    store: deps.store,
    printer: deps.printer,
    secrets: deps.secrets,
    clock,
    nowIso: () => new Date(clock()).toISOString(),
    settings: () => settings,
    // Kept with the settings it comes from: asking Intl for the system's zone on every sale costs more than the sale's slip layout.
    zone: () => zone,
    replaceSettings: (s) => {
      settings = s;
      zone = zoneOf(s);
    },
    closed: () => closed,
    close: () => {
      closed = true;
    },
  };
}
