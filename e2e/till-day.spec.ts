/**
 * A shop's day as the customer and the cashier see it (issue 20): the slip in the shop's own time
 * (the host runs with TZ=Africa/Johannesburg, see playwright.config.ts), and the cash of a sale left
 * pending — the drawer opens (the virtual printer decodes the kick, ESC p, and opens its drawer) and
 * the change is shown on screen and on the pending slip.
 */
import { expect, test } from '@playwright/test';
import { api, asManager, lookUp, sell, shot, signIn, withFaults } from './helpers';

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
  // The screen's clock reads the same zone, also when the page is opened with the sign-in standing (it brings the session with it).
  await expect(page.getByTestId('clock')).toHaveText(wallClock(new Date().toISOString(), 'Africa/Johannesburg').slice(11));
  await page.reload();
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await expect(page.getByTestId('clock')).toHaveText(wallClock(new Date().toISOString(), 'Africa/Johannesburg').slice(11));
});

/** The virtual printer's drawer: opened by a kick it decoded, shut again by the field tech's switch. */
const drawerOpen = async () => {
  const r = await asManager(() => api('virtualPrinterJobs', { limit: 1 }));
  return r.ok ? r.value.status?.drawerOpen ?? null : null;
};
const shutDrawer = () => asManager(() => api('setVirtualPrinterStatus', { drawerOpen: false }));

test('a cash sale left pending: the drawer opens, the change is shown and printed, the refund opens it again', async ({ page }) => {
  await signIn(page, 'cashier');
  const meter = '00300000023';
  await lookUp(page, meter, '40');
  await page.keyboard.press('F3');
  await expect(page.getByLabel('Cash received (R)')).toBeFocused();
  await page.keyboard.type('100');
  await shutDrawer();
  expect(await drawerOpen()).toBe(false);
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

    // The printer got the drawer kick (its drawer is open) and the pending slip with the cash and the change.
    await expect.poll(drawerOpen).toBe(true);
    await expect
      .poll(async () => {
        const jobs = await api('virtualPrinterJobs', { limit: 20 });
        return jobs.ok && jobs.value.jobs.some((j) => j.text.includes(saleId) && /Cash received:\s+R100\.00\nChange:\s+R60\.00/.test(j.text));
      })
      .toBe(true);

    // The customer cannot wait: the manager cancels it and the drawer opens again for the refund.
    await shutDrawer();
    await asManager(async () => {
      const c = await api('cancelPending', { saleId });
      expect(c.ok && c.value.state, JSON.stringify(c)).toBe('cancelled');
    });
    await expect.poll(drawerOpen).toBe(true);
  });
});
