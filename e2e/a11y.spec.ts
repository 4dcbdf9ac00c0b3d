/** Accessibility: axe-core on every main screen (no serious or critical violations) and keyboard-only use. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { openSignedOut, shotBoth, signIn } from './helpers';

const SCREENS = ['Sell', 'My drawer', 'Reprint', 'Pending queue', 'Transactions', 'End of day', 'Store', 'Settings', 'Meters', 'Routing', 'Providers', 'Virtual printer', 'Provider faults', 'Virtual meter', 'Certification'];

async function axe(page: import('@playwright/test').Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('axe: sign-in and every main screen have no serious or critical violations, and none scrolls sideways at 1366×768 or 1024×768', async ({ page }) => {
  test.setTimeout(180_000); // fifteen screens, each checked by axe and shot at two sizes
  await openSignedOut(page);
  await expect(page.getByLabel('PIN', { exact: true })).toBeVisible();
  await axe(page, 'sign-in');
  await shotBoth(page, 'screen-sign-in');
  await signIn(page, 'manager');
  for (const name of SCREENS) {
    await page.getByRole('button', { name, exact: true }).click();
    await expect(page.locator('main h1')).toBeVisible();
    await page.waitForLoadState('networkidle');
    await axe(page, name);
    await shotBoth(page, `screen-${name.toLowerCase().replace(/\s+/g, '-')}`);
  }
});

test('keyboard only: sign in, sell, and reach every screen with Tab', async ({ page }) => {
  await openSignedOut(page);
  await expect(page.getByLabel('PIN', { exact: true })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('cashier');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1111');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.keyboard.type('00200000016');
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount (R)')).toBeFocused();
  await page.keyboard.type('100');
  await page.keyboard.press('F2');
  await expect(page.getByTestId('outcome-success')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await expect(page.getByLabel('Meter number')).toHaveValue('');

  // Every control of the shell is reachable with Tab (bounded walk).
  const reached = new Set<string>();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    reached.add((await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')) || '');
  }
  for (const name of ['Sell', 'Virtual printer', 'F4 New sale', 'Sign out']) expect([...reached]).toContain(name);

  // Every screen has a key: Alt+3 opens the cashier's third screen, Alt+1 brings back Sell with the meter field ready.
  await page.keyboard.press('Alt+3');
  await expect(page.getByRole('button', { name: 'Virtual printer' })).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('Alt+1');
  await expect(page.getByRole('button', { name: 'Sell', exact: true })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByLabel('Meter number')).toBeVisible();
});
