/**
 * Printers that say what they are, against the real virtual printer over TCP: a till set to 80 mm
 * paper lays out 32 columns when the printer answers GS I with a 58 mm model, names the printer in
 * its status, and warns of paper near-end while still printing, before paper-out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, paperForModel, startVirtualPrinter, type VirtualPrinter } from '../../../printer';
import { createSlipPrinter, sinkFromTransport } from '../printing';

let dir: string;
const printers: VirtualPrinter[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'printer-identity-'));
});
afterAll(async () => {
  for (const vp of printers) await vp.close();
  rmSync(dir, { recursive: true, force: true });
});

async function tillWith(model: string) {
  const vp = await startVirtualPrinter({ port: 0, outDir: join(dir, model), model });
  printers.push(vp);
  const sink = sinkFromTransport(createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 1000 }));
  const slips = createSlipPrinter(() => sink, () => 80, join(dir, `${model}.sqlite`));
  return { vp, slips };
}

/** Columns the slip was laid out in: the terminal line runs from the left edge to the right. */
const columnsOf = (text: string) => /^Terminal: +\S+$/m.exec(text)?.[0].length;

describe('printers that say what they are', () => {
  it('a 58 mm model answer lays the slip out in 32 columns although the setting says 80 mm', async () => {
    const { vp, slips } = await tillWith('TM-m10');
    expect((await slips.printTestPage({ merchantName: 'Corner Store', terminalId: 'TERM0001' }, new Date())).printed).toBe(true);
    expect(columnsOf(vp.jobs()[0]?.text ?? '')).toBe(32);
    slips.close();
  });

  it('an 80 mm model keeps the setting: 48 columns', async () => {
    const { vp, slips } = await tillWith('TM-T20III');
    expect((await slips.printTestPage({ merchantName: 'Corner Store', terminalId: 'TERM0001' }, new Date())).printed).toBe(true);
    expect(columnsOf(vp.jobs()[0]?.text ?? '')).toBe(48);
    slips.close();
  });

  it('names the printer in its status and warns of paper near-end before paper-out', async () => {
    const { vp, slips } = await tillWith('TM-T20III');
    expect(await slips.status()).toMatchObject({ state: 'ready', name: 'TM-T20III', message: 'EPSON TM-T20III: Printer ready', paperLow: false });
    vp.setStatus({ paperLow: true });
    expect(await slips.status()).toMatchObject({ state: 'ready', paperLow: true, message: 'EPSON TM-T20III: Printer ready (paper low: load a new roll soon)' });
    expect((await slips.printTestPage({}, new Date())).printed).toBe(true);
    vp.setStatus({ paperLow: false, paperOut: true });
    expect(await slips.status()).toMatchObject({ state: 'paper-out', paperLow: false });
    slips.close();
  });

  it.each([
    ['TM-m10', 58], ['EPSON TM-P20 Receipt', 58], ['POS-58', 58], ['Star mC-Print2', 58],
    ['TM-T20III', undefined], ['Star TSP143IIIU', undefined], ['Generic / Text Only', undefined],
  ] as const)('%s takes %s mm paper only', (model, paper) => {
    expect(paperForModel(model)).toBe(paper);
  });
});
