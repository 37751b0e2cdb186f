import http from 'node:http';
import { test, expect } from './fixtures';
import { appBaseURL, caddyBaseURL, nginxBaseURL } from '../playwright.config';
import { PASSWORD, newPage, rpc, signInViaApi, signUpViaApi, totp, uniqueEmail } from './helpers';

// A tiny app behind nginx and behind Caddy, each protected by the same
// Latchkey on the proxy's host (end2end/proxy): the proxy asks
// /api/auth/forward before every request. Every test runs behind both.
const proxies = [
  { proxy: 'nginx', url: nginxBaseURL },
  { proxy: 'Caddy', url: caddyBaseURL },
];

// The app answers 500 to a request that brings one of Latchkey's cookies,
// and records it: after every test, it has recorded none.
test.afterEach(async ({ request }) => {
  const leaks = await (await request.get(`${appBaseURL}/leaks`)).json();
  expect(leaks, "requests that brought Latchkey's cookies to the app").toEqual([]);
});

/**
 * GET `path` with these `Cookie` header lines, sent as they are (no cookie
 * jar adds or drops one); the status and the body.
 */
function getWithCookies(base: string, path: string, cookies: string[]): Promise<{ status: number; body: string }> {
  const target = new URL(path, base);
  // Headers as a list are sent as they are; Node adds no Host to them.
  const headers = ['host', target.host, ...cookies.flatMap((value) => ['cookie', value])];
  return new Promise((resolve, reject) => {
    http
      .get(target, { headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

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

    test('the app never sees Latchkey\'s cookies but does see its own', async ({ page, context }) => {
      const email = uniqueEmail('wiki-cookies');
      await signUpViaApi(page.request, email);
      await context.addCookies([
        { name: 'app_session', value: 'wiki-1', url },
        { name: 'theme', value: 'dark', url },
      ]);
      const held = (await context.cookies(url)).map((cookie) => cookie.name);
      expect(held.sort()).toEqual(['app_session', 'session', 'theme']);

      const response = await page.goto('/wiki/page');

      expect(response?.status(), await response?.text()).toBe(200);
      await expect(page.getByTestId('email')).toHaveText(email);
      await expect(page.getByTestId('cookies')).toHaveText('app_session theme');
    });

    test('Latchkey\'s cookies are cut from anywhere in the Cookie header and look-alike names still reach the app', async ({ playwright }) => {
      const signedIn = await playwright.request.newContext({ baseURL: url });
      await signUpViaApi(signedIn, uniqueEmail('wiki-header'));
      const { cookies } = await signedIn.storageState();
      const token = cookies.find((cookie) => cookie.name === 'session')?.value;
      expect(token).toBeDefined();
      const session = `session=${token}`;
      const waiting = `sign-in=${'c'.repeat(43)}`;
      // The Cookie lines the browser sends, and the Cookie the app gets.
      const cases: [string[], string][] = [
        [[session], ''],
        [[`${session}; app_session=1`], 'app_session=1'],
        [[`app_session=1; ${session}`], 'app_session=1'],
        [[`theme=dark; ${session}; app_session=1`], 'theme=dark; app_session=1'],
        [[`a=1;${session};b=2`], 'a=1;b=2'],
        // Latchkey reads a name with spaces around it as that name.
        [[`a=1; session = ${token}`], 'a=1'],
        [
          [`${waiting}; theme=dark; ${session}; __Host-session=x; sessionid=2; __Host-sign-in=y; my-sign-in=3; session_=4; Session=5`],
          'theme=dark; sessionid=2; my-sign-in=3; session_=4; Session=5',
        ],
        // Two Cookie lines, as an HTTP/1.1 client may send.
        [[`theme=dark; ${session}`, `${waiting}; app_session=1`], 'theme=dark; app_session=1'],
        // Five runs of them: past four, nginx sends the app no cookies at
        // all; Caddy cuts every one.
        [
          [`${session}; a=1; ${waiting}; b=2; __Host-session=x; c=3; __Host-sign-in=y; d=4; ${session}; e=5`],
          proxy === 'nginx' ? '' : 'a=1; b=2; c=3; d=4; e=5',
        ],
      ];

      for (const [sent, seen] of cases) {
        const { status, body } = await getWithCookies(url, '/cookies', sent);
        expect(status, `${sent.join(' | ')}: ${body}`).toBe(200);
        expect(JSON.parse(body).cookie, sent.join(' | ')).toBe(seen);
      }
      await signedIn.dispose();
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
