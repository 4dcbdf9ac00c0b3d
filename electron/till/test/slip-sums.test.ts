/**
 * The slip as a VAT document, for every demo meter: a real till (embedded demo switch, real SQLite,
 * the virtual printer over TCP) sells each meter for cash, and the printed text is parsed back. Each
 * supplied line is VAT-inclusive with the VAT it includes (15/115 of it, or none for a debt whose VAT
 * was invoiced before), the lines add up to TOTAL, TOTAL is the amount paid, the VAT total is the sum
 * of the lines' VAT and the exclusive total is TOTAL less VAT; above R50 it says TAX INVOICE with the
 * supplier's name, VAT number and a serial number, at R50 or less TILL SLIP; the change is shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vatIncluded } from '../../../common/tax-invoice';
import { DEMO_METERS, type DemoMeterName } from '../../../switch-core/providers/demo';
import { apiFromInvoke, type TillApi } from '../../api/contract';
import { startTillRuntime, type TillRuntime } from '../runtime';
import { waitSale } from './harness';

/** Meters whose sale the demo refuses on purpose (README's demo table): no slip to check. */
const REFUSED: Partial<Record<DemoMeterName, string>> = {
  blocked: 'blocked by the utility: the lookup is refused',
  staleNotSupported: 'stale contract table: nobody supports it until Confirm support',
};

let dir: string;
let rt: TillRuntime;
let api: TillApi;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'till-slip-sums-'));
  rt = await startTillRuntime({ dataDir: dir, mode: 'cli', workerIntervalMs: 100, operators: [{ id: 'sipho', name: 'Sipho', role: 'manager', pin: '2580' }], env: {} });
  api = apiFromInvoke(rt.backend.invoke);
  // A manager: the test reads every slip back from the virtual printer (a cashier sees it only when Settings allow).
  const s = await api.signIn({ operatorId: 'sipho', pin: '2580' });
  expect(s.ok, JSON.stringify(s)).toBe(true);
  expect((await api.openShift({ floatCents: 0 })).ok).toBe(true); // sign-in opens no drawer session
}, 60_000);
afterAll(async () => {
  await rt?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cents = (text: string) => {
  const m = /^(-?)R([\d ]+)\.(\d\d)$/.exec(text.trim());
  if (!m) throw new Error(`not a rand amount: "${text}"`);
  return (m[1] ? -1 : 1) * (Number((m[2] ?? '').replace(/ /g, '')) * 100 + Number(m[3]));
};
const MONEY = String.raw`(-?R[\d ]*\d\.\d\d)`;

interface ParsedSlip {
  title: string;
  lines: { label: string; incl: number; vatLabel: string; vat: number }[];
  total: number;
  vat: number;
  excl: number;
  received: number | null;
  change: number | null;
  text: string;
}

/** The slip's printed text read back as a person would: no access to the data it was built from. */
function parseSlip(text: string): ParsedSlip {
  const rows = text.split('\n');
  const value = (label: string) => {
    const row = rows.find((r) => new RegExp(`^${label}\\s+${MONEY}$`).test(r));
    return row ? cents(new RegExp(`${MONEY}$`).exec(row)?.[1] ?? '') : null;
  };
  const start = rows.findIndex((r) => r.trim() === 'SUPPLIED (VAT INCLUSIVE)');
  if (start < 0) throw new Error(`no SUPPLIED section:\n${text}`);
  const lines: ParsedSlip['lines'] = [];
  for (let i = start + 1; i < rows.length && !/^-{10,}/.test(rows[i] ?? ''); i++) {
    const row = rows[i] ?? '';
    const item = new RegExp(`^(\\S.*?)\\s+${MONEY}$`).exec(row);
    if (item) lines.push({ label: item[1] ?? '', incl: cents(item[2] ?? ''), vatLabel: '', vat: Number.NaN });
    const vat = new RegExp(`^  ((?:incl\\. VAT|VAT \\().*?)\\s+${MONEY}$`).exec(row);
    const last = lines[lines.length - 1];
    if (vat && last) Object.assign(last, { vatLabel: vat[1], vat: cents(vat[2] ?? '') });
  }
  return {
    title: rows.map((r) => r.trim()).find((r) => r === 'TAX INVOICE' || r === 'TILL SLIP') ?? '',
    lines,
    total: value('TOTAL') ?? Number.NaN,
    vat: value('VAT 15% included') ?? Number.NaN,
    excl: value('Total excl\\. VAT') ?? Number.NaN,
    received: value('Cash received:'),
    change: value('Change:'),
    text,
  };
}

async function sellAndRead(meterId: string, wantCents: number): Promise<{ amount: number; received: number; slip: ParsedSlip }> {
  const lk = await api.lookupMeter({ meterId });
  if (!lk.ok) throw new Error(`${meterId}: ${lk.error.message}`);
  const amount = Math.min(lk.value.maxCents ?? wantCents, Math.max(lk.value.minCents ?? 0, wantCents));
  // The customer hands over the next R100 note above the amount: change is due.
  const received = Math.ceil((amount + 1) / 10_000) * 10_000;
  const p = await api.purchase({ lookupRef: lk.value.lookupRef, meterId, amountCents: amount, tender: { type: 'CASH', cashReceivedCents: received } });
  if (!p.ok) throw new Error(`${meterId}: ${p.error.message}`);
  const sale = await waitSale(api, p.value.saleId, (s) => s === 'succeeded' || s === 'failed');
  expect(sale.state, `${meterId}: ${sale.failure?.message}`).toBe('succeeded');
  for (let i = 0; i < 100; i++) {
    const jobs = await api.virtualPrinterJobs({});
    const job = jobs.ok ? jobs.value.jobs.find((j) => j.text.includes(sale.saleId)) : undefined;
    if (job) return { amount, received, slip: parseSlip(job.text) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${meterId}: no slip printed for sale ${sale.saleId}`);
}

function checkSums(meter: string, amount: number, received: number, slip: ParsedSlip): void {
  const at = `${meter}\n${slip.text}`;
  expect(slip.lines.length, at).toBeGreaterThan(0);
  for (const l of slip.lines) {
    // The VAT a line includes is 15/115 of it, or nothing where the debt's VAT was invoiced before.
    if (l.vatLabel.startsWith('VAT (invoiced before)')) expect(l.vat, `${l.label}\n${at}`).toBe(0);
    else expect([l.vatLabel, l.vat], `${l.label}\n${at}`).toEqual(['incl. VAT 15%', vatIncluded(l.incl)]);
  }
  expect(slip.lines.reduce((s, l) => s + l.incl, 0), `lines add up to TOTAL\n${at}`).toBe(slip.total);
  expect(slip.total, `TOTAL is the amount paid\n${at}`).toBe(amount);
  expect(slip.vat, at).toBe(slip.lines.reduce((s, l) => s + l.vat, 0));
  expect(slip.excl, at).toBe(slip.total - slip.vat);
  expect(slip.title, at).toBe(amount > 5_000 ? 'TAX INVOICE' : 'TILL SLIP');
  expect(slip.text, at).toMatch(/^Supplier:\s+\S/m);
  expect(slip.text, at).toMatch(/^Supplier VAT no:\s+\d{10}$/m);
  expect(slip.text, at).toMatch(/^Invoice no:\s+\S+$/m);
  expect(slip.text, at).not.toMatch(/excl VAT\)/);
  expect([slip.received, slip.change], at).toEqual([received, received - amount]);
}

describe('every demo meter’s slip adds up as a VAT document', () => {
  const names = Object.keys(DEMO_METERS) as DemoMeterName[];
  it.each(names.filter((n) => !REFUSED[n]))('%s for R200 cash', async (name) => {
    const { amount, received, slip } = await sellAndRead(DEMO_METERS[name], 20_000);
    checkSums(name, amount, received, slip);
  }, 60_000);

  it('at R50 or less the slip is a till slip that still shows the VAT', async () => {
    const { amount, received, slip } = await sellAndRead(DEMO_METERS.plain, 5_000);
    expect(amount).toBe(5_000);
    checkSums('plain', amount, received, slip);
    expect(slip.vat).toBe(vatIncluded(5_000));
  }, 60_000);

  it.each(Object.entries(REFUSED))('%s is refused on purpose (%s): no slip to check', async (name) => {
    const lk = await api.lookupMeter({ meterId: DEMO_METERS[name as DemoMeterName] });
    const sold = lk.ok ? await api.purchase({ lookupRef: lk.value.lookupRef, meterId: lk.value.meterId, amountCents: 20_000, tender: { type: 'CASH' } }) : lk;
    const final = sold.ok ? await waitSale(api, sold.value.saleId, (s) => s !== 'purchasing' && s !== 'retrying') : null;
    expect(sold.ok === false || final?.state === 'failed', JSON.stringify(final ?? sold)).toBe(true);
  }, 60_000);
});
