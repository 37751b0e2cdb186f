import { expect, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { watchPages } from './fixtures';

export const PASSWORD = 'correct horse battery staple';

let counter = 0;

/** An email no other test uses. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${process.pid}-${counter}@example.com`;
}

/** Signs a new owner up through the API; the cookie lands in the request's context. */
export async function signUpViaApi(request: APIRequestContext, email: string, name = 'Erin Example'): Promise<void> {
  const response = await request.post('/api/auth/signup', {
    data: { account_name: 'E2E Team', name, email, password: PASSWORD },
  });
  expect(response.status()).toBe(201);
}

/** Signs in through the API; the cookie lands in the request's context. */
export async function signInViaApi(request: APIRequestContext, email: string, password = PASSWORD): Promise<void> {
  const response = await request.post('/api/auth/login', { data: { email, password } });
  expect(response.status()).toBe(200);
}

/** Calls a JSON-RPC account action with the context's cookie; its result. */
export async function rpc(request: APIRequestContext, method: string, params: object = {}): Promise<any> {
  const response = await request.post('/api/rpc', { data: { jsonrpc: '2.0', id: 1, method, params } });
  const body = await response.json();
  expect(body.error, `${method} failed: ${JSON.stringify(body.error)}`).toBeUndefined();
  return body.result;
}

/** The owner (signed in on `request`) adds a member. */
export async function addMember(request: APIRequestContext, email: string, name = 'Max Member'): Promise<void> {
  const response = await request.post('/api/account/members', { data: { name, email, password: PASSWORD } });
  expect(response.status()).toBe(201);
}

/** A new browser context with its own cookies, and a page in it, watched for errors like the test's own. */
export async function newPage(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1100, height: 900 } });
  watchPages(context);
  return context.newPage();
}

/** Waits until the WASM has hydrated the page. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Opens the security page and waits until it is live (hydrated, stream connected). */
export async function openSecurityPage(page: Page): Promise<void> {
  await page.goto('/account/security');
  await waitForHydration(page);
  await expect(page.locator('body')).toHaveAttribute('data-live', 'connected');
}

/** Signs in through the sign-in form, as a person would. */
export async function signInWithForm(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
