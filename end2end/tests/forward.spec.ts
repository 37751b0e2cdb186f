import { test, expect } from './fixtures';
import { caddyBaseURL, nginxBaseURL } from '../playwright.config';
import { PASSWORD, newPage, rpc, signInViaApi, signUpViaApi, totp, uniqueEmail } from './helpers';

// A tiny app behind nginx and behind Caddy, each protected by the same
// Latchkey on the proxy's host (end2end/proxy): the proxy asks
// /api/auth/forward before every request. Every test runs behind both.
const proxies = [
  { proxy: 'nginx', url: nginxBaseURL },
  { proxy: 'Caddy', url: caddyBaseURL },
];

for (const { proxy, url } of proxies) {
  test.describe(`behind ${proxy}`, () => {
    test.use({ baseURL: url });

    test('an anonymous visit signs in and comes back, and the app sees who it is', async ({ page, browser }) => {
      const email = uniqueEmail('wiki');
      const setup = await newPage(browser, url);
      await signUpViaApi(setup.request, email, 'Wiki Reader');

      await page.goto('/wiki/page?section=2&view=full');

      await expect(page).toHaveURL(/\/login\?next=/);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect(page).toHaveURL(`${url}/wiki/page?section=2&view=full`);
      await expect(page.getByRole('heading', { name: 'Wiki' })).toBeVisible();
      await expect(page.getByTestId('email')).toHaveText(email);
      await expect(page.getByTestId('name')).toHaveText('Wiki Reader');
      await expect(page.getByTestId('role')).toHaveText('owner');
    });

    test('with two-step sign-in, the code page comes between and the visit still comes back', async ({ page, browser }) => {
      const email = uniqueEmail('wiki-totp');
      const setup = await newPage(browser, url);
      await signUpViaApi(setup.request, email, 'Wiki Reader');
      const { secret } = await rpc(setup.request, 'account_totp_setup_start');
      await rpc(setup.request, 'account_totp_setup_confirm', { code: totp(secret, Date.now()) });

      await page.goto('/wiki/page?section=3');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect(page).toHaveURL(/\/login\/code\?next=/);
      await page.getByLabel('Code').fill(totp(secret, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();

      await expect(page).toHaveURL(`${url}/wiki/page?section=3`);
      await expect(page.getByTestId('email')).toHaveText(email);
    });

    test('a browser cannot name itself to the app', async ({ page }) => {
      await page.setExtraHTTPHeaders({ 'x-latchkey-role': 'owner', 'x-latchkey-email': 'ceo@example.com' });
      await page.goto('/wiki/page');
      await expect(page).toHaveURL(/\/login\?next=/);

      const email = uniqueEmail('wiki-forge');
      await signUpViaApi(page.request, email);
      await page.goto('/wiki/page');
      await expect(page.getByTestId('email')).toHaveText(email);
    });

    test('a revoke from another browser sends the app\'s open page to sign in at once', async ({ page, browser }) => {
      const email = uniqueEmail('wiki-revoke');
      await signUpViaApi(page.request, email);
      await page.goto('/wiki/home');
      await expect(page.getByTestId('email')).toHaveText(email);
      await expect(page.locator('html')).toHaveAttribute('data-latchkey', 'live');

      const other = await newPage(browser, url);
      await signInViaApi(other.request, email);
      await rpc(other.request, 'account_session_revoke_all', { except_current: true });

      await expect(page).toHaveURL(/\/login\?reason=revoked&next=/, { timeout: 2_000 });
      await expect(page.getByRole('status')).toContainText('signed out from another device');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await expect(page).toHaveURL(`${url}/wiki/home`);
    });

    test('a next pointing at another site is refused', async ({ page, browser }) => {
      const email = uniqueEmail('wiki-next');
      const setup = await newPage(browser, url);
      await signUpViaApi(setup.request, email);

      await page.goto('/login?next=https%3A%2F%2Fevil.example%2Fphish');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();

      await expect(page).toHaveURL(`${url}/account/security`);
    });
  });
}
