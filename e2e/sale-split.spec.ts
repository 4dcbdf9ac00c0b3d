/**
 * The split before the sale in Chromium (seed 004): a mini-grid customer with a solar home system on
 * instalments sees the instalment and the units for the amount typed, presses "Repay appliance only",
 * sells with no token and gets the receipt.
 */
import { expect, test } from '@playwright/test';
import { DEMO_METERS } from '../switch-core/providers/demo';
import { api, lookUp, shot, signIn } from './helpers';

test('the cashier sees the split, then repays the appliance only: a sale with no token', async ({ page }) => {
  await signIn(page, 'cashier');
  await lookUp(page, DEMO_METERS.miniGridSolarHomeSystem, '500');
  const split = page.getByTestId('sale-split');
  await expect(split.getByTestId('split-row')).toContainText(['Instalment: Solar home system 50W']);
  await expect(split.getByTestId('split-row').first()).toContainText('R 300.00');
  await expect(split.getByTestId('split-credit')).toContainText('R 200.00');
  await shot(page, 'cashier-sale-split');

  await split.getByTestId('repay-only').click();
  await expect(page.getByLabel('Amount (R)')).toHaveValue('300.00');
  await expect(page.getByTestId('sale-split').getByTestId('split-no-token')).toBeVisible();
  await page.keyboard.press('F2');
  await expect(page.getByTestId('outcome-success')).toContainText('Paid — debt repaid, no token');
  await expect(page.getByTestId('sale-no-token')).toBeVisible();
  await expect(page.getByTestId('debt')).toContainText('R 300.00');
  await expect(page.getByTestId('token')).toHaveCount(0);
  await shot(page, 'cashier-repay-only');

  const last = await api('lastSale', {});
  expect(last.ok && last.value?.tokens).toEqual([]);
  expect(last.ok && last.value?.charges.map((c) => [c.description, c.amountCents])).toEqual([['Instalment: Solar home system 50W', 30_000]]);
});
