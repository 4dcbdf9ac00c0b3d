/**
 * Several switches in Settings, in Chromium: the field explains the comma-separated list, a wrong
 * entry is named beside it, and with [a port that refuses, the embedded switch] the status bar says
 * the till failed over and which switch it uses. The switch setting is put back afterwards.
 */
import { expect, test } from '@playwright/test';
import { api, asManager, refusingUrl, shot, signIn } from './helpers';

test('settings list two switches; the status bar names the one in use and the one it failed over from', async ({ page }) => {
  const st = await api('status', {});
  if (!st.ok) throw new Error(st.error.message);
  const embedded = st.value.switch.url;
  const dead = await refusingUrl();
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const field = page.getByLabel('Switch URL (empty: the embedded switch)');
  await expect(field).toHaveAccessibleDescription(/separated by commas/);
  try {
    await field.fill(`${dead}/prepaidutility/v3, ftp://${new URL(embedded).host}`);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.locator('#s-url-err')).toHaveText(`URL 2 (ftp://${new URL(embedded).host}) must be an http(s):// URL`);

    await field.fill(`${dead}/prepaidutility/v3, ${embedded}`);
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toContainText('Settings saved.');
    await expect(page.getByTestId('switch-status')).toHaveText(`Switch: reachable, using ${new URL(embedded).host} (2 of 2), failed over from ${new URL(dead).host}`);
    await shot(page, 'switch-failed-over');
  } finally {
    await asManager(() => api('setSettings', { switchUrl: '' }));
  }
  await expect(page.getByTestId('switch-status')).toHaveText('Switch: reachable');
});
