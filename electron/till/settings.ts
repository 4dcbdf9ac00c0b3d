/**
 * Till settings: defaults, and the validation that decides all-or-nothing whether a change is
 * applied. Each wrong field gets its own message in the manager's words. The switch password is
 * not part of this document: it lives in the SecretStore (safeStorage / 0600 file).
 */
import { z } from 'zod';
import { isTimeZone, systemTimeZone } from '../../common/local-time';
import { formatPrinterAddress, parsePrinterAddress } from '../../printer/address';
import { ppuRoot } from '../../switch-core/config/ppu-base-url';
import type { PrinterKind, SettingsPatch, TillSettings } from '../api/contract';
import { checkSwitchEntries, switchEntries } from './switch-list';

export type StoredSettings = Omit<TillSettings, 'switchPasswordSet' | 'switchPasswordEncrypted' | 'timeZoneInForce'>;

/** The terminal id every till shipped with: a till still on it gets its own at its next start (till-identity.ts). */
export const SHIPPED_TERMINAL_ID = 'TERM0001';

export const DEFAULT_SETTINGS: StoredSettings = {
  switchUrl: '',
  switchUsername: '',
  institutionId: 'TILL001',
  institutionName: 'Demo Retail Group',
  clientId: 'CLIENT01',
  clientName: 'Demo Retail',
  terminalId: SHIPPED_TERMINAL_ID,
  terminalName: '',
  merchantId: 'MERCHANT0000001',
  merchantType: '5411',
  merchantName: 'Corner Store',
  merchantCity: 'Cape Town',
  merchantRegion: 'WC',
  merchantCountry: 'ZA',
  printer: { address: 'virtual', paperWidth: 80, drawer: { kickOnCash: true, pin: 2, pulseMs: 100 } },
  timeouts: { requestMs: 60_000, retryBaseMs: 2_000, retryMaxMs: 60_000, foregroundRetries: 3 },
  security: { pinMinLength: 4, sessionIdleMinutes: 15, cashierFieldTools: false },
  timeZone: '',
};

const Full = z.object({
  // One URL or several, comma-separated (the till fails over down the list): each an http(s) URL.
  switchUrl: z.string().superRefine((s, c) => {
    const why = checkSwitchEntries(s, (u) => (/^https?:\/\/[^\s/,]+(\/\S*)?$/.test(u) ? null : 'must be an http(s):// URL'));
    if (why) c.addIssue({ code: 'custom', message: why });
  }),
  switchUsername: z.string().max(100, 'is too long'),
  institutionId: z.string().min(1, 'is required').max(40, 'at most 40 characters'),
  institutionName: z.string().max(40, 'at most 40 characters'),
  clientId: z.string().min(1, 'is required').max(40, 'at most 40 characters'),
  clientName: z.string().max(40, 'at most 40 characters'),
  terminalId: z.string().regex(/^[A-Za-z0-9]{8}$/, 'must be exactly 8 letters or digits'),
  terminalName: z.string().max(20, 'at most 20 characters'),
  merchantId: z.string().length(15, 'must be exactly 15 characters'),
  merchantType: z.string().regex(/^\d{4}$/, 'must be 4 digits'),
  merchantName: z.string().min(1, 'is required').max(23, 'at most 23 characters'),
  merchantCity: z.string().max(13, 'at most 13 characters'),
  merchantRegion: z.string().max(2, 'at most 2 characters'),
  merchantCountry: z.string().max(2, 'at most 2 characters'),
  printer: z.object({
    address: z.string().max(300).superRefine((a, c) => {
      const r = a.trim() === '' ? null : parsePrinterAddress(a);
      if (r && !r.ok) c.addIssue({ code: 'custom', message: r.error });
    }),
    paperWidth: z.union([z.literal(58), z.literal(80)]),
    drawer: z.object({
      kickOnCash: z.boolean(),
      pin: z.union([z.literal(2), z.literal(5)]),
      pulseMs: z.number().int().min(10, 'at least 10 ms').max(500, 'at most 500 ms'),
    }),
  }),
  timeouts: z.object({
    requestMs: z.number().int().min(1000, 'at least 1000 ms').max(180_000, 'at most 180000 ms'),
    retryBaseMs: z.number().int().min(10, 'at least 10 ms').max(600_000),
    retryMaxMs: z.number().int().min(10, 'at least 10 ms').max(3_600_000),
    foregroundRetries: z.number().int().min(0).max(20),
  }),
  security: z.object({
    pinMinLength: z.number().int().min(4, 'must be 4 to 8 digits').max(8, 'must be 4 to 8 digits'),
    sessionIdleMinutes: z.number().int().min(1, 'at least 1 minute').max(240, 'at most 240 minutes'),
    cashierFieldTools: z.boolean(),
  }),
  timeZone: z.string().refine((z) => z === '' || isTimeZone(z), 'is not a time zone this till knows: use a name such as Africa/Johannesburg, or leave it empty for the system’s'),
});

export type SettingsCheck = { ok: true; value: StoredSettings } | { ok: false; fields: Record<string, string> };

export function validateSettings(current: StoredSettings, patch: SettingsPatch): SettingsCheck {
  const { switchPassword: _pw, printer, timeouts, security, ...rest } = patch;
  const merged = {
    ...current,
    ...rest,
    printer: { ...current.printer, ...(printer ?? {}), drawer: { ...current.printer.drawer, ...(printer?.drawer ?? {}) } },
    timeouts: { ...current.timeouts, ...(timeouts ?? {}) },
    security: { ...current.security, ...(security ?? {}) },
  };
  const parsed = Full.safeParse(merged);
  const fields: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) fields[i.path.map(String).join('.')] ??= i.message;
  if (merged.timeouts.retryMaxMs < merged.timeouts.retryBaseMs) fields['timeouts.retryMaxMs'] ??= 'must not be below the first retry delay';
  if (Object.keys(fields).length > 0 || !parsed.success) return { ok: false, fields };
  return { ok: true, value: parsed.data };
}

/** The kind of printer an address names ('none' for an empty address). */
export function printerKindOf(address: string): PrinterKind {
  if (address.trim() === '') return 'none';
  const r = parsePrinterAddress(address);
  return r.ok ? r.address.target.kind : 'none';
}

/** Printer settings stored before addresses (kind/host/port/serialPath/baudRate) as an address. */
interface LegacyPrinter {
  kind?: string;
  host?: string;
  port?: number;
  serialPath?: string;
  baudRate?: number;
}

/** Stored settings as this version reads them: defaults filled in, an old printer setting turned into its address. */
export function upgradeSettings(stored: Partial<StoredSettings> | null): StoredSettings {
  const s = { ...DEFAULT_SETTINGS, ...(stored ?? {}) };
  const p = (stored?.printer ?? {}) as Partial<StoredSettings['printer']> & LegacyPrinter;
  let address = p.address;
  if (address === undefined && p.kind !== undefined) {
    if (p.kind === 'tcp') address = formatPrinterAddress({ target: { kind: 'tcp', host: p.host ?? '127.0.0.1', port: p.port ?? 9100 } });
    else if (p.kind === 'serial') address = formatPrinterAddress({ target: { kind: 'serial', path: p.serialPath ?? '', baudRate: p.baudRate ?? 19200, flowControl: 'none' } });
    else address = p.kind === 'none' ? '' : 'virtual';
  }
  return {
    ...s,
    // A setting added later (cashierFieldTools) takes its default on a till that stored the group before it.
    security: { ...DEFAULT_SETTINGS.security, ...(stored?.security ?? {}) },
    printer: {
      address: address ?? DEFAULT_SETTINGS.printer.address,
      paperWidth: p.paperWidth ?? DEFAULT_SETTINGS.printer.paperWidth,
      drawer: { ...DEFAULT_SETTINGS.printer.drawer, ...(p.drawer ?? {}) },
    },
  };
}

export function settingsView(s: StoredSettings, passwordSet: boolean, passwordEncrypted: boolean): TillSettings {
  return { ...s, printer: { ...s.printer, drawer: { ...s.printer.drawer } }, timeouts: { ...s.timeouts }, security: { ...s.security }, switchPasswordSet: passwordSet, switchPasswordEncrypted: passwordEncrypted, timeZoneInForce: zoneOf(s) };
}

/** The zone the till shows times in: the setting, else the system's. */
export function zoneOf(s: Pick<StoredSettings, 'timeZone'>): string {
  return s.timeZone || systemTimeZone();
}

/** The switch connection the environment imposes over the stored settings (each field optional). */
export interface SwitchOverride {
  readonly switchUrl?: string;
  readonly switchUsername?: string;
  readonly switchPassword?: string;
}

/**
 * PPU_TILL_SWITCH_URL, PPU_TILL_SWITCH_USERNAME and PPU_TILL_SWITCH_PASSWORD: point the till at any PPU
 * server without touching its settings. The URL is the base URL as a provider publishes it
 * (`https://host/prepaidutility/v3`); an origin alone means that path under it. Several, comma-separated,
 * list the switches the till fails over between, each read by the same rule.
 */
export function switchOverrideFromEnv(env: Readonly<Record<string, string | undefined>>): { ok: true; value: SwitchOverride } | { ok: false; message: string } {
  const url = env.PPU_TILL_SWITCH_URL;
  const value: { switchUrl?: string; switchUsername?: string; switchPassword?: string } = {};
  if (url) {
    const why = checkSwitchEntries(url, (u) => {
      const root = ppuRoot(u);
      return root.ok ? null : root.message;
    });
    if (why) return { ok: false, message: `PPU_TILL_SWITCH_URL ${why}` };
    value.switchUrl = switchEntries(url)
      .map((u) => u.replace(/\/+$/, ''))
      .join(',');
  }
  if (env.PPU_TILL_SWITCH_USERNAME) value.switchUsername = env.PPU_TILL_SWITCH_USERNAME;
  if (env.PPU_TILL_SWITCH_PASSWORD) value.switchPassword = env.PPU_TILL_SWITCH_PASSWORD;
  return { ok: true, value };
}

/** Stored settings with the override on top: what the till runs with. */
export function applySwitchOverride(stored: StoredSettings, o: SwitchOverride): StoredSettings {
  return { ...stored, ...(o.switchUrl !== undefined ? { switchUrl: o.switchUrl } : {}), ...(o.switchUsername !== undefined ? { switchUsername: o.switchUsername } : {}) };
}

/** What is written back when settings are saved under an override: the stored switch fields, not the imposed ones. */
export function withoutSwitchOverride(saved: StoredSettings, stored: StoredSettings | null, o: SwitchOverride): StoredSettings {
  const base = { ...DEFAULT_SETTINGS, ...(stored ?? {}) };
  return { ...saved, ...(o.switchUrl !== undefined ? { switchUrl: base.switchUrl } : {}), ...(o.switchUsername !== undefined ? { switchUsername: base.switchUsername } : {}) };
}
