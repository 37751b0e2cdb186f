/**
 * The Security mail card: the person unchecks the mail about new devices,
 * it is saved at once and still unchecked after a reload; a sign-in from
 * another browser then mails nothing about it, while the page still tells
 * the notice. The mail that protects the account is checked for good.
 */
import { expect, test } from './fixtures';
import {
  htmlMailedTo,
  newPage,
  openSecurityPage,
  rpc,
  signInViaApi,
  signUpViaApi,
  subjectsMailedTo,
  uniqueEmail,
  verifyAddress,
} from './helpers';

const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

test('new-device mail unchecked stays off after a reload, and a sign-in elsewhere is told in the page only', async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail('security-mail');
  await signUpViaApi(page.request, email);
  await verifyAddress(page.request, email);
  await openSecurityPage(page);
  const card = page.locator('#security-mail');
  const newDevice = card.getByTestId('security-mail-new_device');
  const passwordChanged = card.getByTestId('security-mail-password_changed');
  await expect(newDevice).toBeChecked();
  await expect(passwordChanged).toBeChecked();
  await expect(passwordChanged).toBeDisabled();
  await expect(card).toContainText('always sent');

  await newDevice.uncheck();
  await expect(card.getByRole('status')).toContainText('no longer mailed');
  await openSecurityPage(page);
  await expect(newDevice).not.toBeChecked();

  const stranger = await newPage(browser, baseURL!, WINDOWS_CHROME);
  await signInViaApi(stranger.request, email);
  // A mail that is sent, queued after the sign-in's: once it is written,
  // the sign-in's would have been too.
  await rpc(page.request, 'account_token_create', { name: 'after the sign-in' });
  await htmlMailedTo(email, 'A new API token on your Latchkey account');

  const subjects = subjectsMailedTo(email);
  expect(subjects).toContain('A new API token on your Latchkey account');
  expect(subjects).not.toContain('New sign-in to your Latchkey account');
  await openSecurityPage(page);
  await expect(page.getByTestId('security-notice').first()).toContainText('from a new device (Chrome on Windows');
  await stranger.context().close();
});
