import { test, expect } from './fixtures';
import { PASSWORD, newPage, openSecurityPage, signInViaApi, signUpViaApi, uniqueEmail } from './helpers';

test('changing the password ends another browser\'s session at once', async ({ page, browser, baseURL }) => {
  const email = uniqueEmail('password');
  await signUpViaApi(page.request, email);
  const other = await newPage(browser, baseURL!);
  await signInViaApi(other.request, email);
  await openSecurityPage(other);
  await openSecurityPage(page);

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password').fill('a new and long passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your current password is not correct.')).toBeVisible();
  await expect(other).toHaveURL(/\/account\/security$/);

  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password').fill('a new and long passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();

  await expect(page.getByText('Password changed. Every other session of yours was signed out.')).toBeVisible();
  await expect(other).toHaveURL(/\/login\?reason=revoked$/, { timeout: 2_000 });
});
