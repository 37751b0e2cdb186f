import { test, expect } from './fixtures';
import { proxyBaseURL } from '../playwright.config';
import { PASSWORD, newPage, rpc, signInViaApi, signUpViaApi, uniqueEmail } from './helpers';

// A tiny app behind nginx, protected by a Latchkey on the same host
// (end2end/proxy): nginx asks /api/auth/forward before every request.
test.use({ baseURL: proxyBaseURL });

test('an anonymous visit signs in and comes back, and the app sees who it is', async ({ page, browser }) => {
  const email = uniqueEmail('wiki');
  const setup = await newPage(browser, proxyBaseURL);
  await signUpViaApi(setup.request, email, 'Wiki Reader');

  await page.goto('/wiki/page?section=2&view=full');

  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${proxyBaseURL}/wiki/page?section=2&view=full`);
  await expect(page.getByRole('heading', { name: 'Wiki' })).toBeVisible();
  await expect(page.getByTestId('email')).toHaveText(email);
  await expect(page.getByTestId('name')).toHaveText('Wiki Reader');
  await expect(page.getByTestId('role')).toHaveText('owner');
});

test('a revoke from another browser sends the app\'s open page to sign in at once', async ({ page, browser }) => {
  const email = uniqueEmail('wiki-revoke');
  await signUpViaApi(page.request, email);
  await page.goto('/wiki/home');
  await expect(page.getByTestId('email')).toHaveText(email);
  await expect(page.locator('html')).toHaveAttribute('data-latchkey', 'live');

  const other = await newPage(browser, proxyBaseURL);
  await signInViaApi(other.request, email);
  await rpc(other.request, 'account_session_revoke_all', { except_current: true });

  await expect(page).toHaveURL(/\/login\?reason=revoked&next=/, { timeout: 2_000 });
  await expect(page.getByRole('status')).toContainText('signed out from another device');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${proxyBaseURL}/wiki/home`);
});

test('a next pointing at another site is refused', async ({ page, browser }) => {
  const email = uniqueEmail('wiki-next');
  const setup = await newPage(browser, proxyBaseURL);
  await signUpViaApi(setup.request, email);

  await page.goto('/login?next=https%3A%2F%2Fevil.example%2Fphish');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(`${proxyBaseURL}/account/security`);
});
