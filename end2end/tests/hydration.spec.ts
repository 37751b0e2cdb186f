import { test, expect } from './fixtures';
import { signUpViaApi, uniqueEmail } from './helpers';

test.describe('a page that cannot start', () => {
  test.use({ consoleErrors: 'allow' });

  test('says so, offers a reload, and tells the server', async ({ page }) => {
    await signUpViaApi(page.request, uniqueEmail('broken'));
    // The browser receives HTML that the WASM cannot hydrate.
    await page.route('**/account/security', async (route) => {
      const response = await route.fetch();
      // Markers the WASM expects after the header are missing.
      const html = (await response.text()).replace('</header><!>', '</header>');
      await route.fulfill({ response, body: html });
    });
    const report = page.waitForRequest((r) => r.url().endsWith('/api/client-errors'));

    await page.goto('/account/security');

    const notice = page.getByRole('alert').filter({ hasText: 'This page could not start.' });
    await expect(notice).toBeVisible();
    await expect(notice.getByRole('link', { name: 'Reload it.' })).toHaveAttribute('href', /\/account\/security$/);
    const sent = await report;
    expect(sent.postDataJSON()).toMatchObject({ page: '/account/security', during_start: true });
    expect((await sent.response())?.status()).toBe(204);
  });
});

test('a console error on a page fails the test it happens in', async ({ page }) => {
  test.fail(true, 'the fixture that watches every page must fail this test');
  await page.goto('/login');
  await page.evaluate(() => console.error('something went wrong'));
});
