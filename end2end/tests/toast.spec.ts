import { type Page } from '@playwright/test';
import { test, expect } from './fixtures';
import path from 'node:path';
import { fastBaseURL } from '../playwright.config';
import { newPage, openSecurityPage, rpc, screenshotsDir, signInViaApi, signUpAs, signUpViaApi, uniqueEmail } from './helpers';

/**
 * A page whose session follows a custom policy, with a clock the test moves.
 * The README's pictures show `email` (see `signUpAs`).
 */
async function pageWithPolicy(page: Page, idle: number, absolute: number, email = uniqueEmail('toast')): Promise<void> {
  const signedUp = await signUpAs(page.request, email, 'Grace Hopper');
  await rpc(page.request, 'account_policy_set', { idle_minutes: idle, absolute_minutes: absolute });
  // A new sign-in takes the new policy.
  await signInViaApi(page.request, signedUp);
  await page.clock.install();
  await openSecurityPage(page);
}

test('an idle end shows an amber warning; "Stay signed in" moves it away', async ({ page }) => {
  await pageWithPolicy(page, 15, 600, 'grace@example.com');
  const toast = page.getByTestId('expiry-toast');
  await expect(toast).toHaveCount(0);

  await page.clock.fastForward('11:00');

  await expect(toast).toBeVisible();
  await expect(toast).toHaveClass(/warning/);
  await expect(toast).toHaveAttribute('role', 'alert');
  await expect(toast).toContainText('because you have been inactive');
  await page.screenshot({ path: path.join(screenshotsDir, 'toast-idle.png') });
  // The button is activity on the server, not only a hidden toast.
  const verified = page.waitForResponse((response) => response.url().includes('/api/fn/verify'));
  await toast.getByRole('button', { name: 'Stay signed in' }).click();
  expect((await verified).ok()).toBe(true);
  await expect(toast).toHaveCount(0);
});

test('an absolute end shows a cyan warning with a link to sign in again', async ({ page }) => {
  await pageWithPolicy(page, 15, 15, 'alan@example.com');

  await page.clock.fastForward('11:00');

  const toast = page.getByTestId('expiry-toast');
  await expect(toast).toBeVisible();
  await expect(toast).toHaveClass(/info/);
  await expect(toast.getByRole('link', { name: 'Sign in now' })).toHaveAttribute('href', '/login');
  await page.screenshot({ path: path.join(screenshotsDir, 'toast-absolute.png') });
});

test('a dismissed warning stays away for the same deadline', async ({ page }) => {
  await pageWithPolicy(page, 15, 600);
  await page.clock.fastForward('11:00');
  const toast = page.getByTestId('expiry-toast');
  await expect(toast).toBeVisible();

  await toast.getByRole('button', { name: 'Dismiss' }).click();
  await expect(toast).toHaveCount(0);
  await page.clock.fastForward('01:00');

  await expect(toast).toHaveCount(0);
});

test('when the session ends the page goes to sign-in with the expired banner', async ({ browser }) => {
  const page = await newPage(browser, fastBaseURL);
  await signUpViaApi(page.request, uniqueEmail('expiry'));
  await openSecurityPage(page);

  // The server ends the session after 6 s without activity.
  await expect(page).toHaveURL(/\/login\?reason=session_expired$/, { timeout: 12_000 });
  const banner = page.locator('.banner.info');
  await expect(banner).toHaveText('Your session has ended. Please sign in again.');
});
