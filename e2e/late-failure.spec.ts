/**
 * A pending cash sale that fails after the cashier moved on, in Chromium: the notice on the Sell screen
 * says where the customer's R 30.00 comes back from, as the till recorded it — this drawer while a
 * drawer session is open at the till, the safe when none is (the same words the Queue's cancel uses).
 * The sale is left pending while the till's switch refuses connections; then the switch is back and
 * every provider refuses the meter, so the retry (the switch never saw the purchase) fails for good.
 */
import { expect, test, type Page } from '@playwright/test';
import { api, asManager, leavePending, lookUp, refusingUrl, signIn, withFaults } from './helpers';

/**
 * Sells R30 cash to `meterId` on the page while the till's switch cannot be reached, leaves it pending
 * (F4) and moves on (Esc); `meanwhile` runs; then the switch is back with every provider refusing the
 * meter, so the sale's retry (a purchase the switch never saw) fails for good. Answers the sale's id.
 */
async function failsAfterPending(page: Page, meterId: string, meanwhile: () => Promise<void>): Promise<string> {
  await page.getByLabel('Meter number').click(); // after a notice's Got it, the cashier clicks back into the field
  await lookUp(page, meterId, '30');
  let saleId = '';
  // The faults go through the switch in use, so they are set while it is the embedded one.
  await withFaults({ refusedMeters: [meterId] }, async () => {
    expect((await asManager(async () => api('setSettings', { switchUrl: await refusingUrl() }))).ok).toBe(true);
    saleId = await leavePending(page);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('outcome-pending')).toHaveCount(0);
    await meanwhile();
    expect((await asManager(() => api('setSettings', { switchUrl: '' }))).ok).toBe(true);
    expect((await api('retryNow', { saleId })).ok).toBe(true);
    await expect.poll(async () => {
      const s = await api('getSale', { saleId });
      return s.ok ? s.value.state : s.error.code;
    }).toBe('failed');
  });
  return saleId;
}

/** Closes the signed-in operator's own drawer session with a count of its float. */
async function closeOwnSession(): Promise<void> {
  const r = await api('closeShift', { counted: { CASH: 50_000 } });
  expect(r.ok, JSON.stringify(r)).toBe(true);
}

test('a pending cash sale that fails later: the notice says to refund it from this drawer, or from the safe when no drawer session is open', async ({ page }) => {
  test.setTimeout(120_000);
  // Two Emalahleni meters no other spec sells: a meter every provider refused is marked unsupported at the switch.
  const found = await asManager(() => api('meterSearch', { prefix: '008', limit: 2 }));
  const [meter, other] = found.ok ? found.value.meters.map((m) => m.meterId) : [];
  if (!meter || !other) throw new Error(`no demo meters found: ${JSON.stringify(found)}`);
  const noticeOf = (saleId: string) => page.getByTestId('late-notice').filter({ hasText: saleId.slice(-8) });
  await signIn(page, 'cashier');
  try {
    // Her drawer session is open: the cash comes back out of this drawer.
    const first = await failsAfterPending(page, meter, async () => undefined);
    await expect(noticeOf(first)).toContainText(`Pending sale for meter ${meter} (R 30.00, ref ${first.slice(-8)}) failed — nothing was charged. Refund R 30.00: pay from this drawer. The customer brings the pending slip back for it.`);
    await noticeOf(first).getByRole('button', { name: 'Got it' }).click();

    // Left pending, then every drawer session at the till closed: the safe pays it, and the notice says so.
    const second = await failsAfterPending(page, other, async () => {
      await closeOwnSession();
      await asManager(closeOwnSession);
    });
    await expect(noticeOf(second)).toContainText(`Pending sale for meter ${other} (R 30.00, ref ${second.slice(-8)}) failed — nothing was charged. Refund R 30.00: pay from the safe.`);
    await noticeOf(second).getByRole('button', { name: 'Got it' }).click();
  } finally {
    await asManager(() => api('setSettings', { switchUrl: '' }));
    // The specs after this one start, as the day does, with both drawer sessions open on R500.
    await api('openShift', { floatCents: 50_000 });
    await asManager(() => api('openShift', { floatCents: 50_000 }));
  }
});
