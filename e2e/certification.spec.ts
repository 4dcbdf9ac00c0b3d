/**
 * The field tech's Certification screen in Chromium: against the till's embedded demo switch, which
 * does not serve the public test server's scenario meters, the run refuses — each lookup step failed
 * with its reason in words — and sells nothing.
 */
import { expect, test } from '@playwright/test';
import { api, signIn } from './helpers';

test('Certification against the demo switch: refused, every lookup named with its reason, nothing sold', async ({ page }) => {
  await signIn(page, 'manager');
  const before = await api('switchTransactions', { type: 'PURCHASE', limit: 1000 });
  await page.getByRole('button', { name: 'Certification' }).click();
  await page.getByLabel('Print the result slip').uncheck();
  await page.getByRole('button', { name: 'Run certification' }).click();
  await expect(page.getByText(/^FAIL: 11 of 11 steps failed/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/does not answer the test server's scenario meters \(11 of 11 lookups refused\): nothing was sold/)).toBeVisible();
  const steps = page.getByRole('table', { name: 'Certification steps' });
  await expect(steps.getByRole('row')).toHaveCount(12);
  await expect(steps.getByRole('row', { name: /TST004 lookup/ })).toContainText('TST004: refused, HTTP 400 UNKNOWN_METER_ID');
  const after = await api('switchTransactions', { type: 'PURCHASE', limit: 1000 });
  expect(after.ok && before.ok && after.value.transactions.length).toBe(before.ok ? before.value.transactions.length : -1);
});
