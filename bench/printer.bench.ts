/**
 * Printing: (1) slips laid out + encoded per second by our encoder against node-thermal-printer
 * used directly — the ESC/POS library a Node developer reaches for, driven the way its README
 * shows (align, bold, setTextSize, println, drawLine, code128, printQR, cut) over the same printed
 * lines. It does less than we do (no layout, no code-page fallback), so the ratio is our real cost.
 * (2) virtual-printer decode + render per slip against writing a PNG of the same size with the
 * same settings (the floor of any renderer). (3) the hostile jobs of issue 10 refused by the
 * virtual printer, and framing 16 MB vs 4 MB without a cut (linear: about 4×, quadratic 16×).
 * Targets, all ratios to a baseline measured in the same run (absolute times on a shared 2-core
 * machine are noise): layout+encode ≤ 0.9× node-thermal-printer's time per slip (measured 0.62× on
 * the day this target was set, on a loaded machine: a margin of about 45% for noise, where the old 3×
 * left room for our encoder to grow five times slower unnoticed); decode+render ≤ 4× the blank PNG's
 * time (measured 2.5× on a loaded machine: 60% margin); each hostile job refused within 1 s; framing
 * 16 MB ≤ 8× 4 MB.
 */
import pkg from 'node-thermal-printer';
import { PNG } from 'pngjs';
import { decodeEscPos, encodeEscPos, layoutSlip, PAPER_DOTS, renderSlipPng, slipText, type SlipLines } from '../printer/index';
import { JobFramer } from '../printer/job-framer';
import { commandsRefusal, JobRefused } from '../printer/limits';
import { SAMPLES } from '../printer/test/samples';
import { atMost, type TargetCheck } from './targets';

const { ThermalPrinter, PrinterTypes, CharacterSet, BreakLine } = pkg;
const papers = ['58mm', '80mm'] as const;
const cases = papers.flatMap((paper) => Object.values(SAMPLES).map((slip) => ({ slip, paper })));

function timeLoop(ms: number, fn: (i: number) => void): { n: number; elapsed: number } {
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    fn(n);
    n++;
  }
  return { n, elapsed: performance.now() - start };
}
const perSecond = (r: { n: number; elapsed: number }) => (r.n / r.elapsed) * 1000;

/** The same printed lines through node-thermal-printer's own calls, as its README prints a receipt. */
function encodeWithNodeThermalPrinter(lines: SlipLines): Buffer {
  const p = new ThermalPrinter({ type: PrinterTypes.EPSON, interface: '', width: lines.columns, characterSet: CharacterSet.WPC1252, breakLine: BreakLine.NONE });
  for (const l of lines.lines) {
    if (l.kind === 'text') {
      if (l.align === 'center') p.alignCenter();
      else if (l.align === 'right') p.alignRight();
      else p.alignLeft();
      p.bold(!!l.bold);
      p.underline(!!l.underline);
      p.invert(!!l.invert);
      p.setTextSize(l.height - 1, l.width - 1);
      p.println(l.text);
    } else if (l.kind === 'rule') p.drawLine();
    else if (l.kind === 'feed') for (let k = 0; k < l.lines; k++) p.newLine();
    else if (l.kind === 'barcode') p.code128(l.data, { height: l.height });
    else if (l.kind === 'qr') p.printQR(l.data, { cellSize: l.cellSize, correction: 'M', model: 2 });
    else p.cut();
  }
  return p.getBuffer();
}

/** A PNG of the slip's size written with the renderer's settings: what any renderer must at least do. */
function blankPng(width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.alloc(width * height, 255);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8, deflateLevel: 3, filterType: 0 });
}

/** What the virtual printer does with a job's bytes, up to its refusal; answers the reason or null. */
function printOrRefuse(bytes: Buffer): string | null {
  for (const job of new JobFramer().push(bytes)) if (job.kind === 'refused') return job.reason;
  const commands = decodeEscPos(bytes);
  const early = commandsRefusal(commands);
  if (early) return early;
  try {
    slipText(commands, { paper: '80mm' });
    renderSlipPng(commands, { paper: '80mm' });
    return null;
  } catch (e) {
    if (e instanceof JobRefused) return e.reason;
    throw e;
  }
}

function frameWithoutCut(mb: number): number {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const framer = new JobFramer();
  const start = performance.now();
  for (let sent = 0; sent < mb * 1024 * 1024; sent += chunk.length) framer.push(chunk);
  framer.end();
  return performance.now() - start;
}

export default async function (): Promise<TargetCheck[]> {
  const laid = cases.map((c) => layoutSlip(c.slip, { paper: c.paper }));
  const bytes = laid.map((l) => encodeEscPos(l, { commandSet: 'epson' }));
  const avgBytes = Math.round(bytes.reduce((s, b) => s + b.length, 0) / bytes.length);
  const ntpBytes = laid.map(encodeWithNodeThermalPrinter);
  const avgNtp = Math.round(ntpBytes.reduce((s, b) => s + b.length, 0) / ntpBytes.length);

  // Warm up the JIT before measuring.
  timeLoop(300, (i) => encodeEscPos(layoutSlip(cases[i % cases.length]!.slip, { paper: cases[i % cases.length]!.paper }), { commandSet: 'epson' }));
  timeLoop(300, (i) => encodeWithNodeThermalPrinter(laid[i % laid.length]!));
  const ours = perSecond(timeLoop(3000, (i) => {
    const c = cases[i % cases.length]!;
    encodeEscPos(layoutSlip(c.slip, { paper: c.paper }), { commandSet: 'epson' });
  }));
  const oursEncodeOnly = perSecond(timeLoop(2000, (i) => encodeEscPos(laid[i % laid.length]!, { commandSet: 'epson' })));
  const ntp = perSecond(timeLoop(3000, (i) => encodeWithNodeThermalPrinter(laid[i % laid.length]!)));

  timeLoop(300, (i) => renderSlipPng(decodeEscPos(bytes[i % bytes.length]!), { paper: cases[i % cases.length]!.paper }));
  const dec = timeLoop(5000, (i) => renderSlipPng(decodeEscPos(bytes[i % bytes.length]!), { paper: cases[i % cases.length]!.paper }));
  const renderMs = dec.elapsed / dec.n;
  const sizes = bytes.map((b, i) => {
    const paper = cases[i]!.paper;
    return { width: PAPER_DOTS[paper], height: PNG.sync.read(renderSlipPng(decodeEscPos(b), { paper })).height };
  });
  const floor = timeLoop(3000, (i) => blankPng(sizes[i % sizes.length]!.width, sizes[i % sizes.length]!.height));
  const floorMs = floor.elapsed / floor.n;

  const h = 65535;
  const hostile: [string, Buffer][] = [
    ['160 KB of 8x text + cut', Buffer.from([0x1b, 0x40, 0x1d, 0x21, 0x77, ...Buffer.alloc(160 * 1024, 0x41), 0x1d, 0x56, 0x00])],
    ['8x65535 double-scale raster', Buffer.concat([Buffer.from([0x1b, 0x40, 0x1d, 0x76, 0x30, 0x03, 1, 0, h & 0xff, h >> 8]), Buffer.alloc(h, 0xff)])],
    ['4 MB without a cut', Buffer.concat([Buffer.from([0x1b, 0x40]), Buffer.alloc(4 * 1024 * 1024, 0x41)])],
  ];
  const refusals = hostile.map(([name, b]) => {
    const start = performance.now();
    const reason = printOrRefuse(b);
    return { name, ms: performance.now() - start, reason };
  });
  frameWithoutCut(4);
  // Best of three each: a stall of the shared machine lands in one run, not in the figure.
  const best = (mb: number) => Math.min(frameWithoutCut(mb), frameWithoutCut(mb), frameWithoutCut(mb));
  const frame4 = best(4);
  const frame16 = best(16);

  const row = (name: string, value: string, base: string, ratio: string) => console.log(`${name.padEnd(40)} ${value.padStart(12)} ${base.padStart(14)} ${ratio.padStart(8)}`);
  console.log(`slips: ${cases.length} layouts (${Object.keys(SAMPLES).length} kinds x 58/80 mm), ${avgBytes} bytes average (node-thermal-printer's: ${avgNtp})`);
  row('measure', 'ours', 'baseline', 'ratio');
  row('layout+encode slips/s (vs NTP direct)', ours.toFixed(0), ntp.toFixed(0), `${(ours / ntp).toFixed(2)}x`);
  row('encode only slips/s (vs NTP direct)', oursEncodeOnly.toFixed(0), ntp.toFixed(0), `${(oursEncodeOnly / ntp).toFixed(2)}x`);
  row('decode+render ms/slip (vs blank PNG)', renderMs.toFixed(2), floorMs.toFixed(2), `${(renderMs / floorMs).toFixed(1)}x`);
  for (const r of refusals) row(`hostile: ${r.name} ms`, r.ms.toFixed(0), '', '');
  for (const r of refusals) console.log(`  ${r.name}: ${r.reason ?? 'PRINTED (not refused)'}`);
  row('framing without a cut: 16 MB vs 4 MB ms', frame16.toFixed(0), frame4.toFixed(0), `${(frame16 / frame4).toFixed(2)}x`);

  return [
    atMost('layout+encode time vs node-thermal-printer direct', ntp / ours, 0.9, '×'),
    atMost('decode+render per slip vs a blank PNG of the same size', renderMs / floorMs, 4, '×'),
    ...refusals.map((r) => ({ name: `hostile job refused: ${r.name}`, met: r.reason !== null && r.ms <= 1000, detail: `${r.reason === null ? 'printed' : 'refused'} in ${r.ms.toFixed(0)} ms (target: refused within 1,000 ms)` })),
    atMost('framing 16 MB vs 4 MB without a cut (linear ≈ 4, quadratic ≈ 16)', frame16 / frame4, 8, '×'),
  ];
}
