/**
 * Printer addresses: the one string a field tech types to say where a printer is and how to talk
 * to it (`tcp://10.0.0.5:9100`, `device:/dev/usb/lp0`, `cups:TM-T20`, `windows:EPSON TM-T20III`,
 * `serial:/dev/ttyUSB0?baud=19200`, `virtual`, each with optional `?cmd=escpos|star&paper=58|80`).
 * Pure: parsing answers either the address or a message naming what is wrong.
 */

export type FlowControl = 'none' | 'rtscts' | 'xonxoff';

/** Where the bytes go, without timeouts (the transport adds those). */
export type PrinterTarget =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'serial'; path: string; baudRate: number; flowControl: FlowControl }
  | { kind: 'device'; path: string }
  | { kind: 'cups'; queue: string }
  | { kind: 'windows'; printer: string }
  | { kind: 'virtual' };

export interface PrinterAddress {
  target: PrinterTarget;
  /** The command set the printer speaks; absent = Epson ESC/POS. */
  commandSet?: 'escpos' | 'star';
  /** Paper width in mm; absent = ask the printer (GS I) or use the till's setting. */
  paper?: 58 | 80;
}

export type AddressResult = { ok: true; address: PrinterAddress } | { ok: false; error: string };

export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200] as const;
export const DEFAULT_TCP_PORT = 9100;
export const DEFAULT_BAUD = 19200;

const EXAMPLES = 'tcp://HOST:9100, serial:/dev/ttyUSB0?baud=19200, device:/dev/usb/lp0, cups:QUEUE, windows:PRINTER NAME or virtual';

/** Options each kind accepts besides cmd and paper. */
const KIND_OPTIONS: Record<PrinterTarget['kind'], readonly string[]> = {
  tcp: [], serial: ['baud', 'flow'], device: [], cups: [], windows: [], virtual: [],
};

const fail = (error: string): AddressResult => ({ ok: false, error });

function parseTcp(rest: string): PrinterTarget | string {
  if (!rest.startsWith('//')) return 'a network printer is written tcp://HOST:PORT (two slashes after "tcp:")';
  const hostPort = rest.slice(2).replace(/\/$/, '');
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\d*))?$/.exec(hostPort);
  if (!m) return `"${hostPort}" is not HOST or HOST:PORT`;
  const host = (m[1] as string).replace(/^\[|\]$/g, '');
  if (m[2] === undefined) return { kind: 'tcp', host, port: DEFAULT_TCP_PORT };
  const port = Number(m[2]);
  if (m[2] === '' || !Number.isInteger(port) || port < 1 || port > 65535) return `port "${m[2]}" must be a number from 1 to 65535 (raw printing is usually 9100)`;
  return { kind: 'tcp', host, port };
}

function parseTarget(kind: string, rest: string, opts: URLSearchParams): PrinterTarget | string {
  switch (kind) {
    case 'tcp':
      return parseTcp(rest);
    case 'serial': {
      if (!rest) return 'a serial printer needs its port, e.g. serial:/dev/ttyUSB0 or serial:COM3';
      const baudText = opts.get('baud');
      const baudRate = baudText === null ? DEFAULT_BAUD : Number(baudText);
      if (!(BAUD_RATES as readonly number[]).includes(baudRate)) return `baud "${baudText}" must be one of ${BAUD_RATES.join(', ')}`;
      const flow = opts.get('flow') ?? 'none';
      if (flow !== 'none' && flow !== 'rtscts' && flow !== 'xonxoff') return `flow "${flow}" must be none, rtscts or xonxoff`;
      return { kind: 'serial', path: rest, baudRate, flowControl: flow };
    }
    case 'device':
      if (!rest.startsWith('/')) return `a printer device is a full path such as device:/dev/usb/lp0, got "${rest}"`;
      return { kind: 'device', path: rest };
    case 'cups':
      // CUPS refuses queue names with spaces, tabs, "/" or "#".
      if (!rest) return 'a CUPS printer needs its queue name, e.g. cups:TM-T20 (lpstat -p lists them)';
      if (/[\s/#]/.test(rest)) return `CUPS queue "${rest}" cannot contain spaces, "/" or "#" (lpstat -p lists the names)`;
      return { kind: 'cups', queue: rest };
    case 'windows':
      if (!rest.trim()) return 'a Windows printer needs its name as in Printers & scanners, e.g. windows:EPSON TM-T20III Receipt';
      return { kind: 'windows', printer: rest.trim() };
    case 'virtual':
      if (rest) return `the virtual printer takes no location, got "virtual:${rest}"`;
      return { kind: 'virtual' };
    default:
      return `unknown printer kind "${kind}"; write ${EXAMPLES}`;
  }
}

/** Parses a printer address; a wrong one is refused with a message naming what is wrong. */
export function parsePrinterAddress(input: string): AddressResult {
  const text = input.trim();
  if (!text) return fail(`the printer address is empty; write ${EXAMPLES}`);
  const q = text.indexOf('?');
  const head = q < 0 ? text : text.slice(0, q);
  const query = q < 0 ? '' : text.slice(q + 1);
  const colon = head.indexOf(':');
  const kind = (colon < 0 ? head : head.slice(0, colon)).toLowerCase();
  const rest = colon < 0 ? '' : head.slice(colon + 1);
  const opts = new URLSearchParams(query);
  if (colon < 0 && kind !== 'virtual') return fail(`"${text}" is not a printer address; write ${EXAMPLES}`);

  const target = parseTarget(kind, rest, opts);
  if (typeof target === 'string') return fail(target);

  const allowed = new Set(['cmd', 'paper', ...KIND_OPTIONS[target.kind]]);
  for (const key of opts.keys()) if (!allowed.has(key)) return fail(`"${key}" is not an option of a ${target.kind} printer (allowed: ${[...allowed].join(', ')})`);

  const address: PrinterAddress = { target };
  const cmd = opts.get('cmd');
  if (cmd !== null) {
    if (cmd !== 'escpos' && cmd !== 'star') return fail(`cmd "${cmd}" must be escpos (Epson and most others) or star (Star Line mode)`);
    address.commandSet = cmd;
  }
  const paper = opts.get('paper');
  if (paper !== null) {
    const mm = Number(paper.replace(/mm$/, ''));
    if (mm !== 58 && mm !== 80) return fail(`paper "${paper}" must be 58 or 80`);
    address.paper = mm;
  }
  return { ok: true, address };
}

/** The address as text: parsing it gives the same address back. */
export function formatPrinterAddress(a: PrinterAddress): string {
  const t = a.target;
  const params = new URLSearchParams();
  let head: string;
  switch (t.kind) {
    case 'tcp':
      head = `tcp://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
      break;
    case 'serial':
      head = `serial:${t.path}`;
      if (t.baudRate !== DEFAULT_BAUD) params.set('baud', String(t.baudRate));
      if (t.flowControl !== 'none') params.set('flow', t.flowControl);
      break;
    case 'device':
      head = `device:${t.path}`;
      break;
    case 'cups':
      head = `cups:${t.queue}`;
      break;
    case 'windows':
      head = `windows:${t.printer}`;
      break;
    case 'virtual':
      head = 'virtual';
      break;
  }
  if (a.commandSet) params.set('cmd', a.commandSet);
  if (a.paper) params.set('paper', String(a.paper));
  const q = params.toString();
  return q ? `${head}?${q}` : head;
}
