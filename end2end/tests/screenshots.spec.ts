import { test, expect } from './fixtures';
import path from 'node:path';
import { localhostBaseURL } from '../playwright.config';
import {
  PASSWORD,
  addMemberAs,
  htmlMailedTo,
  newPage,
  openSecurityPage,
  openTeamPage,
  rpc,
  screenshotsDir,
  signInViaApi,
  signInWithForm,
  signUpAs,
  totp,
  verifyAddress,
  virtualAuthenticator,
} from './helpers';

// The pictures go under target/ (see `screenshotsDir`); `make screenshots`
// copies them into docs/screenshots for the README. The addresses they show
// are the ones asked for on a fresh server, unique ones on a second run.

test('the owner page shows other devices, members and tokens (README screenshots)', async ({ page, browser, baseURL }) => {
  const ada = await signUpAs(page.request, 'ada@example.com', 'Ada Lovelace');
  await verifyAddress(page.request, ada);
  const max = await addMemberAs(page.request, 'max@example.com', 'Max Member');
  await rpc(page.request, 'account_token_create', { name: 'nightly backup', expires_in_days: 90 });
  // Ada on a second device, and Max signed in.
  const laptop = await browser.newContext({
    baseURL,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
  });
  const login = await laptop.request.post('/api/auth/login', { data: { email: ada, password: PASSWORD } });
  expect(login.status()).toBe(200);
  const member = await newPage(browser, baseURL!);
  const memberLogin = await member.request.post('/api/auth/login', { data: { email: max, password: PASSWORD } });
  expect(memberLogin.status()).toBe(200);

  await openSecurityPage(page);
  await expect(page.getByTestId('session-other')).toContainText('Firefox on Windows');
  await page.screenshot({ path: path.join(screenshotsDir, 'security-owner.png'), fullPage: true });
  await openTeamPage(page);
  await expect(page.getByTestId('users-count')).toHaveText('2 users are signed in.');
  await page.screenshot({ path: path.join(screenshotsDir, 'security-team.png'), fullPage: true });

  await openSecurityPage(member);
  await member.screenshot({ path: path.join(screenshotsDir, 'security-member.png'), fullPage: true });

  // Ada ends the laptop's session and Max mistypes his password; then the
  // owner's security log.
  await openSecurityPage(page);
  await page.getByTestId('session-other').getByRole('button', { name: 'End session' }).click();
  await page.getByTestId('end-session').getByRole('button', { name: 'End session' }).click();
  await expect(page.getByText('The session was ended.')).toBeVisible();
  await member.request.post('/api/auth/login', { data: { email: max, password: 'not the password' } });
  await page.goto('/account/security/log');
  await expect(page.locator('body')).toHaveAttribute('data-live', 'connected');
  await expect(page.getByTestId('log-entry').first()).toContainText('Sign-in failed');
  await page.screenshot({ path: path.join(screenshotsDir, 'security-log.png'), fullPage: true });
});

test('setting up two-step sign-in, and its code page (README screenshots)', async ({ page, browser, baseURL }) => {
  await signUpAs(page.request, 'hedy@example.com', 'Hedy Lamarr');
  await openSecurityPage(page);
  const card = page.getByRole('region', { name: 'Two-step sign-in', exact: true });
  await card.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(card.getByTestId('totp-secret')).toBeVisible();
  await card.screenshot({ path: path.join(screenshotsDir, 'two-step-setup.png') });

  const visitor = await newPage(browser, baseURL!);
  await visitor.goto('/login/code');
  await visitor.screenshot({ path: path.join(screenshotsDir, 'login-code.png') });
});

test('passkeys, and setting up the app an account requires (README screenshots)', async ({ browser, baseURL }) => {
  const page = await newPage(browser, localhostBaseURL);
  await virtualAuthenticator(page);
  await signUpAs(page.request, 'joan@example.com', 'Joan Clarke');
  const { secret } = await rpc(page.request, 'account_totp_setup_start');
  await rpc(page.request, 'account_totp_setup_confirm', { code: totp(secret, Date.now()) });
  const mary = await addMemberAs(page.request, 'mary@example.com', 'Mary Jackson');
  await rpc(page.request, 'account_second_factor_policy_set', { required: true });
  await openSecurityPage(page);
  const card = page.getByRole('region', { name: 'Passkeys' });
  await card.getByLabel('Passkey name').fill('Work laptop');
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(card.getByTestId('passkey')).toContainText('Work laptop');
  await card.screenshot({ path: path.join(screenshotsDir, 'passkeys.png') });

  const member = await newPage(browser, baseURL!);
  await signInWithForm(member, mary, PASSWORD);
  await expect(member.getByTestId('totp-secret')).toBeVisible();
  await member.screenshot({ path: path.join(screenshotsDir, 'login-setup.png') });
});

test('the mail about a sign-in from a new device (README screenshot)', async ({ page, browser, baseURL }) => {
  const grace = await signUpAs(page.request, 'grace@example.com', 'Grace Hopper');
  await verifyAddress(page.request, grace);
  const phone = await browser.newContext({
    baseURL,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  });
  await signInViaApi(phone.request, grace);

  const mail = await htmlMailedTo(grace, 'New sign-in to your Latchkey account');
  const viewer = await newPage(browser, baseURL!);
  await viewer.setViewportSize({ width: 640, height: 420 });
  await viewer.setContent(mail);
  await expect(viewer.getByRole('link', { name: "This wasn't me" })).toBeVisible();
  await viewer.screenshot({ path: path.join(screenshotsDir, 'mail-new-device.png'), fullPage: true });
});
