/**
 * Printing throughput: slips laid out + encoded per second, and virtual-printer decode + render
 * time per slip, each beside a baseline measured in the same run: writing the same slip bytes
 * to a local TCP socket. Targets: encode >= 5,000 slips/s; decode+render <= 20 ms per slip.
 */
import net from 'node:net';
import { decodeEscPos, encodeEscPos, layoutSlip, renderSlipPng } from '../printer/index';
import { SAMPLES } from '../printer/test/samples';

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

async function socketBaseline(payloads: Buffer[], count: number): Promise<number> {
  const server = net.createServer((s) => s.resume());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => socket.write(payloads[i % payloads.length] as Buffer, (e) => (e ? reject(e) : resolve())));
  }
  const elapsed = performance.now() - start;
  socket.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return elapsed / count;
}

export default async function (): Promise<void> {
  const bytes = cases.map((c) => encodeEscPos(layoutSlip(c.slip, { paper: c.paper }), { commandSet: 'epson' }));
  const avgBytes = Math.round(bytes.reduce((s, b) => s + b.length, 0) / bytes.length);

  // Warm up the JIT before measuring.
  timeLoop(300, (i) => encodeEscPos(layoutSlip(cases[i % cases.length]!.slip, { paper: cases[i % cases.length]!.paper }), { commandSet: 'epson' }));
  const enc = timeLoop(3000, (i) => {
    const c = cases[i % cases.length]!;
    encodeEscPos(layoutSlip(c.slip, { paper: c.paper }), { commandSet: 'epson' });
  });
  const encodePerSec = (enc.n / enc.elapsed) * 1000;

  const sockMs = await socketBaseline(bytes, 20000);
  const sockPerSec = 1000 / sockMs;

  timeLoop(300, (i) => renderSlipPng(decodeEscPos(bytes[i % bytes.length]!), { paper: cases[i % cases.length]!.paper }));
  const dec = timeLoop(5000, (i) => {
    renderSlipPng(decodeEscPos(bytes[i % bytes.length]!), { paper: cases[i % cases.length]!.paper });
  });
  const renderMs = dec.elapsed / dec.n;
  const decOnly = timeLoop(1000, (i) => decodeEscPos(bytes[i % bytes.length]!));
  const decodeMs = decOnly.elapsed / decOnly.n;

  const row = (name: string, value: string, base: string, ratio: string, target: string) =>
    console.log(`${name.padEnd(34)} ${value.padStart(14)} ${base.padStart(16)} ${ratio.padStart(9)}  ${target}`);
  console.log(`slips: ${cases.length} layouts (7 kinds x 58/80 mm), ${avgBytes} bytes average`);
  row('measure', 'value', 'baseline(socket)', 'ratio', 'target');
  row('layout+encode slips/s', encodePerSec.toFixed(0), sockPerSec.toFixed(0), (encodePerSec / sockPerSec).toFixed(2) + 'x', `>= 5000/s ${encodePerSec >= 5000 ? 'MET' : 'MISSED'}`);
  row('decode+render PNG ms/slip', renderMs.toFixed(2), sockMs.toFixed(3), (renderMs / sockMs).toFixed(1) + 'x', `<= 20 ms ${renderMs <= 20 ? 'MET' : 'MISSED'}`);
  row('decode only ms/slip', decodeMs.toFixed(3), sockMs.toFixed(3), (decodeMs / sockMs).toFixed(1) + 'x', '');
}
