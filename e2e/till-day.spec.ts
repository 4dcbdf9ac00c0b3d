/**
 * A shop's day as the customer and the cashier see it (issue 20): the slip in the shop's own time
 * (the host runs with TZ=Africa/Johannesburg, see playwright.config.ts), and the cash of a sale left
 * pending — the drawer opens (its kick in the virtual printer's decoded bytes) and the change is
 * shown on screen and on the pending slip.
 */
import { expect, test } from '@playwright/test';
import { api, lookUp, sell, shot, signIn, withFaults } from './helpers';

/** "2026-12-07 18:52" for an instant in a zone, by Intl on the tests' side. */
function wallClock(iso: string, zone: string): string {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

test('the slip is dated in the shop’s local time (Africa/Johannesburg), not UTC', async ({ page }) => {
  await signIn(page, 'cashier');
  const session = await api('session', {});
  expect(session.ok && session.value.timeZone).toBe('Africa/Johannesburg');
  await sell(page, '00100000017', '50');
  await expect(page.getByTestId('slip-printed')).toBeVisible();
  const last = await api('lastSale', {});
  const sale = last.ok ? last.value : null;
  expect(sale).toBeTruthy();
  const jobs = await api('virtualPrinterJobs', { limit: 10 });
  const slip = jobs.ok ? jobs.value.jobs.find((j) => j.text.includes(sale!.saleId)) : undefined;
  expect(slip, 'the sale’s slip').toBeTruthy();
  const date = /^Date:\s+(\d{4}-\d\d-\d\d \d\d:\d\d)$/m.exec(slip!.text)?.[1];
  // The sale's instant read in Johannesburg (two hours ahead of UTC all year): what the customer's clock said.
  expect(date).toBe(wallClock(sale!.createdAt, 'Africa/Johannesburg'));
  expect(date).not.toBe(wallClock(sale!.createdAt, 'UTC'));
  expect(slip!.text).not.toMatch(/UTC|Africa\/Johannesburg/);
  // The screen's clock reads the same zone.
  await expect(page.getByTestId('clock')).toHaveText(wallClock(new Date().toISOString(), 'Africa/Johannesburg').slice(11));
});

test('a cash sale left pending: the drawer opens, the change is shown and printed, the refund opens it again', async ({ page }) => {
  await signIn(page, 'cashier');
  const meter = '00300000023';
  await lookUp(page, meter, '40');
  await page.keyboard.press('F3');
  await expect(page.getByLabel('Cash received (R)')).toBeFocused();
  await page.keyboard.type('100');
  // The printer's every job, drawer kicks included, as a field tech reads them (a cashier sees only her slips).
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const jobsBefore = await api('virtualPrinterJobs', { limit: 200 });
  const seen = new Set(jobsBefore.ok ? jobsBefore.value.jobs.map((j) => j.id) : []);
  let saleId = '';
  await withFaults({ serverErrorRate: 1 }, async () => {
    await page.keyboard.press('F2');
    await expect(page.getByTestId('outcome-pending')).toContainText(/retrying/i);
    await page.keyboard.press('F4');
    await expect(page.getByTestId('outcome-pending')).toContainText('PENDING — DO NOT RESELL');
    saleId = (await page.getByTestId('short-ref').getAttribute('data-reference')) ?? '';
    await expect(page.getByTestId('change-due')).toHaveText('R 60.00');
    await expect(page.getByTestId('pending-todo')).toContainText('Give the customer the change: R 60.00');
    await shot(page, 'cashier-pending-cash');

    // The printer got a drawer kick (ESC p) and the pending slip with the cash and the change.
    await expect
      .poll(async () => {
        const jobs = await api('virtualPrinterJobs', { limit: 200 });
        const fresh = jobs.ok ? jobs.value.jobs.filter((j) => !seen.has(j.id)) : [];
        return {
          kick: fresh.some((j) => j.commands.some((c) => /drawer/.test(c))),
          slip: fresh.some((j) => j.text.includes(saleId) && /Cash received:\s+R100\.00\nChange:\s+R60\.00/.test(j.text)),
        };
      })
      .toEqual({ kick: true, slip: true });

    // The customer cannot wait: the manager cancels it and the drawer opens again for the refund.
    const kicksBefore = await api('virtualPrinterJobs', { limit: 200 });
    const known = new Set(kicksBefore.ok ? kicksBefore.value.jobs.map((j) => j.id) : []);
    const c = await api('cancelPending', { saleId });
    expect(c.ok && c.value.state, JSON.stringify(c)).toBe('cancelled');
    await expect
      .poll(async () => {
        const jobs = await api('virtualPrinterJobs', { limit: 200 });
        return jobs.ok && jobs.value.jobs.some((j) => !known.has(j.id) && j.commands.some((c) => /drawer/.test(c)));
      })
      .toBe(true);
  });
});
