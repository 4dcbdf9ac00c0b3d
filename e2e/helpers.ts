/** Shared e2e steps: open the till, sign in, call the TillApi directly for set-up and read-back. */
import { expect, type Page } from '@playwright/test';
import type { ArgsOf, MethodName, Result, TillValues } from '../electron/api/contract';
import { E2E_PORT, E2E_TOKEN } from './playwright.config';

export const ARTIFACTS = 'test-results/e2e-artifacts';

export async function api<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<TillValues[M]>> {
  const res = await fetch(`http://127.0.0.1:${E2E_PORT}/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-till-token': E2E_TOKEN }, body: JSON.stringify(args) });
  return (await res.json()) as Result<TillValues[M]>;
}

export async function signIn(page: Page, operatorId: 'cashier' | 'manager'): Promise<void> {
  await api('signOut', {});
  await page.goto(`/?token=${E2E_TOKEN}`);
  await page.getByLabel('Operator').fill(operatorId);
  await page.getByLabel('PIN').fill(operatorId === 'cashier' ? '1111' : '9999');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('operator')).toContainText(operatorId === 'cashier' ? 'cashier' : 'manager');
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/** Looks a meter up and sells an amount from the cashier screen, by keyboard as a cashier would. */
export async function sell(page: Page, meterId: string, rands: string): Promise<void> {
  await expect(page.getByLabel('Meter number')).toBeFocused();
  await page.keyboard.type(meterId, { delay: 5 }); // a scanner: fast keystrokes then Enter
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('customer')).toBeVisible();
  await expect(page.getByLabel('Amount (R)')).toBeFocused();
  await page.keyboard.type(rands);
  await page.keyboard.press('F2');
}
