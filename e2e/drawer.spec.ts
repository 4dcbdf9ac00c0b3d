/**
 * The day of a shop at the counter: the cashier closes her drawer session with a blind count (nothing
 * expected on screen until her count is saved), then opens a new one with a float from the Sell
 * screen; the manager's Z-read lists a session still open and closes it; a cashier's Virtual printer
 * shows her own slips and never a report, and is not there at all unless Settings show it to her.
 */
import { expect, test } from '@playwright/test';
import { api, asManager, sell, shot, signIn } from './helpers';

const rands = (c: number) => `R ${(c / 100).toFixed(2)}`;

test('blind close of a cashier session: her count is saved before the till shows what it expected, then she opens a new session with its float', async ({ page }) => {
  await signIn(page, 'cashier');
  await sell(page, '00100000017', '20');
  await expect(page.getByTestId('outcome-success')).toBeVisible();
  await page.getByRole('button', { name: 'My drawer' }).click();
  await expect(page.getByRole('heading', { name: 'My drawer' })).toBeVisible();
  await expect(page.getByLabel('X-read')).toContainText('X-READ');
  await page.getByLabel('Cash taken to the safe (R)').fill('100');
  await page.getByRole('button', { name: 'Record cash drop' }).click();
  await expect(page.getByRole('status')).toHaveText('Cash drop of R 100.00 recorded.');

  // What the drawer should hold, worked out here from the X-read's own figures (the screen never shows it before the count).
  const x = await api('shiftReport', {});
  if (!x.ok) throw new Error(x.error.message);
  const cashSold = x.value.byTender.find((t) => t.key === 'CASH')?.amountCents ?? 0;
  const held = x.value.pending.filter((p) => p.tender === 'CASH').reduce((s, p) => s + p.amountCents, 0);
  const expected = x.value.floatCents + cashSold + held - x.value.dropsCents;
  const main = page.getByRole('main');
  await expect(main).not.toContainText(/expected/i);
  await expect(main).not.toContainText(rands(expected));
  await expect(page.getByLabel('X-read')).not.toContainText(`R${(expected / 100).toFixed(2)}`);
  await shot(page, 'cashier-drawer-blind-count');

  await page.getByLabel('Cash counted in the drawer (R)').fill(((expected - 500) / 100).toFixed(2));
  await page.getByRole('button', { name: 'Save count and close' }).click();
  const outcome = page.getByTestId('close-outcome');
  await expect(outcome.getByTestId('variance')).toHaveText('Cash short R 5.00');
  await expect(outcome.getByTestId('expected-CASH')).toHaveText(rands(expected));
  await expect(page.getByLabel('The session report')).toContainText(/SHORT\s+-R5\.00/);
  await expect(page.getByTestId('shift')).toHaveText('Drawer not open');
  await shot(page, 'cashier-drawer-closed');

  // No session: the Sell screen asks for the float and opens one.
  await page.getByRole('button', { name: 'Sell', exact: true }).click();
  await expect(page.getByLabel('Meter number')).toHaveCount(0);
  await page.getByLabel('Float in the drawer (R)').fill('500');
  await page.getByRole('button', { name: 'Open my drawer' }).click();
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await expect(page.getByTestId('shift')).toHaveText(/^Drawer open since \d\d:\d\d/);
});

test("the manager's Z-read lists the cashier's open session, refuses to close the day, closes her session with a count; she gets a button to open a new one", async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'End of day' }).click();
  const cashierRow = page.getByTestId('z-session').filter({ hasText: 'Cashier One' }).filter({ hasText: 'still open' });
  await expect(cashierRow).toHaveCount(1);
  await page.getByRole('button', { name: 'Close the day (print the Z-read)' }).click();
  await expect(page.getByRole('alert')).toContainText(/Close these drawer sessions first: .*Cashier One \(open since/);
  await cashierRow.getByRole('button', { name: "Close Cashier One's session" }).click();
  const count = page.getByRole('form', { name: 'Close the drawer session: blind count' });
  await count.getByLabel('Cash counted in the drawer (R)').fill('500');
  await count.getByRole('button', { name: 'Save count and close' }).click();
  await expect(page.getByTestId('close-outcome')).toContainText('Drawer session closed — Cashier One');
  await expect(cashierRow).toHaveCount(0);
  await expect(page.getByTestId('z-session').filter({ hasText: 'by Manager' }).first()).toBeVisible();
  await shot(page, 'manager-z-read');

  await signIn(page, 'cashier');
  await expect(page.getByRole('button', { name: 'Open my drawer' })).toBeVisible();
  await page.getByLabel('Float in the drawer (R)').fill('500');
  await page.getByRole('button', { name: 'Open my drawer' }).click();
  await expect(page.getByLabel('Meter number')).toBeVisible();
});

test('a cashier cannot see a report in the Virtual printer: only her own slips, and the screen only when Settings show it to her', async ({ page }) => {
  await signIn(page, 'cashier');
  await sell(page, '00100000017', '20');
  await expect(page.getByTestId('slip-printed')).toBeVisible();
  const mine = await api('lastSale', {});
  const ref = mine.ok && mine.value ? mine.value.saleId : '';
  // Reports on the same printer: her own X-read, and the manager's end-of-day report.
  expect((await api('printShiftReport', {})).ok).toBe(true);
  await asManager(async () => {
    expect((await api('printEodReport', {})).ok).toBe(true);
    const all = await api('virtualPrinterJobs', { limit: 50 });
    const texts = all.ok ? all.value.jobs.map((j) => j.text).join('\n') : '';
    expect(texts).toContain('END OF DAY');
    expect(texts).toContain('X-READ');
  });

  await page.getByRole('button', { name: 'Virtual printer' }).click();
  const jobs = page.getByTestId('job-text');
  await expect(jobs.filter({ hasText: ref.slice(-8) }).first()).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('END OF DAY');
  await expect(page.getByRole('main')).not.toContainText('X-READ');
  const seen = await api('virtualPrinterJobs', { limit: 200 });
  expect(seen.ok && seen.value.jobs.some((j) => /END OF DAY|X-READ|Z-READ|SESSION CLOSE/.test(j.text))).toBe(false);
  await shot(page, 'cashier-virtual-printer-own-slips');

  // Settings' default: no field-tech screens for a cashier, and the back end refuses them.
  await asManager(async () => expect((await api('setSettings', { security: { cashierFieldTools: false } })).ok).toBe(true));
  try {
    await signIn(page, 'cashier');
    const nav = page.getByRole('navigation', { name: 'Screens' });
    await expect(nav.getByRole('button')).toHaveText(['Sell', 'My drawer']);
    expect(await api('virtualPrinterJobs', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  } finally {
    await asManager(async () => expect((await api('setSettings', { security: { cashierFieldTools: true } })).ok).toBe(true));
  }
});
