/** The cashier's sale, end to end in Chromium: lookup by scanner, sell, tokens on screen, slip read back from the virtual printer (text and the rendered image's QR code). */
import { expect, test } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { api, apiFile, asManager, lookUp, recordProgress, sell, shot, signIn, withFaults } from './helpers';

test('a full cash sale: tokens in groups of four on screen and on the rendered slip', async ({ page }) => {
  await signIn(page, 'cashier');
  await shot(page, 'cashier-empty');
  await sell(page, '00100000017', '50');
  const success = page.getByTestId('outcome-success');
  await expect(success).toBeVisible();
  await expect(page.getByTestId('slip-printed')).toBeVisible();
  // The status bar: switch reachable, printer ready, nothing pending, who is signed in.
  const bar = page.getByLabel('Till status');
  await expect(bar).toContainText('Switch: reachable');
  await expect(bar).toContainText('Printer: ready');
  await expect(page.getByTestId('pending-count')).toHaveText('Pending: 0');
  await expect(page.getByTestId('operator')).toHaveText('Cashier One (cashier)');
  const shown = (await page.getByTestId('token').first().textContent()) ?? '';
  const groups = shown.match(/\d{4}( \d{4}){4}/)?.[0];
  expect(groups, `token groups in "${shown}"`).toBeTruthy();
  await shot(page, 'cashier-success');

  const jobs = await api('virtualPrinterJobs', { limit: 5 });
  expect(jobs.ok).toBe(true);
  if (!jobs.ok) return;
  const slip = jobs.value.jobs.find((j) => j.text.includes(groups!));
  expect(slip, 'a printed slip carrying the token groups').toBeTruthy();

  // The rendered slip image itself: its QR code scans back to this sale's reference.
  const last = await api('lastSale', {});
  expect(last.ok && last.value).toBeTruthy();
  const png = await apiFile(slip!.pngUrl!);
  expect(png.status).toBe(200);
  const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
  const qr = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  expect(qr?.data).toBe(last.ok ? last.value?.saleId : undefined);

  // The field-tech view shows the same job: image, text, decoded commands.
  await page.getByRole('button', { name: 'Virtual printer' }).click();
  await expect(page.getByTestId('job-text').first()).toContainText(groups!);
  await shot(page, 'virtual-printer');
});

test('a sale through a 504 then retry: the switch answers 504, the till retries the same purchase until it succeeds', async ({ page }) => {
  await signIn(page, 'cashier');
  await lookUp(page, '00100000017', '20');
  // Every provider answers 500: the switch's own retries fail too and it answers the till 504.
  await withFaults({ serverErrorRate: 1 }, async () => {
    await page.keyboard.press('F2');
    await expect(page.getByTestId('outcome-pending')).toContainText(/retrying \(attempt \d+\)/i);
    await expect(page.getByRole('status').filter({ hasText: /attempt \d+/i })).toBeVisible();
    await shot(page, 'cashier-retrying');
  });
  await expect(page.getByTestId('outcome-success')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('token').first()).toHaveText(/\d{4} \d{4} \d{4} \d{4} \d{4}/);

  // The till's message traces: one purchase id, answered 504 first, then approved on a retry.
  const last = await api('lastSale', {});
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const tx = last.ok && last.value ? await api('getTransaction', { saleId: last.value.saleId }) : null;
  const sends = tx?.ok ? tx.value.traces.filter((t) => /^purchase/.test(t.operation)) : [];
  expect(sends[0]?.status).toBe(504);
  expect(sends.length).toBeGreaterThan(1);
  expect(sends.at(-1)?.operation).toBe('purchaseRetry');
  expect(sends.at(-1)?.outcome).toBe('successful');
});

test('every wait says what it waits for: looking up, buying, printing', async ({ page }) => {
  const progress = await recordProgress(page);
  // Slow providers, so each wait is on screen long enough to read.
  await withFaults({ latencyMs: 900 }, async () => {
    await signIn(page, 'cashier');
    await page.keyboard.type('00100000017', { delay: 5 });
    await page.keyboard.press('Enter');
    await expect(page.locator('.progress')).toHaveText('Looking up the meter…');
    await expect(page.getByTestId('customer')).toBeVisible();
    await page.keyboard.type('40');
    await page.keyboard.press('F2');
    await expect(page.locator('.progress')).toHaveText('Buying the token…');
    await shot(page, 'cashier-buying');
    await expect(page.getByTestId('slip-printed')).toBeVisible();
    await expect(page.locator('.progress')).toHaveCount(0);
  });
  expect(await progress()).toEqual(['Looking up the meter…', 'Buying the token…', 'Printing slip…']);
});

test('a failed sale says why in plain words, that nothing was charged, and what to do next', async ({ page }) => {
  await signIn(page, 'cashier');
  await page.keyboard.type('00100000017', { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('customer')).toBeVisible();
  await page.keyboard.type('60');
  // Every provider refuses (503) between the lookup and the sale.
  await withFaults({ down: true }, async () => {
    await page.keyboard.press('F2');
    const failed = page.getByTestId('outcome-failed');
    await expect(failed).toContainText('Sale failed — nothing was charged');
    await expect(failed).toContainText(/unavailable|no provider/i);
    await expect(failed).toContainText('Give the customer their money back');
    await expect(page.getByTestId('token')).toHaveCount(0);
    await shot(page, 'cashier-failed');
    const last = await api('lastSale', {});
    expect(last.ok && [last.value?.state, last.value?.tokens.length]).toEqual(['failed', 0]);

    // A lookup while they are down: refused up front, with what to do next.
    await page.keyboard.press('Escape');
    await page.keyboard.type('00100000017', { delay: 5 });
    await page.keyboard.press('Enter');
    // No provider could be asked: said as such (503 UPSTREAM_UNAVAILABLE), never as an unknown meter.
    await expect(page.getByRole('alert')).toContainText('No provider can be reached right now');
    await expect(page.getByRole('alert')).toContainText('Try again in a minute');
    await expect(page.getByRole('alert')).not.toContainText(/unknown meter|not known/i);
  });
  await expect(page.getByTestId('pending-count')).toHaveText('Pending: 0');
});

test('a card sale from a card swipe: track 2 finds the meter, a full card number is refused, the masked one is kept', async ({ page }) => {
  await signIn(page, 'cashier');
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.keyboard.type(';00100000017=4912?', { delay: 5 }); // a magnetic stripe reader types track 2, then Enter
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('customer')).toBeVisible();
  await page.getByLabel('Amount (R)').fill('30');
  await page.getByLabel('Debit card').check();
  await page.keyboard.press('F2'); // the till asks whether the card terminal approved it; the masked number comes from its slip
  await expect(page.getByTestId('card-approval')).toContainText('Card terminal approved R 30.00?');
  await page.getByLabel(/Card number \(masked/).fill('4111111111111111');
  await page.getByRole('button', { name: /^Yes — approved/ }).click();
  await expect(page.getByRole('alert')).toContainText('Never the full number');
  await expect(page.getByTestId('outcome-success')).toHaveCount(0);

  await page.getByLabel(/Card number \(masked/).fill('411111******1111');
  await page.getByRole('button', { name: /^Yes — approved/ }).click();
  await expect(page.getByTestId('outcome-success')).toBeVisible();
  await shot(page, 'cashier-card-sale');
  const last = await api('lastSale', {});
  expect(last.ok && last.value?.tender).toEqual({ type: 'DEBIT_CARD', maskedCard: '411111******1111' });
  expect(last.ok && last.value?.meterId).toBe('00100000017');
});

test('printer out of paper: the token is on screen and safe, the problem is plain; paper back: the slip prints by itself, once, and the screen says so without a reload', async ({ page }) => {
  // The field tech (a manager) runs the virtual printer out of paper; the cashier sells.
  await asManager(() => api('setVirtualPrinterStatus', { paperOut: true }));
  await signIn(page, 'cashier');
  await sell(page, '00100000017', '25');
  await expect(page.getByTestId('outcome-success')).toBeVisible();
  const problem = page.getByTestId('printer-problem');
  await expect(problem).toContainText('tokens above are safe');
  await expect(problem).toContainText(/out of paper/i);
  const shown = (await page.getByTestId('token').first().textContent()) ?? '';
  const groups = shown.match(/\d{4}( \d{4}){4}/)?.[0] ?? 'no token on screen';
  await expect(page.getByLabel('Till status')).toContainText('Printer: PAPER OUT', { timeout: 10_000 }); // the header says it too
  await shot(page, 'cashier-printer-problem');

  await asManager(() => api('setVirtualPrinterStatus', { paperOut: false }));
  const printedOnce = async () => {
    const jobs = await api('virtualPrinterJobs', { limit: 50 });
    return jobs.ok ? jobs.value.jobs.filter((j) => j.text.includes(groups)).length : -1;
  };
  await expect.poll(printedOnce, { timeout: 15_000 }).toBe(1);
  // The Sell screen follows: the problem line gives way to "Slip printed" by itself.
  await expect(page.getByTestId('slip-printed')).toBeVisible({ timeout: 10_000 });
  await expect(problem).toHaveCount(0);
  const last = await api('lastSale', {});
  expect(last.ok && last.value?.slip.printed).toBe(true);
  await page.waitForTimeout(1500); // further worker rounds must not print it again
  expect(await printedOnce()).toBe(1);
});
