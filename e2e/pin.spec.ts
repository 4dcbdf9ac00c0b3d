/**
 * PIN rules at the counter: a manager-given PIN must be replaced before the first sale (weak PINs
 * refused in words), and five wrong PINs lock sign-in with the wait shown.
 */
import { expect, test } from '@playwright/test';
import { api, openSignedOut, shot } from './helpers';

async function typeSignIn(page: import('@playwright/test').Page, operatorId: string, pin: string): Promise<void> {
  await page.getByLabel('Operator').fill(operatorId);
  await page.getByLabel('PIN').fill(pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a trainee with a manager-given PIN chooses their own before the first sale: refusals in words, what was typed kept, a PIN pad', async ({ page }) => {
  await openSignedOut(page);
  await typeSignIn(page, 'trainee', '2468');
  await expect(page.getByRole('heading', { name: 'Choose your own PIN' })).toBeVisible();
  await expect(page.getByLabel('Meter number')).toHaveCount(0);
  await shot(page, 'change-pin');

  // Too short: said in words, not as a field path; only that field is cleared.
  await page.getByLabel('PIN you signed in with').fill('24');
  await page.getByLabel('New PIN', { exact: true }).fill('3580');
  await page.getByLabel('New PIN again').fill('3580');
  await page.getByRole('button', { name: 'Save my PIN' }).click();
  await expect(page.getByRole('alert')).toHaveText('Your current PIN must be 4 to 8 digits.');
  await expect(page.getByLabel('New PIN', { exact: true })).toHaveValue('3580');
  await expect(page.getByLabel('PIN you signed in with')).toHaveValue('');
  await expect(page.getByLabel('PIN you signed in with')).toBeFocused();

  // The PIN pad types into the field in use.
  const pad = page.getByRole('group', { name: 'PIN pad' });
  for (const d of '2468') await pad.getByRole('button', { name: d, exact: true }).click();
  await expect(page.getByLabel('PIN you signed in with')).toHaveValue('2468');
  await page.getByLabel('New PIN', { exact: true }).fill('1234');
  await page.getByLabel('New PIN again').fill('1234');
  await page.getByRole('button', { name: 'Save my PIN' }).click();
  await expect(page.getByRole('alert')).toContainText('digits in a row');
  await expect(page.getByLabel('PIN you signed in with')).toHaveValue('2468'); // kept after the refusal

  await page.getByLabel('New PIN', { exact: true }).fill('3580');
  await page.getByLabel('New PIN again').fill('3580');
  await page.getByRole('button', { name: 'Save my PIN' }).click();
  // Signed in with no drawer session yet: the Sell screen asks for the float first.
  await expect(page.getByRole('button', { name: 'Open my drawer' })).toBeVisible();
  await expect(page.getByTestId('operator')).toContainText('Trainee');
});

test('five wrong PINs lock sign-in and say how long; a manager sees the lock and unlocks', async ({ page }) => {
  await openSignedOut(page);
  for (const left of ['4 tries', '3 tries', '2 tries', '1 try']) {
    await typeSignIn(page, 'cashier', '0000');
    await expect(page.getByRole('alert')).toContainText(`${left} left`);
  }
  await typeSignIn(page, 'cashier', '0000');
  await expect(page.getByRole('alert')).toContainText(/locked for 30 seconds/);
  await typeSignIn(page, 'cashier', '1111');
  await expect(page.getByRole('alert')).toContainText(/Try again in \d+ seconds/);
  await shot(page, 'pin-locked');

  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const listed = await api('listOperators', {});
  expect(listed.ok && listed.value.find((o) => o.id === 'cashier')?.lockedUntil).toBeTruthy();
  expect((await api('unlockOperator', { operatorId: 'cashier' })).ok).toBe(true);
  await typeSignIn(page, 'cashier', '1111');
  await expect(page.getByLabel('Meter number')).toBeVisible();
});
