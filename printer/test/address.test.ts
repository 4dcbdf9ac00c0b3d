/**
 * Printer addresses as a field tech types them: each kind parses to where the bytes go, and a
 * wrong address is refused with a message naming what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { formatPrinterAddress, parsePrinterAddress, type PrinterAddress } from '../address';

const good: [string, PrinterAddress][] = [
  ['tcp://10.0.0.5:9100', { target: { kind: 'tcp', host: '10.0.0.5', port: 9100 } }],
  ['tcp://till-printer.local', { target: { kind: 'tcp', host: 'till-printer.local', port: 9100 } }],
  ['tcp://[fe80::1]:9101', { target: { kind: 'tcp', host: 'fe80::1', port: 9101 } }],
  ['serial:/dev/ttyUSB0?baud=19200', { target: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 19200, flowControl: 'none' } }],
  ['serial:COM3?baud=9600&flow=rtscts', { target: { kind: 'serial', path: 'COM3', baudRate: 9600, flowControl: 'rtscts' } }],
  ['device:/dev/usb/lp0', { target: { kind: 'device', path: '/dev/usb/lp0' } }],
  ['cups:TM-T20?cmd=escpos&paper=58', { target: { kind: 'cups', queue: 'TM-T20' }, commandSet: 'escpos', paper: 58 }],
  ['windows:EPSON TM-T20III Receipt', { target: { kind: 'windows', printer: 'EPSON TM-T20III Receipt' } }],
  ['windows:Star TSP100 Cutter (TSP143)?cmd=star', { target: { kind: 'windows', printer: 'Star TSP100 Cutter (TSP143)' }, commandSet: 'star' }],
  ['virtual', { target: { kind: 'virtual' } }],
  ['  VIRTUAL?cmd=star&paper=80mm ', { target: { kind: 'virtual' }, commandSet: 'star', paper: 80 }],
];

const bad: [string, RegExp][] = [
  ['', /empty/],
  ['10.0.0.5:9100', /unknown printer kind "10\.0\.0\.5"/],
  ['lp0', /not a printer address/],
  ['tcp:10.0.0.5', /tcp:\/\/HOST:PORT/],
  ['tcp://10.0.0.5:99999', /port "99999"/],
  ['tcp://10.0.0.5:', /port ""/],
  ['serial:', /needs its port/],
  ['serial:/dev/ttyUSB0?baud=1234', /baud "1234"/],
  ['serial:/dev/ttyUSB0?flow=maybe', /flow "maybe"/],
  ['device:usb/lp0', /full path/],
  ['cups:', /queue name/],
  ['cups:My Printer', /cannot contain spaces/],
  ['windows:  ', /needs its name/],
  ['virtual:9100', /takes no location/],
  ['usb:/dev/usb/lp0', /unknown printer kind "usb"/],
  ['device:/dev/usb/lp0?cmd=zpl', /cmd "zpl"/],
  ['device:/dev/usb/lp0?paper=76', /paper "76"/],
  ['device:/dev/usb/lp0?baud=9600', /"baud" is not an option of a device printer/],
];

describe('printer addresses', () => {
  it.each(good)('%s parses', (text, want) => {
    expect(parsePrinterAddress(text)).toEqual({ ok: true, address: want });
  });

  it.each(good)('%s formats back to the same address', (text) => {
    const first = parsePrinterAddress(text);
    if (!first.ok) throw new Error(first.error);
    expect(parsePrinterAddress(formatPrinterAddress(first.address))).toEqual(first);
  });

  it.each(bad)('"%s" is refused, naming what is wrong', (text, why) => {
    const r = parsePrinterAddress(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });
});
