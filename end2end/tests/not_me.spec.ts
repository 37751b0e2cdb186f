/**
 * "This wasn't me", as a person uses it: a sign-in from a browser they
 * never used is mailed to them (written as a file: this suite's servers
 * have no SMTP); the mail's link, opened in their own browser, ends that
 * other browser's session at once, sends them on to choose a new
 * password, and leaves their own browser signed in.
 */
import { expect, test } from './fixtures';
import {
  linkMailedTo,
  newPage,
  openSecurityPage,
  signInViaApi,
  signUpViaApi,
  uniqueEmail,
  verifyAddress,
} from './helpers';

const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

test("'This wasn't me' from the new-device mail ends that browser's session at once, and the clicking browser stays", async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail('not-me');
  await signUpViaApi(page.request, email);
  await verifyAddress(page.request, email);
  await openSecurityPage(page);
  const stranger = await newPage(browser, baseURL!, WINDOWS_CHROME);
  await signInViaApi(stranger.request, email);
  await openSecurityPage(stranger);

  await page.goto(await linkMailedTo(email, '/login/not-me'));
  await page.getByRole('button', { name: 'End that session' }).click();

  await expect(page).toHaveURL(/\/login\/reset\?token=[\w-]+&reported=1$/);
  await expect(page.getByRole('status')).toContainText('That session has ended');
  await expect(stranger).toHaveURL(/\/login\?reason=revoked$/, { timeout: 2_000 });
  await openSecurityPage(page);
  await expect(page).toHaveURL(/\/account\/security$/);
});
