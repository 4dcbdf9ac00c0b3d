/**
 * The counter as a cashier feels it, in Chromium at the two counter sizes: the pending path in words
 * with its late success, a scan straight after an outcome, a 4-token sale fully visible, change due,
 * the PIN pad, tender tiles and keypad, the problem banner, and what a cashier does not see.
 */
import { expect, test, type Page } from '@playwright/test';
import { DEMO_METERS } from '../switch-core/providers';
import { api, COUNTER_SIZES, lookUp, openSignedOut, sell, shotBoth, signIn, withFaults } from './helpers';

/** Runs `body` with quick background retries (a late success within seconds), then puts the settings back. */
async function withQuickRetries(body: () => Promise<void>): Promise<void> {
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const before = await api('getSettings', {});
  expect(before.ok).toBe(true);
  if (!before.ok) return;
  // 3 s between attempts: each "Attempt n of 4 in s" lasts long enough to be seen on a loaded machine (1–2 s once slipped past in CI).
  expect((await api('setSettings', { timeouts: { retryBaseMs: 3000, retryMaxMs: 3000 } })).ok).toBe(true);
  try {
    await body();
  } finally {
    await api('signIn', { operatorId: 'manager', pin: '9999' });
    await api('setSettings', { timeouts: before.value.timeouts });
  }
}

/** True when the element lies wholly inside the viewport (nothing to scroll to see it). */
const inView = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluateAll((els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth && r.width > 0;
  }));

test('pending: progress in words with a countdown, what to do with the cash, a short reference on screen and slip; a late success is announced on every screen until acknowledged', async ({ page }) => {
  await withQuickRetries(async () => {
    await signIn(page, 'cashier');
    await lookUp(page, DEMO_METERS.withArrears, '35');
    let saleId = '';
    await withFaults({ serverErrorRate: 1 }, async () => {
      await page.keyboard.press('F2');
      // While it retries: which attempt, why in words (never a raw code), and when the next try goes.
      const progress = page.getByRole('status').filter({ hasText: /Attempt \d of 4 in \d+ s\./ }); // 1 + the default 3 retries while the cashier waits
      await expect(progress).toContainText('No answer yet: the provider did not answer in time.');
      await expect(page.getByTestId('outcome-pending')).toContainText('Keep the customer’s cash');
      await expect(page.locator('main')).not.toContainText(/[A-Z]{3,}_[A-Z]{3,}|HTTP \d{3}/);
      await shotBoth(page, 'cashier-retrying');

      await page.keyboard.press('F4');
      const panel = page.getByTestId('outcome-pending');
      await expect(panel).toContainText('PENDING — DO NOT RESELL');
      await expect(panel).toContainText('Keep the R 35.00 in the till');
      await expect(panel).toContainText('a manager cancels it (Pending queue) and you refund R 35.00');
      saleId = (await page.getByTestId('short-ref').getAttribute('data-reference')) ?? '';
      expect(saleId).toMatch(/^[0-9a-f-]{36}$/);
      await expect(page.getByTestId('short-ref')).toHaveText(saleId.slice(-8));
      await expect(panel.getByText(saleId)).toBeHidden(); // the full reference only on request
      await panel.getByRole('button', { name: 'Show full reference' }).click();
      await expect(panel.getByText(saleId)).toBeVisible();
      await shotBoth(page, 'cashier-pending');

      // The pending slip carries the same short reference on a line of its own (printed double size).
      const jobs = await api('virtualPrinterJobs', { limit: 20 });
      const slip = jobs.ok ? jobs.value.jobs.find((j) => j.text.includes('PURCHASE PENDING') && j.text.includes(saleId.slice(0, 8))) : undefined;
      expect(slip?.text.split('\n').map((l) => l.trim())).toContain(saleId.slice(-8));
      expect(slip?.text).toContain('this slip has no token');
      expect(slip?.text).not.toContain('until the token is loaded'); // no word of a token it does not carry
    });

    // The providers answer again: the till's own retry sells it. Every screen says so until a cashier acknowledges it.
    await page.getByRole('button', { name: 'Virtual printer' }).click();
    const notice = page.getByTestId('late-notice');
    await expect(notice).toContainText(`Pending sale for meter ${DEMO_METERS.withArrears} (R 35.00, ref ${saleId.slice(-8)}) succeeded`, { timeout: 30_000 });
    await expect(notice).toContainText('give the customer the token');
    await shotBoth(page, 'late-success-notice');
    await page.getByRole('button', { name: 'Sell', exact: true }).click();
    await expect(notice).toBeVisible();
    await page.reload();
    await expect(notice).toBeVisible(); // a reload does not lose it
    await notice.getByRole('button', { name: 'Got it' }).click();
    await expect(notice).toHaveCount(0);
    await page.reload();
    await expect(page.getByLabel('Meter number')).toBeVisible();
    await expect(notice).toHaveCount(0);

    // Transactions tell it apart from an ordinary sale.
    await signIn(page, 'manager');
    await page.getByRole('button', { name: 'Transactions' }).click();
    await page.getByLabel('Search any reference').fill(saleId);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByTestId('tx-row-state')).toHaveText(['succeeded late']);
  });
});

test('scanner-ready: straight after a sale, a failure or a refused lookup, the next scan starts the next sale without Esc', async ({ page }) => {
  await signIn(page, 'cashier');
  await sell(page, DEMO_METERS.plain, '20');
  await expect(page.getByTestId('outcome-success')).toBeVisible();
  await expect(page.getByLabel('Meter number')).toBeFocused();
  // The scanner types over the last number and presses Enter.
  await page.keyboard.type(DEMO_METERS.water, { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('utility')).toContainText('Water');
  await expect(page.getByLabel('Amount (R)')).toBeFocused();
  await expect(page.getByLabel('Amount (R)')).toHaveValue('');
  // A refused lookup (blocked meter): the field is ready again at once.
  await page.keyboard.press('Escape');
  await page.keyboard.type(DEMO_METERS.blocked, { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText(/blocked/i);
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.keyboard.type(DEMO_METERS.plain, { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('customer')).toBeVisible();
});

test('sold panel: a 4-token sale shows every token in words with its units, the money split and change due, without scrolling at 1366×768 and 1024×768', async ({ page }) => {
  await signIn(page, 'cashier');
  await lookUp(page, DEMO_METERS.everything, '300');
  await page.getByLabel('Cash received (R)').fill('350');
  await expect(page.getByTestId('change-preview')).toHaveText('Change R 50.00');
  await page.keyboard.press('F2');
  const sold = page.getByTestId('outcome-success');
  await expect(sold).toBeVisible();
  await expect(page.getByTestId('token-type')).toHaveText([/^Key change 1 of 2/, /^Key change 2 of 2/, /^Electricity token — load this for credit/, /^Free electricity/]);
  await expect(page.getByTestId('token-units').first()).toHaveText(/^\d+(\.\d+)? kWh$/);
  await expect(page.getByTestId('debt')).toContainText(/R \d+\.\d\d/);
  await expect(page.getByTestId('change-due')).toHaveText('R 50.00');
  await expect(sold).not.toContainText(/\bSTD\b|\bKC\b|\bBSST\b/);
  for (const size of COUNTER_SIZES) {
    await page.setViewportSize(size);
    expect(await inView(page, 'token-row'), `${size.width}×${size.height}`).toEqual([true, true, true, true]);
    expect(await inView(page, 'change-due'), `${size.width}×${size.height}`).toEqual([true]);
    // Each token on one line: its digits never wrap.
    const heights = await page.getByTestId('token').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    const lineHeight = await page.getByTestId('token').first().evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
    for (const h of heights) expect(h).toBeLessThan(lineHeight * 1.5);
  }
  await shotBoth(page, 'cashier-four-tokens');
});

test('counter look: PIN pad sign-in, tender tiles and keypad, a Sell button that says what it sells, store, till, clock and shift on screen', async ({ page }) => {
  await openSignedOut(page);
  await shotBoth(page, 'sign-in');
  await page.getByLabel('Operator').fill('cashier');
  for (const d of '1111') await page.getByRole('group', { name: 'Keypad' }).getByRole('button', { name: d, exact: true }).click();
  await page.getByRole('button', { name: /^Sign in/ }).click();
  await expect(page.getByTestId('operator')).toHaveText('Cashier One (cashier)');
  const settings = await api('signIn', { operatorId: 'manager', pin: '9999' }).then(() => api('getSettings', {}));
  await api('signIn', { operatorId: 'cashier', pin: '1111' });
  expect(settings.ok).toBe(true);
  if (!settings.ok) return;
  await expect(page.getByTestId('store')).toHaveText(settings.value.merchantName);
  await expect(page.getByTestId('till-id')).toHaveText(`Till ${settings.value.terminalId}`);
  await expect(page.getByTestId('shift')).toHaveText(/^Drawer open since \d\d:\d\d/);
  await expect(page.getByTestId('clock')).toHaveText(/^\d\d:\d\d/);

  await page.keyboard.type(DEMO_METERS.plain, { delay: 5 });
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Amount (R)')).toBeFocused();
  // Keypad and quick amounts fill the amount; F6 picks the debit-card tile; the Sell button follows.
  const pad = page.getByRole('group', { name: 'Keypad for the amount' });
  for (const k of ['4', '5']) await pad.getByRole('button', { name: k, exact: true }).click();
  await expect(page.getByLabel('Amount (R)')).toHaveValue('45');
  await page.getByRole('button', { name: 'R 100.00' }).click();
  await expect(page.getByLabel('Amount (R)')).toHaveValue('100.00');
  await page.keyboard.press('F6');
  await expect(page.getByLabel('Debit card')).toBeChecked();
  const sellButton = page.getByRole('button', { name: /^Sell R 100\.00 \(debit card\)/ });
  await expect(sellButton).toBeVisible();
  const box = await sellButton.boundingBox();
  expect(box?.height).toBeGreaterThanOrEqual(56);
  for (const tile of ['Cash', 'Debit card', 'Credit card']) {
    const b = await page.locator('label.tile', { hasText: tile }).boundingBox();
    expect(b?.height, tile).toBeGreaterThanOrEqual(44);
  }
  await page.keyboard.press('F5');
  await expect(page.getByRole('radio', { name: /^Cash\b/ })).toBeChecked();
  await shotBoth(page, 'cashier-ready-to-sell');
});

test('printer out of paper: a banner across every screen, gone when the paper is back, without a reload', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Virtual printer' }).click();
  await page.getByLabel('Out of paper').click();
  const banner = page.getByTestId('problem-banner');
  await expect(banner).toContainText('Printer is OUT OF PAPER — load a new roll.');
  await page.getByRole('button', { name: 'Sell', exact: true }).click();
  await expect(banner).toBeVisible();
  await shotBoth(page, 'banner-paper-out');
  await page.getByRole('button', { name: 'Virtual printer' }).click();
  await page.getByLabel('Out of paper').click();
  await expect(banner).toHaveCount(0);
});

test('roles: a cashier sees only cashier screens (the field-tech ones as Settings allow) and no printer fault switches', async ({ page }) => {
  await signIn(page, 'cashier');
  const nav = page.getByRole('navigation', { name: 'Screens' });
  await expect(nav.getByRole('button')).toHaveText(['Sell', 'My drawer', 'Virtual printer', 'Provider faults', 'Virtual meter']);
  await page.getByRole('button', { name: 'Virtual printer' }).click();
  await expect(page.getByLabel('Out of paper')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /F8/ })).toHaveCount(0);
  expect((await api('setVirtualPrinterStatus', { paperOut: true })).ok).toBe(false); // the back end refuses it too
  await shotBoth(page, 'cashier-virtual-printer');
});

test('58 mm paper: the virtual printer renders the slip 384 dots wide, every line within 32 columns, tariff lines included', async ({ page }) => {
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const before = await api('getSettings', {});
  expect(before.ok).toBe(true);
  if (!before.ok) return;
  expect((await api('setSettings', { printer: { paperWidth: 58 } })).ok).toBe(true);
  try {
    await signIn(page, 'cashier');
    await sell(page, DEMO_METERS.everything, '250');
    await expect(page.getByTestId('slip-printed')).toBeVisible();
    // The credit token (an earlier test may already have used this meter's key change and free units).
    const credit = (await page.getByTestId('token-row').filter({ hasText: 'Electricity token' }).getByTestId('token').textContent()) ?? 'no token';
    await asManagerView(page);
    const job = page.getByTestId('print-job').filter({ hasText: credit }).first();
    await expect(job).toBeVisible();
    const img = job.getByRole('img');
    await expect(img).toHaveJSProperty('complete', true);
    expect(await img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(384);
    const text = (await job.getByTestId('job-text').textContent()) ?? '';
    expect(text).toMatch(/kWh/); // the tariff block lines are there
    // Printed text lines; "[QR …]", "[cut]" stand for graphics and commands in the text view.
    for (const line of text.split('\n').filter((l) => !/^\[.*\]$/.test(l))) expect(line.length, line).toBeLessThanOrEqual(32);
    // The text panel does not wrap: each printed line is one line on screen.
    expect(await job.getByTestId('job-text').evaluate((e) => getComputedStyle(e).whiteSpace)).toBe('pre');
    await shotBoth(page, 'virtual-printer-58mm');
  } finally {
    await api('signIn', { operatorId: 'manager', pin: '9999' });
    await api('setSettings', { printer: { paperWidth: before.value.printer.paperWidth } });
  }
});

/** The manager's virtual-printer screen, where the field tech reads a job. */
async function asManagerView(page: Page): Promise<void> {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Virtual printer' }).click();
}
