/** Manager back office and console views in Chromium: pending cancelled into a reversal, reprints and their refusal to a cashier, Confirm support, routing preferences, settings refused whole or saved, transaction detail with message traces. */
import { expect, test } from '@playwright/test';
import { api, shot, signIn } from './helpers';

async function setProviderErrors(rate: number, then: 'cashier' | 'manager'): Promise<void> {
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const ps = await api('providers', {});
  if (ps.ok) for (const p of ps.value.providers.filter((x) => x.behaviour)) await api('setProviderBehaviour', { providerId: p.id, patch: { serverErrorRate: rate } });
  if (then === 'cashier') await api('signIn', { operatorId: 'cashier', pin: '1111' });
}

test('a pending sale is left by the cashier, then cancelled by a manager into a reversal', async ({ page }) => {
  await signIn(page, 'cashier');
  await page.keyboard.type('00100000025');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('customer')).toBeVisible();
  await page.getByLabel('Amount (R)').fill('30');
  let saleId = '';
  try {
    await setProviderErrors(1, 'cashier');
    await page.keyboard.press('F2');
    await expect(page.getByTestId('outcome-pending')).toContainText(/retrying/i);
    await page.keyboard.press('F4');
    await expect(page.getByTestId('outcome-pending')).toContainText('PENDING — DO NOT RESELL');
    saleId = (await page.getByTestId('reference').textContent()) ?? '';
    await shot(page, 'cashier-pending');

    // The manager cancels it from the pending queue while the providers still fail.
    await signIn(page, 'manager');
    await page.getByRole('button', { name: 'Pending queue' }).click();
    const row = page.getByTestId('queue-row').filter({ hasText: '00100000025' }).filter({ hasText: 'purchase' });
    await expect(row).toBeVisible();
    await shot(page, 'manager-queue');
    await row.getByRole('button', { name: 'Cancel (reversal)' }).click();
    await expect.poll(async () => {
      const t = await api('getTransaction', { saleId });
      return t.ok ? t.value.sale.state : t.error.code;
    }).toBe('cancelled');
  } finally {
    await setProviderErrors(0, 'manager');
  }
  const t = await api('getTransaction', { saleId });
  expect(t.ok && t.value.sale.advice?.kind).toBe('reversal');
});

test('a manager reprints a slip (logged); a cashier is refused with a clear message', async ({ page }) => {
  // A completed sale to reprint, made over the API as the cashier.
  await api('signIn', { operatorId: 'cashier', pin: '1111' });
  await api('openShift', {});
  const lk = await api('lookupMeter', { meterId: '00100000017' });
  const bought = lk.ok ? await api('purchase', { lookupRef: lk.value.lookupRef, meterId: '00100000017', amountCents: 1500, tender: { type: 'CASH' } }) : lk;
  expect(bought.ok).toBe(true);
  if (bought.ok) {
    const saleId = bought.value.saleId;
    await expect.poll(async () => {
      const s = await api('getSale', { saleId });
      return s.ok ? s.value.state : s.error.code;
    }).toBe('succeeded');
  }
  await signIn(page, 'cashier');
  await page.getByRole('button', { name: 'Reprint', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText(/manager/i);
  await shot(page, 'cashier-reprint-refused');

  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Reprint', exact: true }).click();
  await page.getByLabel('Meter').fill('00100000017');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Reprint 00100000017' }).first().click();
  await expect(page.getByRole('status')).toContainText('Reprint printed and logged');
  await shot(page, 'manager-reprint');
  const jobs = await api('virtualPrinterJobs', { limit: 3 });
  expect(jobs.ok && jobs.value.jobs.some((j) => /REPRINT/.test(j.text))).toBe(true);
});

test('Confirm support marks the meter for rebroadcast; statuses change after the next lookup', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Meters' }).click();
  await page.getByLabel('Search meter number').pressSequentially('0060000001');
  await page.getByRole('option').filter({ hasText: '00600000012' }).getByRole('button').click();
  const meterPage = page.getByTestId('meter-page');
  await expect(meterPage).toContainText('Polokwane');
  const before = await page.getByTestId('support-status').allTextContents();
  expect(before).not.toContain('Supported');
  await page.getByRole('button', { name: 'Confirm support' }).click();
  await expect(page.getByTestId('rebroadcast-message')).toContainText(/rebroadcast|re-check/i);
  await expect(page.getByRole('button', { name: 'Confirm support' })).toHaveCount(0);
  await shot(page, 'console-meter-confirmed');

  // The next lookup for this meter rebroadcasts to every provider.
  const lk = await api('lookupMeter', { meterId: '00600000012' });
  expect(lk.ok).toBe(true);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect.poll(async () => page.getByTestId('support-status').allTextContents()).toContain('Supported');
  // Providers that answered are Supported / Not supported now; one that did not answer stays Unconfirmed.
  const after = await page.getByTestId('support-status').allTextContents();
  expect(after.filter((x) => x === 'Unconfirmed').length).toBeLessThan(after.length / 2);
  await shot(page, 'console-meter-after-lookup');
});

test('routing preferences for a utility: ranked in order, excluded, meter count', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Routing' }).click();
  const row = page.getByTestId('routing-row').filter({ hasText: 'City of Cape Town' }).first();
  await expect(row).toBeVisible();
  await expect(row.locator('ol.ranked li')).toHaveText([/EasyPay/, /Syntell/]);
  await expect(row).toContainText('iPay');
  await shot(page, 'console-routing');
  await page.getByRole('button', { name: 'Providers' }).click();
  await expect(page.getByRole('heading', { name: /Provider health/ })).toBeVisible();
  await shot(page, 'console-providers');
});

test('settings: a wrong terminal id is refused beside the field and nothing changes; a right one is saved', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const before = await api('getSettings', {});
  expect(before.ok).toBe(true);
  await page.getByLabel('Terminal id (8 characters)').fill('T1');
  await page.getByLabel('Merchant city (up to 13)').fill('Stellenbosch');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#s-terminalId-err')).toBeVisible();
  const unchanged = await api('getSettings', {});
  expect(unchanged.ok && before.ok && unchanged.value).toEqual(before.ok ? before.value : null); // refused whole, never half-applied

  await page.getByLabel('Terminal id (8 characters)').fill('TILL0042');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toContainText('Settings saved.');
  const after = await api('getSettings', {});
  expect(after.ok && [after.value.terminalId, after.value.merchantCity]).toEqual(['TILL0042', 'Stellenbosch']);
  await shot(page, 'manager-settings');
});

test('transactions: search by meter, then the detail shows the till-switch messages and the switch-provider record', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Transactions', exact: true }).click();
  await page.getByLabel('Search any reference').fill('00100000017');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByTestId('tx-row').first().getByRole('button', { name: /^Detail/ }).click();
  const detail = page.getByTestId('tx-detail');
  await expect(detail.getByTestId('trace-row').filter({ hasText: 'purchase' }).first()).toBeVisible();
  await detail.getByRole('button', { name: 'Switch ↔ provider traces' }).click();
  await expect(detail.getByLabel("The switch's record of this sale")).toContainText('trace');
  await shot(page, 'manager-transaction-detail');
});
