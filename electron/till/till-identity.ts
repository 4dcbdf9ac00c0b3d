/**
 * Each till is itself: at its first start (or while it still carries the shipped TERM0001) a till
 * takes the identity its installer gives — PPU_TILL_TERMINAL_ID, PPU_TILL_TERMINAL_NAME,
 * PPU_TILL_MERCHANT_ID, PPU_TILL_MERCHANT_NAME, PPU_TILL_MERCHANT_CITY — or else a terminal id of its
 * own, random, so two tills on one switch never share one. Like PPU_TILL_OPERATORS this is
 * provisioning: written once into the settings, which a manager may change later in Settings.
 */
import { randomBytes } from 'node:crypto';
import type { SettingsPatch } from '../api/contract';
import { SHIPPED_TERMINAL_ID, upgradeSettings, validateSettings, type StoredSettings } from './settings';
import type { TillStore } from './store/repository';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I or O: read out over the phone

/** A fresh terminal id: 'T' and 7 random characters (34^7 ≈ 5e10 ids). */
export function newTerminalId(bytes: (n: number) => Buffer = randomBytes): string {
  return 'T' + [...bytes(7)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

const FROM_ENV = {
  PPU_TILL_TERMINAL_ID: 'terminalId',
  PPU_TILL_TERMINAL_NAME: 'terminalName',
  PPU_TILL_MERCHANT_ID: 'merchantId',
  PPU_TILL_MERCHANT_NAME: 'merchantName',
  PPU_TILL_MERCHANT_CITY: 'merchantCity',
} as const;

/**
 * Gives a till without an identity of its own one (see the header) and saves it; a wrong value from
 * the environment stops the start in words naming the variable. Answers the settings in force.
 */
export function provisionIdentity(store: TillStore, env: Readonly<Record<string, string | undefined>>, log: (line: string) => void): StoredSettings {
  const stored = store.getSetting<StoredSettings>('settings');
  const current = upgradeSettings(stored);
  if (stored !== null && current.terminalId !== SHIPPED_TERMINAL_ID) return current;
  const patch: SettingsPatch = { terminalId: newTerminalId() };
  for (const [name, field] of Object.entries(FROM_ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') patch[field] = v;
  }
  const checked = validateSettings(current, patch);
  if (!checked.ok) {
    const [field, why] = Object.entries(checked.fields)[0] ?? ['', 'is wrong'];
    const name = Object.entries(FROM_ENV).find(([, f]) => f === field)?.[0] ?? field;
    throw new Error(`${name} ${why}`);
  }
  store.setSetting('settings', checked.value);
  log(`till identity: terminal ${checked.value.terminalId}${checked.value.terminalName ? ` (${checked.value.terminalName})` : ''}, merchant ${checked.value.merchantId} ${checked.value.merchantName}`);
  return checked.value;
}
