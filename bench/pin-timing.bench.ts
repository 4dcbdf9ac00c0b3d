/**
 * Operator ids stay secret: a wrong PIN for an id that does not exist must cost what one for a real
 * id costs, at sign-in and at a manager's approval of a sale over a pending one (both through the
 * TillApi, real SQLite). Known and unknown tries are interleaved so the machine's load falls on both
 * alike; the clock jumps two hours before each try so no lockout skips a check. Target: the median
 * unknown/known ratio of each within 0.8–1.25 (before the decoy at approval it was about 0.05).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiFromInvoke, type TillApi } from '../electron/api/contract';
import { createSlipPrinter } from '../electron/till/printing';
import { createTillBackend } from '../electron/till/service';
import { openTillStore, type SaleRow } from '../electron/till/store/repository';
import { memorySecrets } from '../electron/till/test/harness';
import { atLeast, atMost, type TargetCheck } from './targets';

const TRIES = 60;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Median ms of `known` and `unknown` tries, interleaved. */
async function compare(label: string, clock: { now: number }, known: () => Promise<unknown>, unknown: () => Promise<unknown>, prepare: () => Promise<unknown> = async () => undefined): Promise<TargetCheck[]> {
  const k: number[] = [];
  const u: number[] = [];
  const nextTry = async () => {
    clock.now += 2 * 3_600_000;
    await prepare();
  };
  for (let i = 0; i < TRIES; i++) {
    const [first, second] = i % 2 ? [known, unknown] : [unknown, known];
    await nextTry();
    const a = await timed(first);
    await nextTry();
    const b = await timed(second);
    (i % 2 ? k : u).push(a);
    (i % 2 ? u : k).push(b);
  }
  const ratio = median(u) / median(k);
  console.log(`${label}: known id ${median(k).toFixed(2)} ms, unknown id ${median(u).toFixed(2)} ms (median of ${TRIES}), ratio ${ratio.toFixed(2)}`);
  return [atLeast(`${label} unknown/known`, ratio, 0.8, '×'), atMost(`${label} unknown/known`, ratio, 1.25, '×')];
}

export default async function (): Promise<TargetCheck[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pin-bench-'));
  const clock = { now: Date.parse('2026-12-01T08:00:00Z') };
  const store = openTillStore(join(dir, 'till.db'));
  const backend = createTillBackend({
    store,
    printer: createSlipPrinter(() => ({ description: 'null', send: async () => undefined, status: async () => ({ state: 'ready', message: '' }) }), () => 80, join(dir, 'print-jobs.db')),
    secrets: memorySecrets(),
    mode: 'cli',
    workerIntervalMs: 0,
    clock: () => clock.now,
    operators: [
      { id: 'thandi', name: 'Thandi', role: 'cashier', pin: '2580' },
      { id: 'sipho', name: 'Sipho', role: 'manager', pin: '7913' },
    ],
  });
  try {
    // A fresh session per sign-in, as the browser host makes one.
    let counterKey = 0;
    const counter: TillApi = apiFromInvoke((m, a) => backend.invokeAs(`counter-${counterKey}`, m, a));
    const office: TillApi = apiFromInvoke((m, a) => backend.invokeAs('office', m, a));
    // The clock jumps past the idle time between tries: the cashier signs in again, untimed.
    const cashierIn = async () => {
      counterKey++;
      const r = await counter.signIn({ operatorId: 'thandi', pin: '2580' });
      if (!r.ok) throw new Error(r.error.message);
    };
    // The cashier's drawer session, open before the approvals are timed (a sale needs one; it outlasts her sign-ins).
    await cashierIn();
    const opened = await counter.openShift({ floatCents: 0 });
    if (!opened.ok) throw new Error(opened.error.message);
    // A sale left pending on the meter: a second sale needs a manager's approval, checked before anything is sent.
    const at = new Date(clock.now).toISOString();
    const pending: SaleRow = {
      id: '3f0e0a52-6a1b-4c55-9d53-2b1e3c1e9a11', version: 1, state: 'pending', late: false, meterId: '00100000017', amountCents: 5000, currency: '710', tenderType: 'CASH', maskedCard: null, cardApproval: null, cashReceivedCents: null,
      operatorId: 'thandi', shiftId: null, lookupRef: null, requestJson: '{}', responseJson: null, customerName: null, utilityName: null, provider: null, failureMessage: null, failureType: null,
      attempts: 1, lastError: null, nextAttemptAt: null, slipPrinted: false, slipKind: null, printError: null, tokenText: null, cancelledBy: null, cancelledAt: null, approvedBy: null, approvedOver: null, recoveredAt: null, createdAt: at, updatedAt: at,
    };
    store.insertSale(pending);
    const approve = (managerId: string) => async () => {
      const r = await counter.purchase({ meterId: '00100000017', amountCents: 5000, tender: { type: 'CASH' }, approval: { managerId, pin: '0000', pendingSaleId: pending.id } });
      if (r.ok || r.error.code !== 'WRONG_PIN') throw new Error(`approval answered ${JSON.stringify(r)}`);
    };
    const signIn = (operatorId: string) => async () => {
      const r = await office.signIn({ operatorId, pin: '0000' });
      if (r.ok || (r.error.code !== 'WRONG_PIN' && r.error.code !== 'PIN_LOCKED')) throw new Error(`sign-in answered ${JSON.stringify(r)}`);
    };
    return [...(await compare('sign-in, wrong PIN', clock, signIn('sipho'), signIn('nobody'))), ...(await compare('approval, wrong PIN', clock, approve('sipho'), approve('nobody'), cashierIn))];
  } finally {
    await backend.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
