/**
 * Sessions bound to the device (DBSC) in a real Chromium: it registers a
 * key for the session as it signs in, then renews the 6-second cookie
 * with signed proofs while the page stays signed in; the cookie copied off
 * the browser stops working within seconds. Chromium does this only over
 * HTTPS with a certificate it trusts and with DBSC's test flags, so this
 * test launches a browser of its own against the HTTPS server.
 */
import { chromium, request as http, type CDPSession } from '@playwright/test';
import { expect, test } from './fixtures';
import { PASSWORD, uniqueEmail, waitForHydration } from './helpers';

const origin = `https://127.0.0.1:${process.env.E2E_BOUND_PORT ?? 3108}`;

/** What Chromium reports of its bound sessions, as it happens. */
type BoundSessionEvent = {
  creationEventDetails?: { fetchResult: string };
  refreshEventDetails?: { refreshResult: string };
};

async function watchBoundSessions(cdp: CDPSession): Promise<BoundSessionEvent[]> {
  const events: BoundSessionEvent[] = [];
  cdp.on('Network.deviceBoundSessionEventOccurred', (event) => events.push(event as BoundSessionEvent));
  await cdp.send('Network.enable');
  await cdp.send('Network.enableDeviceBoundSessions', { enable: true });
  return events;
}

test('a session binds to its device, renews its cookie by proof, and a copied cookie stops working', async () => {
  test.setTimeout(60_000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--enable-features=DeviceBoundSessions,EnableBoundSessionCredentialsSoftwareKeysForManualTesting',
      '--disable-features=DeviceBoundSessionsRefreshQuota',
      `--ignore-certificate-errors-spki-list=${process.env.E2E_TLS_SPKI}`,
    ],
  });
  try {
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    const events = await watchBoundSessions(await context.newCDPSession(page));

    // Arrange: Ada signs up in the browser, which binds the session.
    const email = uniqueEmail('bound');
    await page.goto('/signup');
    await page.getByLabel('Team name').fill('Bound Team');
    await page.getByLabel('Your name').fill('Ada');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/account\/security$/);
    await expect
      .poll(() => events.some((e) => e.creationEventDetails?.fetchResult === 'Success'), { timeout: 15_000 })
      .toBe(true);
    const [cookie] = (await context.cookies()).filter((c) => c.name === '__Host-session');
    const copied = await http.newContext({
      baseURL: origin,
      ignoreHTTPSErrors: true,
      extraHTTPHeaders: { cookie: `__Host-session=${cookie.value}` },
    });

    // Act: time passes past the bound cookie's 6 seconds.
    await expect
      .poll(async () => (await copied.get('/api/account/me')).status(), { timeout: 20_000, intervals: [1_000] })
      .toBe(401);

    // Assert: the browser, whose cookie expired too, renews it by proof as
    // the page loads, and stays signed in.
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByTestId('me-email')).toHaveText(email);
    expect(
      events.filter((e) => e.refreshEventDetails).map((e) => e.refreshEventDetails?.refreshResult),
    ).toContain('Refreshed');
    await expect(page.getByTestId('session-device-bound').first()).toBeVisible();
    await copied.dispose();
  } finally {
    await browser.close();
  }
});
