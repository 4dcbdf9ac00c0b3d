/**
 * Printer settings as a manager saves them: one address, refused with what is wrong; the drawer
 * wiring checked; a till upgraded from the kind/host/port settings keeps printing to the same printer.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, printerKindOf, upgradeSettings, validateSettings } from '../settings';

describe('printer settings', () => {
  it('takes a printer address and says what is wrong with a bad one', () => {
    const good = validateSettings(DEFAULT_SETTINGS, { printer: { address: 'device:/dev/usb/lp0?cmd=star' } });
    expect(good.ok && good.value.printer.address).toBe('device:/dev/usb/lp0?cmd=star');
    expect(validateSettings(DEFAULT_SETTINGS, { printer: { address: 'tcp://10.0.0.5:70000' } })).toEqual({ ok: false, fields: { 'printer.address': 'port "70000" must be a number from 1 to 65535 (raw printing is usually 9100)' } });
    expect(validateSettings(DEFAULT_SETTINGS, { printer: { address: '' } }).ok).toBe(true);
  });

  it('checks the drawer wiring and keeps the rest of the drawer settings when one changes', () => {
    const r = validateSettings(DEFAULT_SETTINGS, { printer: { drawer: { pulseMs: 150 } } });
    expect(r.ok && r.value.printer.drawer).toEqual({ kickOnCash: true, pin: 2, pulseMs: 150 });
    expect(validateSettings(DEFAULT_SETTINGS, { printer: { drawer: { pulseMs: 5000 } } })).toMatchObject({ ok: false, fields: { 'printer.drawer.pulseMs': 'at most 500 ms' } });
  });

  it.each([
    [{ kind: 'tcp', host: '192.168.1.50', port: 9100, serialPath: '', baudRate: 19200, paperWidth: 58 }, 'tcp://192.168.1.50:9100', 'tcp'],
    [{ kind: 'serial', host: '', port: 9100, serialPath: '/dev/ttyUSB0', baudRate: 38400, paperWidth: 80 }, 'serial:/dev/ttyUSB0?baud=38400', 'serial'],
    [{ kind: 'none', host: '', port: 9100, serialPath: '', baudRate: 19200, paperWidth: 80 }, '', 'none'],
    [{ kind: 'virtual', host: '127.0.0.1', port: 9100, serialPath: '', baudRate: 19200, paperWidth: 80 }, 'virtual', 'virtual'],
  ])('an older till set to %o prints to %s', (printer, address, kind) => {
    const s = upgradeSettings({ ...DEFAULT_SETTINGS, printer } as unknown as typeof DEFAULT_SETTINGS);
    expect(s.printer).toEqual({ address, paperWidth: printer.paperWidth, drawer: DEFAULT_SETTINGS.printer.drawer });
    expect(printerKindOf(s.printer.address)).toBe(kind);
  });
});
