/** The switch list as the manager and the field tech write it: entries, the wrong one named, the order tried on failover. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, switchOverrideFromEnv, validateSettings } from './settings';
import { switchEntries, switchLabel, switchRootOf, tryOrder } from './switch-list';

describe('the switch URL list', () => {
  it('reads comma-separated URLs in order, each under the PPU base path or as an origin', () => {
    const entries = switchEntries(' https://a:8443/prepaidutility/v3/ , https://b:8443,');
    expect(entries).toEqual(['https://a:8443/prepaidutility/v3/', 'https://b:8443']);
    expect(entries.map(switchRootOf)).toEqual(['https://a:8443', 'https://b:8443']);
    expect(entries.map((e) => switchLabel(switchRootOf(e)))).toEqual(['a:8443', 'b:8443']);
    expect(switchLabel('https://switch.example')).toBe('switch.example:443');
  });

  it('Settings accept a list and name the wrong entry of one', () => {
    expect(validateSettings(DEFAULT_SETTINGS, { switchUrl: 'https://a:8443/prepaidutility/v3,https://b:8443' }).ok).toBe(true);
    expect(validateSettings(DEFAULT_SETTINGS, { switchUrl: '' }).ok).toBe(true);
    expect(validateSettings(DEFAULT_SETTINGS, { switchUrl: 'https://a:8443,ftp://b' })).toEqual({ ok: false, fields: { switchUrl: 'URL 2 (ftp://b) must be an http(s):// URL' } });
    expect(validateSettings(DEFAULT_SETTINGS, { switchUrl: 'switch.example' })).toEqual({ ok: false, fields: { switchUrl: 'must be an http(s):// URL' } });
    expect(validateSettings(DEFAULT_SETTINGS, { switchUrl: ' , ' })).toEqual({ ok: false, fields: { switchUrl: 'lists no URL between its commas' } });
  });

  it('PPU_TILL_SWITCH_URL takes a list by the same rule per entry, and names the wrong one', () => {
    expect(switchOverrideFromEnv({ PPU_TILL_SWITCH_URL: 'https://a:8443/prepaidutility/v3/, https://b:8443' })).toEqual({ ok: true, value: { switchUrl: 'https://a:8443/prepaidutility/v3,https://b:8443' } });
    expect(switchOverrideFromEnv({ PPU_TILL_SWITCH_URL: 'https://a:8443,https://b/api/v2' })).toEqual({ ok: false, message: 'PPU_TILL_SWITCH_URL URL 2 (https://b/api/v2) must end in /prepaidutility/v3 (or be an origin alone)' });
  });

  it('on no answer, tries the others from the top of the list, each once', () => {
    expect(tryOrder(1, 0)).toEqual([0]);
    expect(tryOrder(2, 0)).toEqual([0, 1]);
    expect(tryOrder(2, 1)).toEqual([1, 0]);
    expect(tryOrder(3, 1)).toEqual([1, 0, 2]);
    expect(tryOrder(0, 0)).toEqual([]);
  });
});
