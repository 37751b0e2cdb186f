/**
 * A forgotten password, as a person goes through it: the link on the
 * sign-in page, the mail (written as a file: this suite's servers have no
 * SMTP), the link in it, a new password, and signing in with it.
 */
import { expect, test } from './fixtures';
import { PASSWORD, linkMailedTo, signInWithForm, signUpViaApi, uniqueEmail, verifyAddress } from './helpers';

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
