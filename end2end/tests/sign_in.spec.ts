import { test, expect } from './fixtures';
import { PASSWORD, signInWithForm, signUpViaApi, uniqueEmail, waitForHydration } from './helpers';

test('a new user signs up and lands on the security page', async ({ page }) => {
  const email = uniqueEmail('signup');

  await page.goto('/signup');
  await page.getByLabel('Team name').fill('E2E Team');
  await page.getByLabel('Your name').fill('Erin Example');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();

  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByTestId('me-email')).toHaveText(email);
  await waitForHydration(page);
});

test('signing out ends the session and signing in again works', async ({ page, context }) => {
  const email = uniqueEmail('again');
  await signUpViaApi(page.request, email);
  await page.goto('/account/security');
  await expect(page.getByTestId('me-email')).toHaveText(email);

  await page.getByRole('button', { name: 'Sign out' }).click();

  await expect(page).toHaveURL(/\/login$/);
  expect(await context.cookies()).toEqual([]);
  await page.goto('/account/security');
  await expect(page).toHaveURL(/\/login$/);

  await signInWithForm(page, email, PASSWORD);

  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByTestId('me-email')).toHaveText(email);
});

test('the sign-in and sign-up pages load no WASM, and signing in still works', async ({ page }) => {
  const email = uniqueEmail('no-wasm');
  await signUpViaApi(page.request, email);
  await page.context().clearCookies();
  const wasm: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.wasm')) {
      wasm.push(new URL(request.url()).pathname);
    }
  });

  await page.goto('/signup');
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  expect(wasm, 'the sign-in and sign-up pages load no WASM').toEqual([]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();

  // The signed-in page does.
  await expect(page).toHaveURL(/\/account\/security$/);
  await waitForHydration(page);
  expect(wasm.length).toBeGreaterThan(0);
});

test('a wrong password shows an error and sets no cookie', async ({ page, context }) => {
  const email = uniqueEmail('wrong');
  await signUpViaApi(page.request, email);
  await context.clearCookies();

  await signInWithForm(page, email, 'not the right password');

  await expect(page).toHaveURL(/\/login\?error=unauthenticated$/);
  await expect(page.getByRole('alert')).toContainText("That email and password don't match");
  expect(await context.cookies()).toEqual([]);
});

test('an unknown email gets exactly the same error as a wrong password', async ({ page }) => {
  await signInWithForm(page, uniqueEmail('nobody'), PASSWORD);

  await expect(page).toHaveURL(/\/login\?error=unauthenticated$/);
  await expect(page.getByRole('alert')).toContainText("That email and password don't match");
});

test('pages hydrate under the Content-Security-Policy with no violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) {
      violations.push(message.text());
    }
  });
  const email = uniqueEmail('csp');
  await signUpViaApi(page.request, email);

  const response = await page.goto('/account/security');

  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await waitForHydration(page);
  await expect(page.getByTestId('me-email')).toHaveText(email);
  await page.goto('/login');
  expect(violations).toEqual([]);
});

test('page script cannot read the session cookie (HttpOnly)', async ({ page, context }) => {
  const email = uniqueEmail('httponly');
  await signUpViaApi(page.request, email);
  await page.goto('/account/security');
  await waitForHydration(page);

  const session = (await context.cookies()).find((cookie) => cookie.name === 'session');
  const visibleToScript = await page.evaluate(() => document.cookie);

  expect(session?.httpOnly).toBe(true);
  expect(visibleToScript).not.toContain(session?.value ?? 'no session cookie');
});
