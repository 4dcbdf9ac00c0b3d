/**
 * ppu-printer: field-tech tools. `virtual` runs the virtual printer (Epson or Star), `render` turns
 * a captured job into PNG/text, `test-page` prints the test page on a real printer, `status` asks a
 * printer how it is and what it is, `drawer` kicks the cash drawer, `list` shows serial ports. A
 * printer is named by one address (--printer or PPU_TILL_PRINTER, see docs/printing.md). Exit code
 * 1 with a one-line message on bad input or failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { SerialPort } from 'serialport';
import {
  createTransport,
  decodeEscPos,
  decodeStar,
  encodeDrawerKick,
  encodeEscPos,
  layoutSlip,
  listSerialPorts,
  parsePrinterAddress,
  renderSlipPng,
  slipText,
  startVirtualPrinter,
  testPageSlip,
  type Paper,
  type PrinterAddress,
  type Transport,
} from './index';

const paperOpt = (v: string): Paper => {
  if (v !== '58mm' && v !== '80mm') throw new InvalidArgumentError('paper must be 58mm or 80mm');
  return v;
};
const intOpt = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

interface Target {
  printer?: string;
  timeout: number;
}

/** The printer an address names, with a transport to it; a wrong or missing address is refused with what is wrong. */
function target(o: Target): { address: PrinterAddress; transport: Transport } {
  const text = o.printer ?? process.env.PPU_TILL_PRINTER;
  if (!text) throw new Error('say where the printer is: --printer ADDRESS (e.g. device:/dev/usb/lp0, tcp://192.168.1.50:9100, cups:TM-T20; see docs/printing.md)');
  const r = parsePrinterAddress(text);
  if (!r.ok) throw new Error(`--printer: ${r.error}`);
  const t = r.address.target;
  if (t.kind === 'virtual') throw new Error('"virtual" is the till\'s own printer: run `ppu-printer virtual` and use the tcp://127.0.0.1:PORT it prints');
  return { address: r.address, transport: createTransport({ ...t, timeoutMs: o.timeout }) };
}

const program = new Command('ppu-printer').description('ESC/POS printing tools for the prepaid-utility till');

program
  .command('virtual')
  .description('run the virtual printer: decodes ESC/POS jobs into PNG, text and JSON')
  .option('--port <port>', 'TCP port (0 = any free port)', intOpt, 9100)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .requiredOption('--out <dir>', 'folder for <n>.bin/.png/.txt/.json')
  .option('--paper <paper>', '58mm or 80mm', paperOpt, '80mm' as Paper)
  .option('--star', 'be a Star printer in Star Line mode instead of an Epson')
  .option('--model <name>', 'the model it answers to GS I (e.g. TM-m10 for a 58 mm printer)')
  .option('--serial <path>', 'also serve this serial device (e.g. one end of a socat PTY pair)')
  .option('--baud <n>', 'serial baud rate', intOpt, 19200)
  .action(async (o: { port: number; host: string; out: string; paper: Paper; star?: boolean; model?: string; serial?: string; baud: number }) => {
    const vp = await startVirtualPrinter({ host: o.host, port: o.port, outDir: o.out, paper: o.paper, commandSet: o.star ? 'star' : 'epson', ...(o.model ? { model: o.model } : {}) });
    vp.onJob((j) => console.log(`job ${j.n}: ${j.bytes} bytes${j.complete ? '' : ' (no cut: partial)'} -> ${j.refused === null ? j.files.png : `refused: ${j.refused}`}`));
    vp.onDrawer((k) => console.log(`drawer kick: pin ${k.pin}, ${k.onMs} ms`));
    if (o.serial) {
      const port = new SerialPort({ path: o.serial, baudRate: o.baud, autoOpen: false });
      await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
      vp.attach(port);
      console.log(`virtual printer reading serial ${o.serial}`);
    }
    console.log(`virtual printer listening on ${o.host}:${vp.port} (${o.paper}), writing to ${o.out}`);
    const stop = () => void vp.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('render')
  .description('render a captured ESC/POS job offline')
  .argument('<file>', 'captured job (.bin)')
  .option('--png <out>', 'write the slip image here')
  .option('--text', 'print the slip as text')
  .option('--json', 'print the decoded commands')
  .option('--paper <paper>', '58mm or 80mm', paperOpt, '80mm' as Paper)
  .option('--star', 'the job is in Star Line mode')
  .action((file: string, o: { png?: string; text?: boolean; json?: boolean; paper: Paper; star?: boolean }) => {
    const cmds = (o.star ? decodeStar : decodeEscPos)(readFileSync(file));
    if (o.png) {
      writeFileSync(o.png, renderSlipPng(cmds, { paper: o.paper }));
      console.error(`wrote ${o.png}`);
    }
    if (o.text || (!o.png && !o.json)) process.stdout.write(slipText(cmds, { paper: o.paper }));
    if (o.json) console.log(JSON.stringify(cmds, null, 1));
  });

const addTarget = (c: Command) =>
  c
    .option('--printer <address>', 'printer address, e.g. device:/dev/usb/lp0 (default: PPU_TILL_PRINTER)')
    .option('--timeout <ms>', 'connect/write timeout', intOpt, 5000);

addTarget(program.command('test-page').description('print the printer test page'))
  .option('--paper <paper>', '58mm or 80mm (default: the address\'s ?paper=, else what the printer says it is, else 80mm)', paperOpt)
  .action(async (o: Target & { paper?: Paper }) => {
    const { address, transport } = target(o);
    const status = await transport.queryStatus();
    console.log(`status: ${status.message}`);
    if (status.answered && !status.ready) throw new Error(`not printing: ${status.message}`);
    const id = await transport.identify?.();
    if (id) console.log(`printer: ${[id.maker, id.model].filter(Boolean).join(' ')}`);
    const mm = address.paper ?? (o.paper === '58mm' ? 58 : o.paper === '80mm' ? 80 : (id?.paper ?? 80));
    const bytes = encodeEscPos(layoutSlip(testPageSlip(new Date()), { paper: mm === 58 ? '58mm' : '80mm' }), { commandSet: address.commandSet === 'star' ? 'star' : 'epson' });
    await transport.send(bytes);
    console.log(`test page sent to ${transport.description} (${bytes.length} bytes, ${mm} mm)`);
  });

addTarget(program.command('status').description('ask a printer how it is (DLE EOT / ASB) and what it is (GS I)')).action(async (o: Target) => {
  const { transport } = target(o);
  const s = await transport.queryStatus();
  const id = (await transport.identify?.()) ?? null;
  console.log(JSON.stringify({ ...s, identity: id }, null, 1));
});

addTarget(program.command('drawer').description('open the cash drawer wired to the printer (drawer test)'))
  .option('--pin <pin>', 'drawer connector pin: 2 or 5', (v) => {
    if (v !== '2' && v !== '5') throw new InvalidArgumentError('pin must be 2 or 5');
    return Number(v) as 2 | 5;
  }, 2 as 2 | 5)
  .option('--pulse <ms>', 'solenoid pulse in ms', intOpt, 100)
  .action(async (o: Target & { pin: 2 | 5; pulse: number }) => {
    const { address, transport } = target(o);
    await transport.send(encodeDrawerKick(address.commandSet === 'star' ? 'star' : 'epson', { pin: o.pin, onMs: o.pulse, offMs: o.pulse * 2 }));
    console.log(`drawer kick sent to ${transport.description} (pin ${o.pin}, ${o.pulse} ms)`);
    // The drawer needs its pulse and a moment to spring open before its sensor says so.
    await new Promise((r) => setTimeout(r, o.pulse * 3 + 300));
    const s = await transport.queryStatus();
    if (s.drawerOpen !== undefined) console.log(`drawer sensor: ${s.drawerOpen ? 'open' : 'closed'}`);
  });

program
  .command('list')
  .description('list serial ports')
  .action(async () => {
    const ports = await listSerialPorts();
    if (ports.length === 0) console.log('no serial ports found');
    for (const p of ports) console.log([p.path, p.manufacturer, p.serialNumber].filter(Boolean).join('  '));
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`ppu-printer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
