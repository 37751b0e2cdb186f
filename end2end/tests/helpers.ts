import { expect, type Page, type APIRequestContext } from '@playwright/test';

export const PASSWORD = 'correct horse battery staple';

let counter = 0;

/** An email no other test uses. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${process.pid}-${counter}@example.com`;
}

/** Signs a new owner up through the API; the cookie lands in the page's context. */
export async function signUpViaApi(request: APIRequestContext, email: string): Promise<void> {
  const response = await request.post('/api/auth/signup', {
    data: { account_name: 'E2E Team', name: 'Erin Example', email, password: PASSWORD },
  });
  expect(response.status()).toBe(201);
}

/** Waits until the WASM has hydrated the page. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Signs in through the sign-in form, as a person would. */
export async function signInWithForm(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
