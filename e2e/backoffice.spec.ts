/**
 * Manager back office, console views and field-tech tools in Chromium: pending cancelled into a
 * reversal, reprints and their refusal to a cashier, Confirm support, routing preferences, settings,
 * transaction detail with message traces, end of day, the virtual printer's jobs, and a provider
 * taken down from the faults screen as seen in the health view.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { api, leavePending, lookUp, shot, signIn, withFaults } from './helpers';

test('a pending sale is left by the cashier, then cancelled by a manager into a reversal', async ({ page }) => {
  await signIn(page, 'cashier');
  await lookUp(page, '00100000025', '30');
  let saleId = '';
  await withFaults({ serverErrorRate: 1 }, async () => {
    saleId = await leavePending(page);
    await expect(page.getByTestId('pending-count')).toHaveText('Pending: 1'); // the status bar counts it
    await shot(page, 'cashier-pending');

    // The manager cancels it from the pending queue while the providers still fail.
    await signIn(page, 'manager');
    await page.getByRole('button', { name: 'Pending queue' }).click();
    const row = page.getByTestId('queue-row').filter({ hasText: '00100000025' }).filter({ hasText: 'Pending sale' });
    await expect(row).toBeVisible();
    // The short reference the pending slip prints; age, attempts and the last error, as the manager needs them to decide.
    await expect(row.getByTestId('queue-ref')).toHaveText(saleId.slice(-8));
    await expect(row.locator('td').nth(4)).toHaveText(/\d+ (s|min) ago/);
    await expect(row.locator('td').nth(5)).toHaveText(/^[1-9]\d*$/);
    await expect(row.locator('td').nth(6)).not.toHaveText('—');
    await shot(page, 'manager-queue');
    // Cancel asks first, saying what to refund and what the customer hands back; "No" leaves it pending.
    await row.getByRole('button', { name: 'Cancel (reversal)' }).click();
    const confirm = page.getByTestId('cancel-confirm');
    await expect(confirm).toContainText('Refund the customer R 30.00');
    await expect(confirm).toContainText(`hands back the pending slip with reference ${saleId.slice(-8)}`);
    await expect(confirm.getByRole('button', { name: 'No, keep it pending' })).toBeFocused(); // the safe choice: Enter cancels nothing
    await shot(page, 'manager-cancel-confirm');
    await confirm.getByRole('button', { name: 'No, keep it pending' }).click();
    await expect(confirm).toHaveCount(0);
    expect(await api('getTransaction', { saleId }).then((t) => (t.ok ? t.value.sale.state : t.error.code))).toBe('pending');
    await row.getByRole('button', { name: 'Cancel (reversal)' }).click();
    await confirm.getByRole('button', { name: /Yes — cancel and refund R 30\.00/ }).click();
    // The cashier's drawer session is open: the till recorded the refund as paid from the drawer, and says so.
    await expect(page.getByTestId('cancel-done')).toHaveText(/Refund R 30\.00: pay from this drawer\.$/);
    await expect.poll(async () => {
      const t = await api('getTransaction', { saleId });
      return t.ok ? t.value.sale.state : t.error.code;
    }).toBe('cancelled');
    await expect(row).toHaveCount(0);
    await expect(page.getByTestId('pending-count')).toHaveText('Pending: 0');

    // The queue follows the till by itself: a sale left pending meanwhile appears without a click.
    const next = await api('purchase', { meterId: '00100000017', amountCents: 2000, tender: { type: 'CASH' } });
    const nextId = next.ok ? next.value.saleId : '';
    expect((await api('leavePending', { saleId: nextId })).ok).toBe(true);
    await expect(page.getByTestId('queue-row').filter({ hasText: nextId.slice(-8) })).toContainText('Pending sale');
    expect((await api('cancelPending', { saleId: nextId })).ok).toBe(true);
  });
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const t = await api('getTransaction', { saleId });
  expect(t.ok && t.value.sale.advice?.kind).toBe('reversal');
});

test('"Retry now" sends a pending sale at once instead of at its next scheduled attempt', async ({ page }) => {
  // Retries spaced minutes apart, so only the button can explain a quick success.
  await api('signIn', { operatorId: 'manager', pin: '9999' });
  const before = await api('getSettings', {});
  expect(before.ok).toBe(true);
  if (!before.ok) return;
  expect((await api('setSettings', { timeouts: { retryBaseMs: 300_000, retryMaxMs: 600_000 } })).ok).toBe(true);
  try {
    await signIn(page, 'cashier');
    await lookUp(page, '00200000016', '40');
    let saleId = '';
    await withFaults({ serverErrorRate: 1 }, async () => {
      saleId = await leavePending(page);
    });
    // The providers answer again, but the sale's next attempt is minutes away: the queue says so.
    await signIn(page, 'manager');
    await page.getByRole('button', { name: 'Pending queue' }).click();
    const row = page.getByTestId('queue-row').filter({ hasText: '00200000016' }).filter({ hasText: 'Pending sale' });
    await expect(row.locator('td').nth(7)).toHaveText(/^in \d+ min$/);
    await expect(row.locator('td').nth(7).locator('time')).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await row.getByRole('button', { name: 'Retry now' }).click();
    await expect(row).toHaveCount(0);
    const t = await api('getTransaction', { saleId });
    expect(t.ok && t.value.sale.state).toBe('succeeded');
    await shot(page, 'manager-queue-retried');
  } finally {
    await api('signIn', { operatorId: 'manager', pin: '9999' });
    await api('setSettings', { timeouts: before.value.timeouts });
  }
});

test('a manager reprints a slip (logged); a cashier has no Reprint screen and the back end refuses one', async ({ page }) => {
  // A completed sale to reprint, made over the API as the cashier.
  await api('signIn', { operatorId: 'cashier', pin: '1111' });
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
  await expect(page.getByRole('button', { name: 'Reprint', exact: true })).toHaveCount(0);
  const refused = await api('reprintLocal', { saleId: bought.ok ? bought.value.saleId : '' });
  expect(refused.ok ? 'printed' : refused.error.message).toMatch(/manager/i);

  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Reprint', exact: true }).click();
  await page.getByLabel('Meter').fill('00100000017');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Reprint 00100000017' }).first().click();
  await expect(page.getByRole('status')).toContainText('Reprint printed and logged');
  await shot(page, 'manager-reprint');
  // The same slip found by its token and by its reference.
  const sold = await api('getSale', { saleId: bought.ok ? bought.value.saleId : '' });
  const digits = sold.ok ? sold.value.tokens[0]?.token ?? 'no token' : 'no sale';
  await page.getByLabel('Meter').fill('');
  await page.getByLabel('Token').fill(digits);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Reprint 00100000017' })).toHaveCount(1);
  await page.getByLabel('Token').fill('');
  await page.getByLabel('Reference').fill(bought.ok ? bought.value.saleId : '');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'Reprint 00100000017' })).toHaveCount(1);
  const jobs = await api('virtualPrinterJobs', { limit: 3 });
  expect(jobs.ok && jobs.value.jobs.some((j) => /^\s*COPY$/m.test(j.text))).toBe(true);
});

test('Confirm support marks the meter for rebroadcast; statuses change after the next lookup', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Meters' }).click();
  // Typeahead, by keyboard: part of the number, the suggestions appear, down arrow to the meter, Enter.
  await page.getByLabel('Search meter number').pressSequentially('0060000001');
  await expect(page.getByRole('option').first()).toContainText('00600000012');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('option').first().getByRole('button')).toBeFocused();
  await page.keyboard.press('Enter');
  const meterPage = page.getByTestId('meter-page');
  await expect(meterPage).toContainText('Polokwane');
  const before = await page.getByTestId('support-status').allTextContents();
  expect(before).not.toContain('Supported');
  await page.getByRole('button', { name: 'Confirm support' }).click();
  await expect(page.getByTestId('rebroadcast-message')).toContainText(/rebroadcast|re-check/i);
  await expect(page.getByRole('button', { name: 'Confirm support' })).toHaveCount(0);
  const lastResponse = page.getByTestId('last-response');
  await expect(lastResponse.filter({ hasText: 'Awaiting confirmation' })).toHaveCount(await lastResponse.count()); // nobody has answered since the flag
  await shot(page, 'console-meter-confirmed');

  // The next lookup for this meter rebroadcasts to every provider.
  const lk = await api('lookupMeter', { meterId: '00600000012' });
  expect(lk.ok).toBe(true);
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect.poll(async () => page.getByTestId('support-status').allTextContents()).toContain('Supported');
  // Providers that answered are Supported / Not supported now; one that did not answer stays Unconfirmed.
  const after = await page.getByTestId('support-status').allTextContents();
  expect(after.filter((x) => x === 'Unconfirmed').length).toBeLessThan(after.length / 2);
  // A provider that answered: time since its answer, the exact time on hover.
  const answered = page.getByTestId('provider-row').filter({ has: page.getByTestId('support-status').getByText('Supported', { exact: true }) }).first();
  await expect(answered.getByTestId('last-response')).toHaveText(/^\d+ s ago$/);
  await expect(answered.locator('time')).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await shot(page, 'console-meter-after-lookup');
});

test('routing preferences for a utility: ranked in order, excluded, meter count', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Routing' }).click();
  const row = page.getByTestId('routing-row').filter({ hasText: 'City of Cape Town' }).first();
  await expect(row).toBeVisible();
  await expect(row.locator('ol.ranked li')).toHaveText([/EasyPay/, /Syntell/]);
  await expect(row).toContainText('iPay');
  // The meter count shown is the switch's count of this utility's meters (the demo seeds well over 100).
  const routing = await api('routing', {});
  const cpt = routing.ok ? routing.value.utilities.find((u) => u.name === 'City of Cape Town') : undefined;
  expect(cpt?.meterCount).toBeGreaterThan(100);
  await expect(row.getByTestId('meter-count')).toHaveText(String(cpt?.meterCount));
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
  // The browser host has no keyring: Settings says the switch password is stored unencrypted.
  await expect(page.getByTestId('password-unencrypted')).toContainText('stored unencrypted');
  await page.getByLabel('Terminal id (8 characters)').fill('T1');
  await page.getByLabel('Merchant city (up to 13)').fill('Stellenbosch');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('#s-terminalId-err')).toBeVisible();
  await expect(page.getByRole('alert').first()).toHaveText('Nothing was saved: one setting needs a change (marked beside it).'); // no field codes
  const unchanged = await api('getSettings', {});
  expect(unchanged.ok && before.ok && unchanged.value).toEqual(before.ok ? before.value : null); // refused whole, never half-applied

  await page.getByLabel('Terminal id (8 characters)').fill('TILL0042');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toContainText('Settings saved.');
  const after = await api('getSettings', {});
  expect(after.ok && [after.value.terminalId, after.value.merchantCity]).toEqual(['TILL0042', 'Stellenbosch']);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status')).toHaveText(/The switch answered in \d+ ms\./);
  await page.getByRole('button', { name: 'Print test page' }).click();
  await expect(page.getByRole('status')).toHaveText('Test page printed.');
  const jobs = await api('virtualPrinterJobs', { limit: 1 });
  expect(jobs.ok && jobs.value.jobs[0]?.text).toContain('TILL0042'); // the test page carries the new terminal id
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

/** Clicks a download link and returns the downloaded bytes. */
async function download(page: Page, name: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name }).first().click()]);
  return readFileSync(await file.path());
}

test('end of day: the sessions\' floats and drops, a count with a difference, pending and reversed listed, printed as a receipt, a CSV row per sale named by its day', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'End of day' }).click();
  const summary = page.getByText(/^Sold \d+ for R \d+\.\d\d; failed \d+; pending \d+; reversed \d+\.$/);
  await expect(summary).toBeVisible();
  await expect(page.getByLabel('Opening float (R)')).toHaveCount(0); // the floats are the sessions' own, typed at opening
  const cash = page.getByTestId('cashup-row').filter({ hasText: 'Cash' }).first();
  const day = await page.getByLabel('From day').inputValue();
  const tx = await api('listTransactions', { from: day, to: day, limit: 1000 });
  const sales = tx.ok ? tx.value : [];
  const report = await api('eodReport', { from: day, to: day });
  const floats = report.ok ? report.value.openingFloatCents : -1;
  expect(floats).toBeGreaterThanOrEqual(100_000); // the cashier's and the manager's R500 at least
  const drops = report.ok ? report.value.dropsCents : 0;
  const inDrawer = sales.filter((t) => t.tender === 'CASH' && ['succeeded', 'pending', 'retrying', 'purchasing'].includes(t.state)).reduce((a, t) => a + t.amountCents, 0);
  const expected = floats + inDrawer - drops;
  await expect(cash.getByTestId('cashup-expected')).toHaveText(`R ${(expected / 100).toFixed(2)}`);
  await page.getByLabel('Cash counted in the drawer (R)').fill(((expected - 500) / 100).toFixed(2));
  await page.getByRole('button', { name: 'Work out the cash-up' }).click();
  await expect(cash.getByTestId('cashup-difference')).toHaveText('short R 5.00');
  await expect(page.getByTestId('eod-reversed').locator('li')).toHaveCount(sales.filter((t) => t.state === 'cancelled').length);
  await shot(page, 'manager-end-of-day');

  await page.getByRole('button', { name: 'Print report' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Report printed.' })).toBeVisible();
  const jobs = await api('virtualPrinterJobs', { limit: 1 });
  const printed = jobs.ok ? jobs.value.jobs[0]?.text ?? '' : '';
  expect(printed).toContain('CASH-UP');
  expect(printed).toMatch(/SHORT\s+-R5\.00/);
  const csvFile = await page.getByRole('link', { name: /Download CSV/ }).getAttribute('download');
  expect(csvFile).toBe(`end-of-day-${day}.csv`);
  const csv = (await download(page, 'Download CSV')).toString('utf8').trim().split('\r\n');
  expect(csv[0]).toBe('date,reference,meter,state,tender,amount,cashier,utility,provider');
  expect(csv.length - 1).toBe(sales.length);
});

test('virtual printer: each job as the rendered slip, its text and decoded commands; PNG and BIN download', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Virtual printer' }).click();
  const job = page.getByTestId('print-job').first();
  await expect(job.getByRole('img')).toHaveJSProperty('complete', true);
  expect(await job.getByRole('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  await job.getByText('Decoded commands').click();
  await expect(job.locator('details pre')).toBeVisible();
  const png = await download(page, 'Download PNG');
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const bin = await download(page, 'Download BIN');
  const bytes = Number((await job.getByRole('heading').textContent())?.match(/(\d+) bytes/)?.[1]);
  expect(bin.length).toBe(bytes);
  expect([...bin.subarray(0, 2)]).toEqual([0x1b, 0x40]); // ESC @: every job starts by initialising the printer
});

test('a field tech takes a provider down; the health view shows it failing over time while sales go to the next provider', async ({ page }) => {
  await signIn(page, 'manager');
  await page.getByRole('button', { name: 'Provider faults' }).click();
  const easyPay = page.getByTestId('fault-row').filter({ hasText: 'EasyPay' });
  await page.getByLabel('EasyPay down').check();
  await page.getByLabel('Added latency (ms) for EasyPay').fill('120');
  await page.getByRole('button', { name: 'Apply EasyPay' }).click();
  await expect(easyPay.getByTestId('fault-now')).toHaveText('down (503), +120 ms');
  await shot(page, 'field-tech-provider-faults');
  try {
    // Cape Town ranks EasyPay first: each sale is refused there and goes to the next ranked provider.
    for (let i = 0; i < 5; i++) {
      const lk = await api('lookupMeter', { meterId: '00100000017' });
      const bought = lk.ok ? await api('purchase', { lookupRef: lk.value.lookupRef, meterId: '00100000017', amountCents: 1000, tender: { type: 'CASH' } }) : lk;
      expect(bought.ok).toBe(true);
      const saleId = bought.ok ? bought.value.saleId : '';
      await expect.poll(async () => {
        const sale = await api('getSale', { saleId });
        return sale.ok ? sale.value.state : sale.error.code;
      }).toBe('succeeded');
    }
    await page.getByRole('button', { name: 'Providers', exact: true }).click();
    const health = page.getByTestId('provider-health-row').filter({ hasText: 'EasyPay' });
    // DOWN, and it stays DOWN past the breaker's cool-down (5 s) while no sale probes it.
    await expect(health.getByTestId('provider-health')).toHaveText('DOWN');
    await page.waitForTimeout(6000);
    await expect(health.getByTestId('provider-health')).toHaveText('DOWN');
    await expect(health.getByTestId('provider-error-rate')).not.toHaveText('0.0 %');
    const chart = health.getByTestId('health-chart');
    const samples = Number(await chart.getAttribute('data-samples'));
    await expect.poll(async () => Number(await chart.getAttribute('data-samples'))).toBeGreaterThan(samples); // the chart moves while watched
    await expect(chart).toHaveAttribute('aria-label', /errors now [1-9]\d* %.*down for part of it/);
    await expect(chart.getByTestId('chart-down').first()).toBeVisible(); // shaded while down
    await expect(chart).toContainText('latency (ms)'); // legend and axes
    await expect(chart).toContainText('errors (%)');
    await expect(chart).toContainText('now');
    await shot(page, 'console-provider-health');
  } finally {
    await page.getByRole('button', { name: 'Provider faults' }).click();
    await page.getByRole('button', { name: 'Clear EasyPay' }).click();
    await expect(easyPay.getByTestId('fault-now')).toHaveText('healthy');
  }
});
