/**
 * Slips through the durable print queue, against the real virtual printer over TCP: a sale made
 * while the printer is out of paper shows the printer problem and keeps its slip; when paper is
 * back the slip prints by itself exactly once and the sale says "printed"; a till restarted on the
 * same data does not print a sale's slip a second time; a pending slip whose first print a power cut
 * took with it prints after the restart, once, and so does a late success's token slip; a manager's reprint of a sale whose slip
 * never printed sends that first slip, not a COPY beside it; 100 back-to-back sales while the
 * background worker drains the queue all say "printed", and the printer holds exactly their 100 slips;
 * an X-read asked for while another job is being sent is printed by the drain running then (not left
 * for the next worker tick) and says printed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransport, startVirtualPrinter, type VirtualPrinter } from '../../../printer';
import { sinkFromTransport, type ByteSink } from '../printing';
import { startTarget, startTill, waitSale, type Target, type TestTill } from './harness';

let target: Target;
let vp: VirtualPrinter;
let dir: string;
const printer = () => sinkFromTransport(createTransport({ kind: 'virtual', port: vp.port, timeoutMs: 1000 }));
const slipsFor = (saleId: string) => vp.jobs().filter((j) => j.complete && j.text.includes(saleId.slice(0, 8)));

beforeAll(async () => {
  target = await startTarget();
  dir = mkdtempSync(join(tmpdir(), 'till-printing-'));
  vp = await startVirtualPrinter({ port: 0, outDir: join(dir, 'vp') });
});
afterAll(async () => {
  await vp?.close();
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sellOne(till: TestTill): Promise<string> {
  const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } });
  expect(p.ok, JSON.stringify(p)).toBe(true);
  const saleId = p.ok ? p.value.saleId : '';
  await waitSale(till.api, saleId, (s) => s === 'succeeded');
  await till.backend.idle();
  return saleId;
}

async function slipState(till: TestTill, saleId: string) {
  const t = await till.api.getTransaction({ saleId });
  return t.ok ? t.value.sale.slip : null;
}

describe("the till's own slip beside the switch's slipData", () => {
  it('prints its own tax invoice to the paper’s full width, with the very figures of the slipData the switch built', async () => {
    const till = await startTill(target, { dir: join(dir, 'slip'), workerIntervalMs: 0, printer: printer() });
    try {
      const saleId = await sellOne(till);
      const auth = 'Basic ' + Buffer.from(`${target.username}:${target.password}`).toString('base64');
      const tx = (await (await fetch(`${target.url}/admin/v1/transactions/${saleId}`, { headers: { authorization: auth } })).json()) as {
        transaction: { responseBody: { slipData?: { messageLines: { text: string }[] } } };
      };
      const squeeze = (l: string) => l.trim().replace(/\s+/g, ' ');
      const lines = tx.transaction.responseBody.slipData?.messageLines.map((l) => squeeze(l.text)).filter(Boolean) ?? [];
      // The money, from what was supplied down to the exclusive total, and the invoice's title and serial number.
      const money = lines.slice(lines.indexOf('SUPPLIED (VAT INCLUSIVE)'), lines.findIndex((l) => l.startsWith('Total excl. VAT')) + 1);
      expect(money.length, lines.join('\n')).toBeGreaterThan(4);
      const printed = slipsFor(saleId);
      expect(printed).toHaveLength(1);
      const rows = (printed[0]?.text ?? '').split('\n');
      for (const line of [...money, 'TAX INVOICE', lines.find((l) => l.startsWith('Invoice no:')) ?? 'Invoice no:']) expect(rows.map(squeeze), line).toContain(line);
      // 80 mm paper: 48 columns, not the slipData's 42.
      expect(rows.find((r) => r.startsWith('TOTAL'))?.length).toBe(48);
    } finally {
      await till.backend.close();
    }
  });

  it("the printed slip's QR code, read back from the rendered image, is the sale's reference", async () => {
    const till = await startTill(target, { dir: join(dir, 'qr'), workerIntervalMs: 0, printer: printer() });
    try {
      const saleId = await sellOne(till);
      const [job] = slipsFor(saleId);
      const image = PNG.sync.read(readFileSync(job!.files.png));
      const qr = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
      expect(qr?.data).toBe(saleId);
    } finally {
      await till.backend.close();
    }
  });
});

describe('till slips through the durable print queue', () => {
  it('out of paper: the token is safe and the slip waits; paper back: it prints once by itself', async () => {
    const till = await startTill(target, { dir: join(dir, 'a'), workerIntervalMs: 0, printer: printer() });
    try {
      vp.setStatus({ paperOut: true });
      const saleId = await sellOne(till);
      const waiting = await slipState(till, saleId);
      expect(waiting).toMatchObject({ printed: false });
      expect(waiting?.printError).toMatch(/out of paper/i);
      expect(slipsFor(saleId)).toHaveLength(0);

      vp.setStatus({ paperOut: false });
      await till.backend.tick();
      await till.backend.tick();
      expect(await slipState(till, saleId)).toMatchObject({ printed: true, printError: null, kind: 'sale' });
      expect(slipsFor(saleId)).toHaveLength(1);
    } finally {
      vp.setStatus({ paperOut: false });
      await till.backend.close();
    }
  });

  it('a restarted till finds the stored slip job and does not print it again', async () => {
    const data = join(dir, 'b');
    let till = await startTill(target, { dir: data, workerIntervalMs: 0, printer: printer() });
    const saleId = await sellOne(till);
    expect(slipsFor(saleId)).toHaveLength(1);
    // As after a crash between the print and recording it: the sale still owes its slip.
    till.backend.store.transitionSale(saleId, { slipPrinted: false, slipKind: null, printError: null, updatedAt: new Date().toISOString() });
    await till.backend.close();

    till = await startTill(target, { dir: data, workerIntervalMs: 0, printer: printer() });
    try {
      await till.backend.tick();
      await till.backend.idle();
      expect(await slipState(till, saleId)).toMatchObject({ printed: true });
      expect(slipsFor(saleId)).toHaveLength(1);
    } finally {
      await till.backend.close();
    }
  });

  /** A R100 cash sale left pending while the switch is off the network (the pending slip handed over); the switch stays down. */
  async function leftPendingWhileDown(till: TestTill): Promise<string> {
    await target.down();
    const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } });
    if (!p.ok) throw new Error(p.error.message);
    await waitSale(till.api, p.value.saleId, (s) => s === 'retrying');
    expect((await till.api.leavePending({ saleId: p.value.saleId })).ok).toBe(true);
    await till.backend.idle();
    return p.value.saleId;
  }
  /**
   * A power cut while the printer took a sale's `kind` slip: the job, stored without a flush of its own
   * until the printer finished it, is lost, and so is the sale's note of how that print went (`noted`:
   * what it said before); the sale's own state was flushed. The till is closed, as the cut leaves it.
   */
  async function cutDuringPrint(till: TestTill, data: string, saleId: string, kind: 'sale' | 'pending', noted: { slipPrinted: boolean; slipKind: 'pending' | null }): Promise<void> {
    till.backend.store.transitionSale(saleId, { ...noted, printError: null, updatedAt: new Date().toISOString() });
    await till.backend.close();
    const jobs = new Database(join(data, 'print-jobs.db'));
    expect(jobs.prepare('DELETE FROM print_jobs WHERE job_key = ?').run(`sale:${saleId}:${kind}`).changes).toBe(1);
    jobs.close();
  }
  /** The till started again on the same data, printing to the virtual printer; two worker ticks. */
  async function restartAndTick(data: string): Promise<TestTill> {
    const till = await startTill(target, { dir: data, workerIntervalMs: 0, printer: printer() });
    for (let i = 0; i < 2; i++) {
      await till.backend.tick();
      await till.backend.idle();
    }
    return till;
  }

  it('a pending slip whose first print a power cut took with it prints after the restart, once', async () => {
    const data = join(dir, 'p');
    // The till as it was before the cut prints to a sink of its own: whatever reached that paper was cut off.
    let till = await startTill(target, { dir: data, workerIntervalMs: 0 });
    try {
      const saleId = await leftPendingWhileDown(till);
      await cutDuringPrint(till, data, saleId, 'pending', { slipPrinted: false, slipKind: null });
      const pendingSlips = () => vp.jobs().filter((j) => j.complete && /PENDING/.test(j.text) && j.text.includes(saleId.slice(-8)));
      till = await restartAndTick(data);
      expect(pendingSlips()).toHaveLength(1);
      expect(await slipState(till, saleId)).toMatchObject({ printed: true, kind: 'pending' });
      expect(await till.api.getSale({ saleId })).toMatchObject({ ok: true, value: { state: 'pending' } });

      // Cut again after it printed, before its note was kept: the stored job answers that it printed, nothing prints twice.
      till.backend.store.transitionSale(saleId, { slipPrinted: false, slipKind: null, printError: null, updatedAt: new Date().toISOString() });
      await till.backend.close();
      till = await restartAndTick(data);
      expect(pendingSlips()).toHaveLength(1);
      expect(await slipState(till, saleId)).toMatchObject({ printed: true, kind: 'pending' });
    } finally {
      await target.up();
      await till.backend.close();
    }
  });

  it("a late success's token slip whose first print a power cut took with it (its pending slip had printed) prints after the restart", async () => {
    const data = join(dir, 'q');
    let till = await startTill(target, { dir: data, workerIntervalMs: 0 });
    try {
      const saleId = await leftPendingWhileDown(till);
      await target.up();
      expect(await till.api.retryNow({ saleId })).toMatchObject({ ok: true, value: { state: 'succeeded' } });
      await till.backend.idle();
      // The sale's note still says what it said after the pending slip printed.
      await cutDuringPrint(till, data, saleId, 'sale', { slipPrinted: true, slipKind: 'pending' });
      till = await restartAndTick(data);
      expect(slipsFor(saleId).filter((j) => /^TOTAL\s+R100\.00$/m.test(j.text))).toHaveLength(1);
      expect(await slipState(till, saleId)).toMatchObject({ printed: true, kind: 'sale' });
    } finally {
      await target.up();
      await till.backend.close();
    }
  });

  it("a manager's reprint of a slip that never printed sends the first slip, not a COPY", async () => {
    const till = await startTill(target, { dir: join(dir, 'c'), workerIntervalMs: 0, printer: printer() });
    try {
      vp.setStatus({ coverOpen: true });
      const saleId = await sellOne(till);
      expect(await slipState(till, saleId)).toMatchObject({ printed: false });
      vp.setStatus({ coverOpen: false });
      const r = await till.api.reprintLocal({ saleId });
      expect(r.ok && r.value.printed).toBe(true);
      await till.backend.tick();
      const slips = slipsFor(saleId);
      expect(slips).toHaveLength(1);
      expect(slips[0]?.text).not.toMatch(/^\s*COPY$/m);
      expect(await slipState(till, saleId)).toMatchObject({ printed: true });
    } finally {
      vp.setStatus({ coverOpen: false });
      await till.backend.close();
    }
  });
});

describe('print status is true', () => {
  it('100 back-to-back sales while the worker drains: every sale says printed, one slip each', async () => {
    // The worker drains every 2 ms, so most sales' prints start while a drain is already running.
    const till = await startTill(target, { dir: join(dir, 'd'), workerIntervalMs: 2, printer: printer() });
    try {
      const sales: string[] = [];
      for (let i = 0; i < 100; i++) {
        const p = await till.api.purchase({ meterId: 'TST001', amountCents: 10000, tender: { type: 'CASH' } });
        if (!p.ok) throw new Error(p.error.message);
        const sale = await waitSale(till.api, p.value.saleId, (s) => s !== 'purchasing' && s !== 'retrying');
        expect(sale.state, `sale ${i}: ${JSON.stringify(sale)}`).toBe('succeeded');
        sales.push(p.value.saleId);
      }
      await till.backend.idle();
      const states = await Promise.all(sales.map((id) => slipState(till, id)));
      // Each status as recorded by the sale's own print, before any later tick could correct it.
      expect(states.filter((s) => !s?.printed).length, JSON.stringify(states.find((s) => !s?.printed))).toBe(0);
      for (const id of sales) expect(slipsFor(id), id).toHaveLength(1);
    } finally {
      await till.backend.close();
    }
  }, 120_000);

  it('a reprint whose first slip had already printed prints a COPY with the original date and reference, and says printed only then', async () => {
    const till = await startTill(target, { dir: join(dir, 'e'), workerIntervalMs: 0, printer: printer() });
    try {
      const saleId = await sellOne(till);
      // As after a crash between the print and recording it: the job printed, the sale does not know.
      till.backend.store.transitionSale(saleId, { slipPrinted: false, slipKind: null, printError: null, updatedAt: new Date().toISOString() });
      const r = await till.api.reprintLocal({ saleId });
      expect(r).toMatchObject({ ok: true, value: { printed: true } });
      const slips = slipsFor(saleId);
      expect(slips).toHaveLength(2);
      expect(slips[1]?.text).toMatch(/^\s*COPY$/m);
      // The copy keeps the original's date of issue and reference: only the banner and its reprint line are new.
      const dateOf = (t: string | undefined) => /^Date:.*$/m.exec(t ?? '')?.[0];
      expect(dateOf(slips[1]?.text)).toBe(dateOf(slips[0]?.text));
      expect(slips[1]?.text).toContain(`Reference:  ${saleId}`);
    } finally {
      await till.backend.close();
    }
  });

  it('a token reprint from the switch is a COPY of the original: the sale’s own reference and date of issue, not the reprint’s', async () => {
    const till = await startTill(target, { dir: join(dir, 'f'), workerIntervalMs: 0, printer: printer() });
    try {
      const saleId = await sellOne(till);
      await expect.poll(() => slipsFor(saleId).length).toBe(1);
      const r = await till.api.reprintFromSwitch({ saleId });
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true, value: { printed: true } });
      const copy = vp.jobs().filter((j) => j.complete && /^\s*COPY$/m.test(j.text)).at(-1)?.text ?? '';
      expect(copy).toContain(`Reference:  ${saleId}`);
      const dateOf = (t: string | undefined) => /^Date:.*$/m.exec(t ?? '')?.[0];
      expect(dateOf(copy)).toBe(dateOf(slipsFor(saleId)[0]?.text));
      expect(copy).toMatch(/^TOTAL\s+R100\.00$/m);
    } finally {
      await till.backend.close();
    }
  });
});

describe('a job stored while a drain is sending', () => {
  it('an X-read asked for while another slip is being sent prints in that drain and says printed, not "not printed yet"', async () => {
    const data = join(dir, 'x');
    const real = printer();
    // The first job sent (a test page) is held at the printer until the X-read's job is stored.
    let arrived!: () => void;
    const sending = new Promise<void>((r) => (arrived = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const held: ByteSink = {
      description: real.description,
      status: () => real.status(),
      async send(bytes) {
        if (first) {
          first = false;
          arrived();
          await gate;
        }
        return real.send(bytes);
      },
    };
    const till = await startTill(target, { dir: data, workerIntervalMs: 0, printer: held });
    const jobs = new Database(join(data, 'print-jobs.db'), { readonly: true });
    try {
      const testPage = till.api.printTestPage({});
      await sending;
      const xRead = till.api.printShiftReport({});
      await expect.poll(() => (jobs.prepare('SELECT count(*) AS n FROM print_jobs').get() as { n: number }).n).toBe(2);
      release();
      expect(await testPage).toMatchObject({ ok: true, value: { printed: true } });
      expect(await xRead).toMatchObject({ ok: true, value: { printed: true, message: null } });
      expect(vp.jobs().filter((j) => j.complete && j.text.includes('X-READ'))).toHaveLength(1);
    } finally {
      release();
      jobs.close();
      await till.backend.close();
    }
  });
});
