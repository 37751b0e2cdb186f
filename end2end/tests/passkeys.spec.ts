import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { localhostBaseURL, reauthLocalhostBaseURL, reauthWindowMs } from '../playwright.config';
import {
  PASSWORD,
  addPasskey,
  newPage,
  openSecurityPage,
  rpc,
  signInWithForm,
  signUpViaApi,
  totp,
  uniqueEmail,
  virtualAuthenticator,
} from './helpers';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test('a passkey registered on the security page signs in alone, then is removed', async ({ browser }) => {
  const page = await newPage(browser, localhostBaseURL);
  await virtualAuthenticator(page);
  const email = uniqueEmail('passkey');
  await signUpViaApi(page.request, email);
  await openSecurityPage(page);
  await addPasskey(page, 'Work laptop');
  await signOut(page);

  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByTestId('me-email')).toHaveText(email);
  await expect(page.getByTestId('session-current')).toContainText('with passkey');
  const card = page.getByRole('region', { name: 'Passkeys' });
  await expect(card.getByTestId('passkey')).toContainText('last used');

  await card.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
  await page.getByRole('dialog', { name: 'Remove this passkey?' }).getByRole('button', { name: 'Remove passkey' }).click();
  await expect(card.getByTestId('passkeys-empty')).toBeVisible();
  await signOut(page);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('alert')).toContainText('did not work');
  await expect(page).toHaveURL(/\/login$/);
});

test('with an app and a passkey, the passkey is the second step after the password', async ({ browser }) => {
  const page = await newPage(browser, localhostBaseURL);
  await virtualAuthenticator(page);
  const email = uniqueEmail('passkey-second');
  await signUpViaApi(page.request, email);
  const { secret } = await rpc(page.request, 'account_totp_setup_start');
  await rpc(page.request, 'account_totp_setup_confirm', { code: totp(secret, Date.now()) });
  await openSecurityPage(page);
  await addPasskey(page, 'Phone');
  await signOut(page);

  await signInWithForm(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByTestId('session-current')).toContainText('with password and passkey');
});

test('a browser without the passkey is told so, and nothing opens', async ({ browser }) => {
  const page = await newPage(browser, localhostBaseURL);
  await virtualAuthenticator(page);
  await page.goto('/login');
  const button = page.getByRole('button', { name: 'Sign in with a passkey' });
  // The page loads no WASM: the passkey script takes the button over.
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page.getByRole('alert')).toContainText('was not used');
  await expect(page).toHaveURL(/\/login$/);
});

test('past the re-authentication window, a passkey confirms it is you', async ({ browser }) => {
  const page = await newPage(browser, reauthLocalhostBaseURL);
  await virtualAuthenticator(page);
  await signUpViaApi(page.request, uniqueEmail('passkey-reauth'));
  await openSecurityPage(page);
  const dialog = page.getByTestId('reauth');

  // Adding a passkey is sensitive too: past the window, the password first.
  await page.waitForTimeout(reauthWindowMs + 200);
  const card = page.getByRole('region', { name: 'Passkeys' });
  await card.getByLabel('Passkey name').fill('Desk key');
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  await dialog.getByLabel('Your password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(card.getByRole('status')).toContainText('“Desk key” is added');

  await page.getByLabel('Token name').fill('confirmed by passkey');
  await page.waitForTimeout(reauthWindowMs + 200);
  await page.getByRole('button', { name: 'Create token' }).click();
  await dialog.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('token-secret')).toHaveText(/^lk_/);
});
