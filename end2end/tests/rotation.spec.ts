import { test, expect } from './fixtures';
import { rotatingBaseURL } from '../playwright.config';
import { newPage, openSecurityPage, rpc, signInViaApi, signUpViaApi, uniqueEmail } from './helpers';

test('a page stays signed in across rotations, reconnecting its stream each time, and still leaves on a revoke', async ({ browser }) => {
  const page = await newPage(browser, rotatingBaseURL);
  const email = uniqueEmail('rotating');
  await signUpViaApi(page.request, email);
  let streamsOpened = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/api/events')) streamsOpened += 1;
  });
  await openSecurityPage(page);
  expect(streamsOpened).toBe(1);

  for (let rotation = 1; rotation <= 3; rotation += 1) {
    // Another request of this browser rotates the cookie, and the next one
    // uses the new cookie: the stream's cookie now has only its grace left.
    expect((await page.request.get('/account/security')).status()).toBe(200);
    expect((await page.request.get('/api/account/me')).status()).toBe(200);
    await expect.poll(() => streamsOpened, { timeout: 10_000 }).toBeGreaterThan(rotation);
    await expect(page.locator('body')).toHaveAttribute('data-live', 'connected');
  }

  await expect(page).toHaveURL(/\/account\/security$/);
  // No banner of a session taken, revoked or expired (the address's own,
  // not verified yet, is about something else).
  await expect(page.locator('.banner:not([data-testid="email-unverified"])')).toHaveCount(0);
  await expect(page.getByTestId('expiry-toast')).toHaveCount(0);

  // Revoked from elsewhere, it still leaves at once.
  const { session_id } = await rpc(page.request, 'account_verify');
  const other = await newPage(browser, rotatingBaseURL);
  await signInViaApi(other.request, email);
  await rpc(other.request, 'account_session_revoke', { session_id });
  await expect(page).toHaveURL(/\/login\?reason=revoked$/, { timeout: 2_000 });
});
