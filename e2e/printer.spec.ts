/**
 * The field tech's Virtual printer screen when a hostile job reaches the till's embedded printer
 * (from a process of the till's own user, on the printer's local socket): the job is listed as refused with the printer's reason and no slip, and the till
 * keeps printing its own slips (the printer runs on its own thread).
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { expect, test } from '@playwright/test';
import { api, signIn } from './helpers';
import { E2E_PRINTER_SOCKET_FILE } from './playwright.config';

function sendRaw(bytes: Buffer): Promise<void> {
  const path = readFileSync(E2E_PRINTER_SOCKET_FILE, 'utf8');
  return new Promise((resolve, reject) => {
    const s = net.connect(path, () => s.end(bytes));
    s.resume();
    s.on('error', reject);
    s.on('close', () => resolve());
  });
}

test('a 160 KB double-size job is listed as refused with its reason; the till still prints its test page', async ({ page }) => {
  await sendRaw(Buffer.from([0x1b, 0x40, 0x1d, 0x21, 0x77, ...Buffer.alloc(160 * 1024, 0x41), 0x1d, 0x56, 0x00]));
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Virtual printer' }).click();
  const refused = page.getByTestId('print-job').filter({ has: page.getByTestId('job-refused') }).first();
  await expect(refused.getByTestId('job-refused')).toHaveText('Not printed: job longer than 2,000 lines.');
  await expect(refused.getByRole('heading')).toContainText('refused · 163848 bytes');
  await expect(refused.getByRole('img')).toHaveCount(0);

  const printed = await api('printTestPage', {});
  expect(printed.ok).toBe(true);
  await expect(page.getByTestId('print-job').first()).toContainText('TEST-0123456789'); // the list refreshes by itself
  await expect(page.getByTestId('print-job').first().getByRole('img')).toHaveJSProperty('complete', true);
});
