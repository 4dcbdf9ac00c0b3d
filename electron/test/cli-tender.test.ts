/**
 * `ppu-till sell` takes payment as the Sell screen does, over real processes, a real data directory,
 * the embedded demo switch and the virtual printer: a cash sale with --cash-received prints the cash
 * received and the change on its slip, and less than the amount is refused; a card sale reaches the
 * switch only once the card terminal's approval is given (--card-approval, or "y" at a terminal's
 * question), with its approval code stored, sent and printed on its slip — without it nothing is sent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_METERS } from '../../switch-core/providers/demo';
import { valueOf } from '../till/test/till-process';
import type { SaleView } from '../api/contract';

const dataDir = mkdtempSync(join(tmpdir(), 'till-cli-tender-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const meter = DEMO_METERS.plain;

function till(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['scripts/bin/ppu-till.js', '--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, PPU_TILL_PIN: '2580' } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * `ppu-till` on a terminal of its own (util-linux `script` gives it a pseudo-terminal): each answer
 * is typed once the question it answers is on the screen.
 */
function onTerminal(answers: { when: RegExp; type: string }[], ...args: string[]): Promise<{ code: number | null; out: string }> {
  const command = ['node', 'scripts/bin/ppu-till.js', '--data-dir', dataDir, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, PPU_TILL_PIN: '2580' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let next = 0;
  const onData = (b: Buffer) => {
    out += b.toString();
    const a = answers[next];
    if (a && a.when.test(out)) {
      next++;
      child.stdin.write(`${a.type}\r`);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // A question never asked (or never answered) must not hold the test: the run is ended, as spawnSync's timeout would.
  const stop = setTimeout(() => child.kill(), 90_000);
  return new Promise((resolve) => child.once('exit', (code) => (clearTimeout(stop), resolve({ code, out }))));
}

/** The purchases the switch has recorded (its own database, read between runs). */
function switchPurchases(): { request: string }[] {
  const db = new Database(join(dataDir, 'switch', 'switch.db'), { readonly: true });
  try {
    return db.prepare("SELECT request FROM transactions WHERE type = 'PURCHASE'").all() as { request: string }[];
  } finally {
    db.close();
  }
}

/** The till's own record of its sales. */
function tillSales(): { id: string; card_approval: string | null; cash_received_cents: number | null }[] {
  const db = new Database(join(dataDir, 'till.db'), { readonly: true });
  try {
    return db.prepare('SELECT id, card_approval, cash_received_cents FROM sales').all() as { id: string; card_approval: string | null; cash_received_cents: number | null }[];
  } finally {
    db.close();
  }
}

/** The slip the virtual printer printed for a sale (it prints the sale's reference). */
function slipOf(saleId: string): string {
  const dir = join(dataDir, 'virtual-printer');
  const slip = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .find((text) => text.includes(`Reference:  ${saleId}`));
  if (!slip) throw new Error(`no slip printed for sale ${saleId}`);
  return slip;
}

beforeAll(() => {
  const changed = spawnSync(process.execPath, ['scripts/bin/ppu-till.js', '--data-dir', dataDir, 'change-pin'], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, PPU_TILL_PIN: '1111', PPU_TILL_NEW_PIN: '2580' } });
  expect(changed.status, `${changed.stdout}${changed.stderr}`).toBe(0);
}, 120_000);

describe('ppu-till sell: cash received', () => {
  it('the slip shows the cash received and the change; less than the amount is refused and nothing is sent', () => {
    const sold = till('--json', 'sell', meter, '50', '--float', '500', '--cash-received', '100');
    expect(sold.code, sold.out).toBe(0);
    const sale = valueOf<SaleView>(sold);
    expect(sale.tender).toEqual({ type: 'CASH', cashReceivedCents: 10000 });
    const slip = slipOf(sale.saleId);
    expect(slip).toMatch(/Paid by:\s+Cash\n/);
    expect(slip).toMatch(/Cash received:\s+R100\.00\n/);
    expect(slip).toMatch(/Change:\s+R50\.00\n/);

    const shown = till('sell', meter, '20.50', '--cash-received', '50');
    expect(shown.code, shown.out).toBe(0);
    expect(shown.out).toMatch(/Tender: R20\.50 cash: received R50\.00, change R29\.50/);

    const before = [switchPurchases().length, tillSales().length];
    const short = till('sell', meter, '50', '--cash-received', '20');
    expect(short.code, short.out).toBe(1);
    expect(short.out).toMatch(/Cash received \(R20\.00\) is less than the sale's R50\.00: give at least R50\.00/);
    expect([switchPurchases().length, tillSales().length]).toEqual(before);
  }, 300_000);
});

describe('ppu-till sell: a card sale needs the card terminal\'s approval', () => {
  it('without --card-approval (no terminal to ask on) nothing reaches the switch; with it the approval code is stored and sent', () => {
    const before = [switchPurchases().length, tillSales().length];
    const refused = till('sell', meter, '50', '--tender', 'DEBIT_CARD');
    expect(refused.code, refused.out).toBe(1);
    expect(refused.out).toMatch(/run R50\.00 on the card terminal, then sell again with --card-approval CODE/);
    expect([switchPurchases().length, tillSales().length]).toEqual(before);

    const sold = till('--json', 'sell', meter, '50', '--tender', 'DEBIT_CARD', '--card-approval', 'A1B2C3', '--card', '492181******7890');
    expect(sold.code, sold.out).toBe(0);
    const sale = valueOf<SaleView>(sold);
    expect(sale.tender).toEqual({ type: 'DEBIT_CARD', maskedCard: '492181******7890', approvalCode: 'A1B2C3' });
    expect(tillSales().find((s) => s.id === sale.saleId)?.card_approval).toBe('A1B2C3');
    const sent = switchPurchases().filter((p) => p.request.includes(sale.saleId));
    expect(sent.length).toBeGreaterThan(0);
    expect(JSON.parse(sent[0]!.request)).toMatchObject({ tenders: [{ tenderType: 'DEBIT_CARD', reference: 'A1B2C3', cardNumber: '492181******7890' }] });
    // The printed slip (the virtual printer's decoded text) names the card and its approval code.
    expect(slipOf(sale.saleId)).toMatch(/Paid by:\s+Debit card 492181\*{6}7890\nApproval code:\s+A1B2C3\n/);
  }, 300_000);

  it('at a terminal it asks "Card terminal approved R50.00?": no sends nothing (exit 2), yes sells with the code typed', async () => {
    const before = [switchPurchases().length, tillSales().length];
    const no = await onTerminal([{ when: /Card terminal approved R50\.00\? \[y\/N\]/, type: 'n' }], 'sell', meter, '50', '--tender', 'CREDIT_CARD');
    expect(no.code, no.out).toBe(2);
    expect(no.out).toMatch(/Not sold: the card terminal did not approve R50\.00\. Nothing was sent/);
    expect([switchPurchases().length, tillSales().length]).toEqual(before);

    const yes = await onTerminal(
      [
        { when: /Card terminal approved R50\.00\? \[y\/N\]/, type: 'y' },
        { when: /Approval code from the terminal slip/, type: 'Z9Y8' },
      ],
      'sell', meter, '50', '--tender', 'CREDIT_CARD',
    );
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toMatch(/Tender: R50\.00 credit card approval Z9Y8/);
    expect(tillSales()).toHaveLength(before[1]! + 1);
    expect(tillSales().map((s) => s.card_approval)).toContain('Z9Y8');
  }, 300_000);
});
