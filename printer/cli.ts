/**
 * ppu-printer: field-tech tools. `virtual` runs the virtual printer, `render` turns a captured job
 * into PNG/text, `test-page` prints the test page on a real printer, `status` asks a printer how it
 * is, `list` shows serial ports. Exit code 1 with a one-line message on bad input or failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { SerialPort } from 'serialport';
import {
  createTransport,
  decodeEscPos,
  encodeEscPos,
  layoutSlip,
  listSerialPorts,
  renderSlipPng,
  slipText,
  startVirtualPrinter,
  testPageSlip,
  type Paper,
  type PrinterConfig,
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
  tcp?: string;
  serial?: string;
  baud?: number;
  flow?: 'none' | 'rtscts' | 'xonxoff';
  timeout?: number;
}

function targetConfig(o: Target): PrinterConfig {
  if (o.tcp) {
    const m = /^(.+):(\d+)$/.exec(o.tcp);
    if (!m) throw new Error(`--tcp must be HOST:PORT, got "${o.tcp}"`);
    return { kind: 'tcp', host: m[1] as string, port: Number(m[2]), timeoutMs: o.timeout };
  }
  if (o.serial) return { kind: 'serial', path: o.serial, baudRate: o.baud ?? 19200, flowControl: o.flow ?? 'none', timeoutMs: o.timeout };
  throw new Error('say where the printer is: --tcp HOST:PORT or --serial PATH --baud N');
}

const program = new Command('ppu-printer').description('ESC/POS printing tools for the prepaid-utility till');

program
  .command('virtual')
  .description('run the virtual printer: decodes ESC/POS jobs into PNG, text and JSON')
  .option('--port <port>', 'TCP port (0 = any free port)', intOpt, 9100)
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .requiredOption('--out <dir>', 'folder for <n>.bin/.png/.txt/.json')
  .option('--paper <paper>', '58mm or 80mm', paperOpt, '80mm' as Paper)
  .option('--serial <path>', 'also serve this serial device (e.g. one end of a socat PTY pair)')
  .option('--baud <n>', 'serial baud rate', intOpt, 19200)
  .action(async (o: { port: number; host: string; out: string; paper: Paper; serial?: string; baud: number }) => {
    const vp = await startVirtualPrinter({ host: o.host, port: o.port, outDir: o.out, paper: o.paper });
    vp.onJob((j) => console.log(`job ${j.n}: ${j.bytes} bytes${j.complete ? '' : ' (no cut: partial)'} -> ${j.refused === null ? j.files.png : `refused: ${j.refused}`}`));
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
  .action((file: string, o: { png?: string; text?: boolean; json?: boolean; paper: Paper }) => {
    const cmds = decodeEscPos(readFileSync(file));
    if (o.png) {
      writeFileSync(o.png, renderSlipPng(cmds, { paper: o.paper }));
      console.error(`wrote ${o.png}`);
    }
    if (o.text || (!o.png && !o.json)) process.stdout.write(slipText(cmds, { paper: o.paper }));
    if (o.json) console.log(JSON.stringify(cmds, null, 1));
  });

const addTarget = (c: Command) =>
  c
    .option('--tcp <host:port>', 'network printer (raw port, usually 9100)')
    .option('--serial <path>', 'serial printer device')
    .option('--baud <n>', 'serial baud rate', intOpt)
    .option('--flow <mode>', 'serial flow control: none, rtscts, xonxoff')
    .option('--timeout <ms>', 'connect/write timeout', intOpt, 5000);

addTarget(program.command('test-page').description('print the printer test page'))
  .option('--paper <paper>', '58mm or 80mm', paperOpt, '80mm' as Paper)
  .option('--star', 'use the Star command set instead of Epson ESC/POS')
  .action(async (o: Target & { paper: Paper; star?: boolean }) => {
    const transport = createTransport(targetConfig(o));
    const status = await transport.queryStatus();
    console.log(`status: ${status.message}`);
    if (status.answered && !status.ready) throw new Error(`not printing: ${status.message}`);
    const bytes = encodeEscPos(layoutSlip(testPageSlip(new Date()), { paper: o.paper }), { commandSet: o.star ? 'star' : 'epson' });
    await transport.send(bytes);
    console.log(`test page sent to ${transport.description} (${bytes.length} bytes)`);
  });

addTarget(program.command('status').description('ask a printer for its status (DLE EOT)')).action(async (o: Target) => {
  const s = await createTransport(targetConfig(o)).queryStatus();
  console.log(JSON.stringify(s, null, 1));
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
