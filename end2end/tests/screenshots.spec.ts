import { test, expect } from './fixtures';
import path from 'node:path';
import { localhostBaseURL } from '../playwright.config';
import {
  PASSWORD,
  addMember,
  newPage,
  openSecurityPage,
  openTeamPage,
  rpc,
  signInWithForm,
  signUpViaApi,
  totp,
  virtualAuthenticator,
} from './helpers';

const screenshots = path.resolve(__dirname, '../../docs/screenshots');

test('the owner page shows other devices, members and tokens (README screenshots)', async ({ page, browser, baseURL }) => {
  await signUpViaApi(page.request, 'ada@example.com', 'Ada Lovelace');
  await addMember(page.request, 'max@example.com', 'Max Member');
  await rpc(page.request, 'account_token_create', { name: 'nightly backup', expires_in_days: 90 });
  // Ada on a second device, and Max signed in.
  const laptop = await browser.newContext({
    baseURL,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0',
  });
  const login = await laptop.request.post('/api/auth/login', { data: { email: 'ada@example.com', password: PASSWORD } });
  expect(login.status()).toBe(200);
  const member = await newPage(browser, baseURL!);
  const memberLogin = await member.request.post('/api/auth/login', { data: { email: 'max@example.com', password: PASSWORD } });
  expect(memberLogin.status()).toBe(200);

  await openSecurityPage(page);
  await expect(page.getByTestId('session-other')).toContainText('Firefox on Windows');
  await page.screenshot({ path: path.join(screenshots, 'security-owner.png'), fullPage: true });
  await openTeamPage(page);
  await expect(page.getByTestId('users-count')).toHaveText('2 users are signed in.');

  await openSecurityPage(member);
  await member.screenshot({ path: path.join(screenshots, 'security-member.png'), fullPage: true });

  // A wrong password for Max, then the owner's security log.
  await member.request.post('/api/auth/login', { data: { email: 'max@example.com', password: 'not the password' } });
  await page.goto('/account/security/log');
  await expect(page.locator('body')).toHaveAttribute('data-live', 'connected');
  await expect(page.getByTestId('log-entry').first()).toContainText('Sign-in failed');
  await page.screenshot({ path: path.join(screenshots, 'security-log.png'), fullPage: true });
});

test('setting up two-step sign-in, and its code page (README screenshots)', async ({ page, browser, baseURL }) => {
  await signUpViaApi(page.request, 'hedy@example.com', 'Hedy Lamarr');
  await openSecurityPage(page);
  const card = page.getByRole('region', { name: 'Two-step sign-in', exact: true });
  await card.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(card.getByTestId('totp-secret')).toBeVisible();
  await card.screenshot({ path: path.join(screenshots, 'two-step-setup.png') });

  const visitor = await newPage(browser, baseURL!);
  await visitor.goto('/login/code');
  await visitor.screenshot({ path: path.join(screenshots, 'login-code.png') });
});

test('passkeys, and setting up the app an account requires (README screenshots)', async ({ browser, baseURL }) => {
  const page = await newPage(browser, localhostBaseURL);
  await virtualAuthenticator(page);
  await signUpViaApi(page.request, 'joan@example.com', 'Joan Clarke');
  const { secret } = await rpc(page.request, 'account_totp_setup_start');
  await rpc(page.request, 'account_totp_setup_confirm', { code: totp(secret, Date.now()) });
  await addMember(page.request, 'mary@example.com', 'Mary Jackson');
  await rpc(page.request, 'account_second_factor_policy_set', { required: true });
  await openSecurityPage(page);
  const card = page.getByRole('region', { name: 'Passkeys' });
  await card.getByLabel('Passkey name').fill('Work laptop');
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(card.getByTestId('passkey')).toContainText('Work laptop');
  await card.screenshot({ path: path.join(screenshots, 'passkeys.png') });

  const member = await newPage(browser, baseURL!);
  await signInWithForm(member, 'mary@example.com', PASSWORD);
  await expect(member.getByTestId('totp-secret')).toBeVisible();
  await member.screenshot({ path: path.join(screenshots, 'login-setup.png') });
});
