/** A field tech checks a sale end to end: the token from a cash sale, typed into the Virtual meter, is taken once, for the slip's units, and only by its own meter. */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { api, sell, shot, signIn } from './helpers';

const METER = '00100000017';
const OTHER_METER = '00100000025';

async function typeToken(page: Page, meter: string, token: string): Promise<void> {
  await page.getByLabel('Meter number or PAN').fill(meter);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Enter token' }).click();
}

test('a cash sale’s token on the virtual meter: Accept for the slip’s units, then Used; another meter rejects it', async ({ page }) => {
  await signIn(page, 'cashier');
  await sell(page, METER, '50');
  await expect(page.getByTestId('outcome-success')).toBeVisible();
  await expect(page.getByTestId('slip-printed')).toBeVisible();
  const shown = (await page.getByTestId('token').first().textContent()) ?? '';
  const groups = shown.match(/\d{4}( \d{4}){4}/)?.[0] ?? '';
  expect(groups, `token groups in "${shown}"`).not.toBe('');

  // The printed slip's units for that token.
  const jobs = await api('virtualPrinterJobs', { limit: 5 });
  const slip = jobs.ok ? jobs.value.jobs.find((j) => j.text.includes(groups)) : undefined;
  const slipUnits = Number(/Units:?\s+([\d.]+)\s*kWh/.exec(slip?.text ?? '')?.[1]);
  expect(slipUnits, `units on the slip:\n${slip?.text}`).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'Virtual meter' }).click();
  await typeToken(page, METER, groups); // as printed, in groups of four
  await expect(page.getByTestId('meter-display')).toHaveText('Accept');
  const before = Number(await page.getByTestId('meter-credit-before').textContent());
  const after = Number(await page.getByTestId('meter-credit').textContent());
  expect(Math.round((after - before) * 10)).toBe(Math.round(slipUnits * 10));
  await shot(page, 'virtual-meter-accept');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  await typeToken(page, METER, groups);
  await expect(page.getByTestId('meter-display')).toHaveText('Used');
  await expect(page.getByTestId('meter-credit')).toHaveText(String(after.toFixed(1)));

  await typeToken(page, OTHER_METER, groups);
  await expect(page.getByTestId('meter-display')).toHaveText('Reject');
  await expect(page.getByTestId('meter-message')).toContainText('not a token for this meter');
  await shot(page, 'virtual-meter-reject');
});
