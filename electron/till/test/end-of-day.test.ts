import { describe, expect, it } from 'vitest';
import type { SaleSummary } from '../../api/contract';
import { buildEodReport, dayRange, REPORT_COLUMNS } from '../end-of-day';
import { sessionCashUp, summarizeShift, type ShiftInput } from '../shift-report';
import type { SaleRow } from '../store/repository';

let n = 0;
function row(state: string, tenderType: string, amountCents: number, extra: Partial<SaleRow> = {}): SaleRow {
  n++;
  return {
    id: `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`, version: 1, state, late: false, meterId: '01234567890', amountCents, currency: '710', tenderType, maskedCard: null, cardApproval: null, cashReceivedCents: null,
    operatorId: 'cashier', shiftId: 'S1', lookupRef: null, requestJson: '{}', responseJson: null, customerName: null, utilityName: 'City of Cape Town', provider: 'EasyPay',
    failureMessage: null, failureType: null, attempts: 1, lastError: null, nextAttemptAt: null, slipPrinted: true, slipKind: 'sale', printError: null, tokenText: null,
    cancelledBy: null, cancelledAt: null, approvedBy: null, approvedOver: null, recoveredAt: null, createdAt: `2026-11-30T0${n % 10}:15:00.000Z`, updatedAt: '2026-11-30T10:00:00.000Z', ...extra,
  };
}
const summary = (r: SaleRow): SaleSummary => ({ saleId: r.id, state: 'pending', late: r.late, meterId: r.meterId, amountCents: r.amountCents, tender: 'CASH', operatorId: r.operatorId, utilityName: r.utilityName, provider: r.provider, token: null, createdAt: r.createdAt, updatedAt: r.updatedAt, reprintCount: 0 });

describe('end-of-day cash-up', () => {
  const rows = [
    row('succeeded', 'CASH', 10_000),
    row('succeeded', 'CASH', 5_000, { late: true }),
    row('pending', 'CASH', 3_000), // the cashier kept this cash in the drawer
    row('cancelled', 'CASH', 2_000), // refunded: not in the drawer
    row('failed', 'CASH', 7_000), // never charged
    row('succeeded', 'DEBIT_CARD', 4_000),
  ];
  // The cashier's session: R500 float, R200 to the safe, closed counting R475 cash and the card terminal's R40.
  const session: ShiftInput = {
    shift: { id: 'S1', operatorId: 'cashier', openedAt: '2026-11-30T06:00:00.000Z', closedAt: '2026-11-30T17:00:00.000Z', floatCents: 50_000, counted: { CASH: 47_500, DEBIT_CARD: 4_000 }, closedBy: 'cashier', dayCloseId: null, heldAtClose: [] },
    sales: rows,
    drops: [{ id: 'x1', shiftId: 'S1', at: '2026-11-30T12:00:00.000Z', amountCents: 20_000, operatorId: 'cashier' }],
    refunds: [],
  };
  const names = { operatorName: (id: string) => (id === 'cashier' ? 'Cashier One' : id), shiftOperator: () => 'Cashier One' };
  const report = buildEodReport({
    from: '2026-11-30T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', generatedAt: '2026-11-30T18:00:00.000Z', terminalId: 'TILL0001', rows, operatorNames: new Map([['cashier', 'Cashier One'], ['manager', 'Manager']]), summary,
    drawerOpens: [{ id: 'd1', at: '2026-11-30T10:15:00.000Z', operatorId: 'manager', reason: 'change for the float', opened: true, saleId: null, kind: 'no-sale', error: null }],
    sessions: [{ summary: summarizeShift(session, names), cashUp: sessionCashUp(session) }],
    safeRefunds: [],
    zone: 'Africa/Johannesburg',
  });

  it("expects float + cash sales + pending cash − drops in the drawer and shows the difference per tender, from the session's own count", () => {
    const cash = report.cashUp.find((c) => c.tender === 'CASH');
    expect(cash).toEqual({ tender: 'CASH', label: 'Cash', expectedCents: 50_000 + 10_000 + 5_000 + 3_000 - 20_000, countedCents: 47_500, differenceCents: -500, uncountedCents: 0 });
    expect(report.cashUp.find((c) => c.tender === 'DEBIT_CARD')).toMatchObject({ expectedCents: 4_000, differenceCents: 0 });
    expect(report.cashUp.find((c) => c.tender === 'CREDIT_CARD')).toBeUndefined(); // nothing taken, nothing counted: no row
  });

  it('prints a receipt within 32 columns with the float, drops, what is short, and the pending and reversed sales', () => {
    for (const l of report.lines) expect(l.length, l).toBeLessThanOrEqual(REPORT_COLUMNS);
    const text = report.lines.join('\n');
    expect(text).toMatch(/Opening float\s+R500\.00/);
    expect(text).toMatch(/Cash drops\s+-R200\.00/);
    expect(text).toMatch(/ SHORT\s+-R5\.00/);
    expect(text).toMatch(/Expected\s+R480\.00\n\s+incl\. held for pending\s+R30\.00/);
    expect(report.heldForPendingCents).toBe(3_000);
    expect(text).toMatch(/Pending\s+1\n.*R30\.00\n\s+ref 00000003/);
    expect(text).toMatch(/Reversed \(refunded\)\s+1\n.*R20\.00/);
    expect(text).toMatch(/Drawer opened, no sale\s+1\n.*Manager\n\s+change for the float/);
    expect(report.drawerOpens).toEqual([{ at: '2026-11-30T10:15:00.000Z', operator: 'Manager', reason: 'change for the float', opened: true }]);
  });

  it('writes a CSV row per sale, every state, with the day in the file name', () => {
    const csv = report.csv.trim().split('\r\n');
    expect(csv[0]).toBe('date,reference,meter,state,tender,amount,cashier,utility,provider');
    expect(csv).toHaveLength(rows.length + 1);
    expect(csv.map((l) => l.split(',')[3]).slice(1).sort()).toEqual(['failed', 'pending', 'reversed (refunded)', 'sold', 'sold', 'sold late']);
    expect(report.csvFileName).toMatch(/^end-of-day-2026-1[12]-\d\d(-to-2026-1[12]-\d\d)?\.csv$/);
  });

  it('reads every time in the till’s zone: the CSV dates, the period and the file name', () => {
    const csv = report.csv.trim().split('\r\n');
    // The first sale was made at 01:15 UTC: 03:15 in Johannesburg.
    expect(csv.some((l) => l.startsWith('2026-11-30 03:15,'))).toBe(true);
    expect(report.lines.join('\n')).toMatch(/From\s+2026-11-30 02:00/);
  });
});

describe('a report day in the till’s zone', () => {
  it('runs from local midnight to local midnight (22:00 to 22:00 UTC in Johannesburg), today by the local date', () => {
    // 23:30 UTC on 6 December is 01:30 on 7 December in Johannesburg: today is the 7th there.
    const now = Date.parse('2026-12-06T23:30:00Z');
    expect(dayRange(now, 'Africa/Johannesburg')).toEqual({ from: '2026-12-06T22:00:00.000Z', to: '2026-12-07T22:00:00.000Z' });
    expect(dayRange(now, 'UTC')).toEqual({ from: '2026-12-06T00:00:00.000Z', to: '2026-12-07T00:00:00.000Z' });
    expect(dayRange(now, 'Africa/Johannesburg', '2026-12-01', '2026-12-02')).toEqual({ from: '2026-11-30T22:00:00.000Z', to: '2026-12-02T22:00:00.000Z' });
  });

  it('keeps a day whole across a daylight-saving change (Europe/London, 29 March 2026 has 23 hours)', () => {
    expect(dayRange(0, 'Europe/London', '2026-03-29')).toEqual({ from: '2026-03-29T00:00:00.000Z', to: '2026-03-29T23:00:00.000Z' });
  });
});
