/**
 * The wait never mixes customers, in Chromium: a slow sale shows its meter, amount, short reference
 * and what to do with the cash from its first send; F4 leaves it pending before any retry; the next
 * customers are served with nothing of the first sale drawn over them, and its late outcome comes as
 * a notice. A meter with a sale still open is flagged at lookup. A card sale waits for the card
 * terminal's approval: declined, nothing reaches the switch.
 */
import { expect, test, type Page } from '@playwright/test';
import { DEMO_METERS, PROVIDER_IDS } from '../switch-core/providers';
import { api, asManager, lookUp, shotBoth, signIn, withFaults } from './helpers';

/** Runs `body` with `ms` between retries, then puts the settings back. */
async function withRetriesEvery(ms: number, body: () => Promise<void>): Promise<void> {
  const before = await asManager(() => api('getSettings', {}));
  if (!before.ok) throw new Error(before.error.message);
  expect((await asManager(() => api('setSettings', { timeouts: { retryBaseMs: ms, retryMaxMs: ms } }))).ok).toBe(true);
  try {
    await body();
  } finally {
    await asManager(() => api('setSettings', { timeouts: before.value.timeouts }));
  }
}

/** Records, with the page's clock, every time a sale's waiting/pending panel is drawn (installed before the page loads). */
async function recordPanels(page: Page): Promise<(since: number) => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: { at: number; text: string }[] = [];
    (window as unknown as { __panels: typeof seen }).__panels = seen;
    let shown = false;
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid="outcome-pending"]');
      if (el && !shown) seen.push({ at: Date.now(), text: el.textContent ?? '' });
      shown = Boolean(el);
    }).observe(document, { subtree: true, childList: true });
  });
  return (since) => page.evaluate((t) => (window as unknown as { __panels: { at: number; text: string }[] }).__panels.filter((p) => p.at >= t).map((p) => p.text), since);
}

/** Runs `body` with one simulated provider withholding its purchase answers, then gives it its own behaviour back. */
async function withProviderWithholding(providerId: string, body: () => Promise<void>): Promise<void> {
  const listed = await asManager(() => api('providers', {}));
  const before = listed.ok ? listed.value.providers.find((p) => p.id === providerId)?.behaviour : undefined;
  if (!before) throw new Error(`provider ${providerId} is not simulated here`);
  expect((await asManager(() => api('setProviderBehaviour', { providerId, patch: { timeoutRate: 1 } }))).ok).toBe(true);
  try {
    await body();
  } finally {
    await asManager(() => api('setProviderBehaviour', { providerId, patch: { timeoutRate: before.timeoutRate } }));
  }
}

test('the wait: reference and cash words from the first send, F4 at 2 s, the next customers served with nothing drawn over them, the late outcome as a notice', async ({ page }) => {
  test.setTimeout(120_000);
  const panelsSince = await recordPanels(page);
  await withRetriesEvery(3000, async () => {
    await signIn(page, 'cashier');
    const first = DEMO_METERS.serviceChargeDue; // City of Tshwane: Contour first; the next customers' utilities rank others first
    let saleId = '';
    let nextAt = 0;
    const panel = page.getByTestId('outcome-pending');
    // Contour withholds its answers until the next two customers are served.
    await withProviderWithholding(PROVIDER_IDS.contour, async () => {
      await lookUp(page, first, '20');
      await page.keyboard.press('F2');
      const soldAt = Date.now();
      // While the first send is still out (no answer yet, no retry): the meter, amount, cash words and short reference.
      await expect(panel.getByTestId('wait-sale')).toContainText(`Meter ${first} · R 20.00 · Cash`);
      await expect(panel).toContainText('Keep the customer’s cash');
      saleId = (await page.getByTestId('short-ref').getAttribute('data-reference')) ?? '';
      await expect(page.getByTestId('short-ref')).toHaveText(saleId.slice(-8));
      await expect(page.getByRole('status').filter({ hasText: 'Buying the token…' })).toBeVisible();
      const during = await api('getSale', { saleId });
      expect(during.ok && { state: during.value.state, attempts: during.value.attempts }).toEqual({ state: 'purchasing', attempts: 1 });

      // F4 at 2 s: pending at once, long before the switch gives up on the provider.
      await page.waitForTimeout(Math.max(0, soldAt + 2000 - Date.now()));
      await page.keyboard.press('F4');
      await expect(panel).toContainText('PENDING — DO NOT RESELL');
      const left = await api('getSale', { saleId });
      expect(left.ok && { state: left.value.state, attempts: left.value.attempts }).toEqual({ state: 'pending', attempts: 1 });
      await expect.poll(async () => JSON.stringify(await api('virtualPrinterJobs', { limit: 20 }))).toContain(saleId.slice(-8)); // the pending slip

      // The next customer, while the first sale is still open: served, and nothing of the first sale over her.
      nextAt = await page.evaluate(() => Date.now());
      await page.getByLabel('Meter number').fill('');
      await lookUp(page, DEMO_METERS.plain, '50');
      await page.keyboard.press('F2');
      await expect(page.getByTestId('outcome-success')).toBeVisible();
      const mine = await api('lastSale', {});
      expect(mine.ok && mine.value?.meterId).toBe(DEMO_METERS.plain);

      // And the one after her is typing her amount when the first sale's answer comes.
      await expect(page.getByLabel('Meter number')).toBeFocused();
      await page.keyboard.type(DEMO_METERS.gas, { delay: 5 });
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('utility')).toContainText('Gas');
      await page.keyboard.type('30');
      expect(await api('getSale', { saleId })).toMatchObject({ ok: true, value: { state: 'pending' } });
    });

    // Contour answers again: the first sale's retry sells it, and it comes as a notice — her screen untouched.
    const notice = page.getByTestId('late-notice').filter({ hasText: saleId.slice(-8) });
    await expect(notice).toContainText(`Pending sale for meter ${first} (R 20.00, ref ${saleId.slice(-8)}) succeeded`, { timeout: 60_000 });
    await expect(page.getByLabel('Amount (R)')).toHaveValue('30');
    await expect(page.getByLabel('Amount (R)')).toBeFocused();
    await expect(page.getByTestId('utility')).toContainText('Gas');
    await expect(panel).toHaveCount(0);
    // Never drawn over the next customers, not even for a moment (her own sale's brief wait panel is hers).
    expect((await panelsSince(nextAt)).filter((t) => t.includes(first) || t.includes(saleId.slice(-8)))).toEqual([]);
    await notice.getByRole('button', { name: 'Got it' }).click();
  });
});

test('Esc while a sale waits: left pending with its slip, the next customer keeps her screen, a meter with an open sale is flagged at lookup', async ({ page }) => {
  test.setTimeout(90_000);
  const panelsSince = await recordPanels(page);
  await signIn(page, 'cashier');
  const first = DEMO_METERS.keyChange;
  let saleId = '';
  await withFaults({ timeoutRate: 1 }, async () => {
    await lookUp(page, first, '25');
    await page.keyboard.press('F2');
    saleId = (await page.getByTestId('short-ref').getAttribute('data-reference')) ?? '';
    expect(saleId).toMatch(/^[0-9a-f-]{36}$/);
    await shotBoth(page, 'cashier-waiting');
    const escAt = await page.evaluate(() => Date.now());
    await page.keyboard.press('Escape');
    await expect(page.getByLabel('Meter number')).toBeFocused();
    await expect.poll(async () => {
      const s = await api('getSale', { saleId });
      return s.ok && { state: s.value.state, slip: s.value.slip.kind };
    }).toEqual({ state: 'pending', slip: 'pending' });

    // The same meter again: flagged before any amount, with the slip's short reference; the manager's approval has the focus.
    await page.keyboard.type(first, { delay: 5 });
    await page.keyboard.press('Enter');
    const flag = page.getByTestId('open-sale-flag');
    await expect(flag).toContainText(`Meter ${first} already has a sale waiting for its token — reference ${saleId.slice(-8)}, R 25.00`);
    await expect(flag).not.toContainText(saleId);
    await expect(page.getByLabel('Manager id')).toBeFocused();
    await shotBoth(page, 'cashier-open-sale-flag');
    await page.keyboard.press('F2'); // no second sale without the manager
    await expect(page.getByRole('alert').filter({ hasText: 'a manager approves a second sale first' })).toBeVisible();
    await expect(page.getByLabel('Manager id')).toBeFocused();
    expect(await asManager(() => api('listTransactions', { meterId: first }))).toMatchObject({ ok: true, value: [{ saleId }] });

    // Another customer: her amount stays while the first sale's send is still out.
    await page.keyboard.press('Escape');
    await lookUp(page, DEMO_METERS.gas, '40');
    await expect.poll(async () => {
      const s = await api('getSale', { saleId });
      return s.ok && s.value.progress.stage !== 'purchasing';
    }, { timeout: 45_000 }).toBe(true); // the switch gave up on the provider: the first sale's answer has come back
    await expect(page.getByLabel('Amount (R)')).toHaveValue('40');
    await expect(page.getByLabel('Amount (R)')).toBeFocused();
    expect((await panelsSince(escAt)).filter((t) => t.includes(saleId.slice(-8)))).toEqual([]);
  });
  await asManager(() => api('cancelPending', { saleId }));
});

test('card: the till asks whether the card terminal approved the amount; No sends nothing to the switch, Yes sells with the approval code and masked card', async ({ page }) => {
  const meter = DEMO_METERS.weighted;
  const switchSales = async () => {
    const r = await asManager(() => api('switchTransactions', { meter, type: 'PURCHASE', limit: 1000 }));
    if (!r.ok) throw new Error(r.error.message);
    return r.value.transactions.length;
  };
  const tillSales = async () => {
    const r = await asManager(() => api('listTransactions', { meterId: meter }));
    return r.ok ? r.value.length : -1;
  };
  const [switchBefore, tillBefore] = [await switchSales(), await tillSales()];
  await signIn(page, 'cashier');
  await lookUp(page, meter, '200');
  await page.keyboard.press('F6');
  await page.keyboard.press('F2');
  const ask = page.getByTestId('card-approval');
  await expect(ask.getByRole('heading')).toHaveText('Card terminal approved R 200.00?');
  await expect(ask.getByRole('button', { name: /No — not approved/ })).toBeFocused(); // the safe choice: a stray Enter sells nothing
  await shotBoth(page, 'cashier-card-question');
  await page.keyboard.press('Enter');
  await expect(ask).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Not sold' })).toContainText('Nothing was sent');
  await expect(page.getByTestId('outcome-success')).toHaveCount(0);
  // Nothing reached the switch, and the till recorded nothing.
  await page.waitForTimeout(1000);
  expect(await switchSales()).toBe(switchBefore);
  expect(await tillSales()).toBe(tillBefore);

  // Approved: the code and the masked card number go with the sale.
  await page.keyboard.press('F2');
  await page.getByLabel('Approval code (optional)').fill('A1B2C3');
  await page.getByLabel('Card number (masked, from the terminal slip)').fill('492181******7890');
  await page.keyboard.press('F2'); // Yes

  await expect(page.getByTestId('outcome-success')).toBeVisible();
  await expect(page.getByTestId('paid')).toHaveText('R 200.00 · Debit card 492181******7890 · approval A1B2C3');
  expect(await switchSales()).toBe(switchBefore + 1);
  const sale = await api('lastSale', {});
  expect(sale.ok && sale.value?.tender).toEqual({ type: 'DEBIT_CARD', maskedCard: '492181******7890', approvalCode: 'A1B2C3' });
});
