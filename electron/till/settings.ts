/**
 * Till settings: defaults, and the validation that decides all-or-nothing whether a change is
 * applied. Each wrong field gets its own message in the manager's words. The switch password is
 * not part of this document: it lives in the SecretStore (safeStorage / 0600 file).
 */
import { z } from 'zod';
import { ppuRoot } from '../../switch-core/config/ppu-base-url';
import type { SettingsPatch, TillSettings } from '../api/contract';

export type StoredSettings = Omit<TillSettings, 'switchPasswordSet'>;

export const DEFAULT_SETTINGS: StoredSettings = {
  switchUrl: '',
  switchUsername: '',
  institutionId: 'TILL001',
  institutionName: 'Demo Retail Group',
  clientId: 'CLIENT01',
  clientName: 'Demo Retail',
  terminalId: 'TERM0001',
  merchantId: 'MERCHANT0000001',
  merchantType: '5411',
  merchantName: 'Corner Store',
  merchantCity: 'Cape Town',
  merchantRegion: 'WC',
  merchantCountry: 'ZA',
  printer: { kind: 'virtual', host: '127.0.0.1', port: 9100, serialPath: '', baudRate: 19200, paperWidth: 80 },
  timeouts: { requestMs: 60_000, retryBaseMs: 2_000, retryMaxMs: 60_000, foregroundRetries: 3 },
  security: { pinMinLength: 4, sessionIdleMinutes: 15 },
};

const Full = z.object({
  switchUrl: z.string().refine((s) => s === '' || /^https?:\/\/[^\s/]+(\/\S*)?$/.test(s), 'must be empty (embedded switch) or an http(s):// URL'),
  switchUsername: z.string().max(100, 'is too long'),
  institutionId: z.string().min(1, 'is required').max(40, 'at most 40 characters'),
  institutionName: z.string().max(40, 'at most 40 characters'),
  clientId: z.string().min(1, 'is required').max(40, 'at most 40 characters'),
  clientName: z.string().max(40, 'at most 40 characters'),
  terminalId: z.string().length(8, 'must be exactly 8 characters'),
  merchantId: z.string().length(15, 'must be exactly 15 characters'),
  merchantType: z.string().regex(/^\d{4}$/, 'must be 4 digits'),
  merchantName: z.string().min(1, 'is required').max(23, 'at most 23 characters'),
  merchantCity: z.string().max(13, 'at most 13 characters'),
  merchantRegion: z.string().max(2, 'at most 2 characters'),
  merchantCountry: z.string().max(2, 'at most 2 characters'),
  printer: z.object({
    kind: z.enum(['virtual', 'tcp', 'serial', 'none']),
    host: z.string().max(255),
    port: z.number().int().min(1, 'must be 1–65535').max(65535, 'must be 1–65535'),
    serialPath: z.string().max(255),
    baudRate: z.number().int().refine((b) => [9600, 19200, 38400, 57600, 115200].includes(b), 'must be 9600, 19200, 38400, 57600 or 115200'),
    paperWidth: z.union([z.literal(58), z.literal(80)]),
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
  }),
});

export type SettingsCheck = { ok: true; value: StoredSettings } | { ok: false; fields: Record<string, string> };

export function validateSettings(current: StoredSettings, patch: SettingsPatch): SettingsCheck {
  const { switchPassword: _pw, printer, timeouts, security, ...rest } = patch;
  const merged = {
    ...current,
    ...rest,
    printer: { ...current.printer, ...(printer ?? {}) },
    timeouts: { ...current.timeouts, ...(timeouts ?? {}) },
    security: { ...current.security, ...(security ?? {}) },
  };
  const parsed = Full.safeParse(merged);
  const fields: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) fields[i.path.map(String).join('.')] ??= i.message;
  if (merged.printer.kind === 'tcp' && !merged.printer.host) fields['printer.host'] ??= 'is required for a network printer';
  if (merged.printer.kind === 'serial' && !merged.printer.serialPath) fields['printer.serialPath'] ??= 'choose a serial port';
  if (merged.timeouts.retryMaxMs < merged.timeouts.retryBaseMs) fields['timeouts.retryMaxMs'] ??= 'must not be below the first retry delay';
  if (Object.keys(fields).length > 0 || !parsed.success) return { ok: false, fields };
  return { ok: true, value: parsed.data };
}

export function settingsView(s: StoredSettings, passwordSet: boolean): TillSettings {
  return { ...s, printer: { ...s.printer }, timeouts: { ...s.timeouts }, security: { ...s.security }, switchPasswordSet: passwordSet };
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
 * (`https://host/prepaidutility/v3`); an origin alone means that path under it.
 */
export function switchOverrideFromEnv(env: Readonly<Record<string, string | undefined>>): { ok: true; value: SwitchOverride } | { ok: false; message: string } {
  const url = env.PPU_TILL_SWITCH_URL;
  const value: { switchUrl?: string; switchUsername?: string; switchPassword?: string } = {};
  if (url) {
    const root = ppuRoot(url);
    if (!root.ok) return { ok: false, message: `PPU_TILL_SWITCH_URL ${root.message}` };
    value.switchUrl = url.replace(/\/+$/, '');
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
