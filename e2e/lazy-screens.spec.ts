/**
 * Screens past Sell load on first use (React.lazy): when one's code cannot load (files replaced under a
 * running till, a failed read), the cashier reads why in words, the navigation stays, Alt+1 brings back
 * Sell with the meter field ready, and reloading the page opens the screen.
 */
import { expect, test } from '@playwright/test';
import { api, signIn } from './helpers';

test("a screen whose code cannot load says so in words, Sell stays one key away, and a reload opens it", async ({ page }) => {
  // Her drawer session open whatever an earlier spec left (an open one answers with a refusal, which is fine here).
  await api('signIn', { operatorId: 'cashier', pin: '1111' });
  await api('openShift', { floatCents: 0 });
  await page.route('**/assets/Drawer-*.js', (route) => route.abort());
  await signIn(page, 'cashier');
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('alert')).toHaveText("This screen could not open. Go back to Sell (Alt+1), or reload the till's page (Ctrl+R) and try again.");
  await expect(page.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  await page.keyboard.press('Alt+1');
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.unroute('**/assets/Drawer-*.js');
  await page.reload();
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { name: 'My drawer' })).toBeVisible();
});
