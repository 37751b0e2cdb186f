/**
 * A forgotten password, as a person goes through it: the link on the
 * sign-in page, the mail (written as a file: this suite's servers have no
 * SMTP), the link in it, a new password (confirmed with the person's
 * passkey where that is their second factor), and signing in with it.
 */
import { expect, test } from './fixtures';
import { localhostBaseURL } from '../playwright.config';
import {
  PASSWORD,
  addPasskey,
  linkMailedTo,
  newPage,
  openSecurityPage,
  signInWithForm,
  signUpViaApi,
  uniqueEmail,
  verifyAddress,
  virtualAuthenticator,
} from './helpers';

test('a forgotten password: the mailed link sets a new one, and only the new one signs in', async ({
  page,
  request,
}) => {
  const email = uniqueEmail('forgot');
  const newPassword = 'a brand new passphrase 42';
  await signUpViaApi(request, email);
  await verifyAddress(request, email);

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText('is on its way');

  await page.goto(await linkMailedTo(email, '/login/reset'));
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your new password is set');

  await signInWithForm(page, email, PASSWORD);
  await expect(page.getByRole('alert')).toContainText("That email and password don't match");
  await signInWithForm(page, email, newPassword);
  await expect(page).toHaveURL(/\/account\/security$/);
});

test('with a passkey as the second factor, the reset asks for it before the new password is set', async ({
  browser,
}) => {
  const page = await newPage(browser, localhostBaseURL);
  await virtualAuthenticator(page);
  const email = uniqueEmail('forgot-passkey');
  const newPassword = 'a passphrase confirmed by passkey';
  await signUpViaApi(page.request, email);
  await verifyAddress(page.request, email);
  await openSecurityPage(page);
  await addPasskey(page, 'Laptop');

  const asked = await page.request.post('/api/auth/forgot', { data: { email } });
  expect(asked.status()).toBe(202);
  // The link on this page's host: passkeys belong to `localhost`.
  const link = new URL(await linkMailedTo(email, '/login/reset'));
  await page.goto(link.pathname + link.search);
  await expect(page.getByLabel('Code from your authenticator app, or a recovery code')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Set the new password', exact: true })).toHaveCount(0);
  const withPasskey = page.getByRole('button', { name: 'Set the new password with a passkey' });
  await expect(withPasskey).toBeEnabled();
  // Without the new password the browser asks for it, and nothing is sent.
  await withPasskey.click();
  await expect(withPasskey).toBeEnabled();
  await expect(page).toHaveURL(/\/login\/reset\?token=/);
  await page.getByLabel('New password').fill(newPassword);
  await withPasskey.click();
  await expect(page.getByRole('status')).toContainText('Your new password is set');

  // The session this browser had ended with the old password.
  await page.goto('/account/security');
  await expect(page).toHaveURL(/\/login/);
  await signInWithForm(page, email, PASSWORD);
  await expect(page.getByRole('alert')).toContainText("That email and password don't match");
  await signInWithForm(page, email, newPassword);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
});
