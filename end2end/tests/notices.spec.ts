import { test, expect } from './fixtures';
import { PASSWORD, openSecurityPage, signUpViaApi, uniqueEmail } from './helpers';

const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1';

test('a notice is shown until the page has shown it, then not again', async ({ page, playwright, baseURL }) => {
  const email = uniqueEmail('notice');
  await signUpViaApi(page.request, email);
  const phone = await playwright.request.newContext({ baseURL, userAgent: PHONE });
  expect((await phone.post('/api/auth/login', { data: { email, password: PASSWORD } })).status()).toBe(200);

  // Fetching the page without running it (a link from another site, a
  // prefetch) uses nothing up.
  const fetched = await page.request.get('/account/security', { headers: { 'sec-fetch-site': 'cross-site' } });
  expect(await fetched.text()).toContain('from a new device');

  const acknowledged = page.waitForResponse((r) => r.url().includes('/api/fn/acknowledge_security_notices'));
  await openSecurityPage(page);
  await expect(page.getByTestId('security-notice')).toContainText('from a new device (Safari on iPhone');
  expect((await acknowledged).status()).toBe(200);

  await openSecurityPage(page);
  await expect(page.getByTestId('security-notice')).toHaveCount(0);
  await phone.dispose();
});
