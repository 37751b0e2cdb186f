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

/** How many times the browser renewed its bound cookie so far. */
function renewals(events: BoundSessionEvent[]): number {
  return events.filter((e) => e.refreshEventDetails?.refreshResult === 'Refreshed').length;
}

// Chromium renews a cookie with less than two minutes left on every
// request it sees, and signs at most six proofs per site in nine minutes
// (lifted here by `RefreshQuota/false`): with this test's 6-second cookie
// a page that loads many files renews it over and over. So the browser
// asks one thing at a time from a page without WASM, which shows each
// renewal as a run-out cookie meets a request, and the security page
// comes last.
test('a session binds to its device, renews its cookie by proof, and a copied cookie stops working', async () => {
  test.setTimeout(90_000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--enable-features=DeviceBoundSessions:RefreshQuota/false,EnableBoundSessionCredentialsSoftwareKeysForManualTesting',
      `--ignore-certificate-errors-spki-list=${process.env.E2E_TLS_SPKI}`,
    ],
  });
  try {
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    const events = await watchBoundSessions(await context.newCDPSession(page));
    const browserCookie = async () =>
      (await context.cookies()).find((c) => c.name === '__Host-session')?.value;
    const fetchMe = () => page.evaluate(async () => (await fetch('/api/account/me')).status);

    // Arrange: Ada signs up from the browser, which binds the session.
    const email = uniqueEmail('bound');
    await page.goto('/login');
    const signedUp = await page.evaluate(
      async (body) =>
        (
          await fetch('/api/auth/signup', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).status,
      { account_name: 'Bound Team', name: 'Ada', email, password: PASSWORD },
    );
    expect(signedUp).toBe(201);
    await expect
      .poll(() => events.some((e) => e.creationEventDetails?.fetchResult === 'Success'), { timeout: 15_000 })
      .toBe(true);
    const copied = await http.newContext({
      baseURL: origin,
      ignoreHTTPSErrors: true,
      extraHTTPHeaders: { cookie: `__Host-session=${await browserCookie()}` },
    });

    // Act: time passes past the bound cookie's 6 seconds.
    await expect
      .poll(async () => (await copied.get('/api/account/me')).status(), { timeout: 20_000, intervals: [1_000] })
      .toBe(401);

    // Assert: across three lifetimes of its cookie, the browser renews it
    // by proof each time a request finds it run out, and stays signed in.
    for (let lifetime = 1; lifetime <= 3; lifetime += 1) {
      await expect.poll(browserCookie, { timeout: 15_000, intervals: [500] }).toBeUndefined();
      expect(await fetchMe()).toBe(200);
      expect(renewals(events)).toBeGreaterThanOrEqual(lifetime);
    }
    expect((await copied.get('/api/account/me')).status()).toBe(401);

    // Assert: the security page, just after a renewal, says the session is
    // bound to this device.
    await expect.poll(browserCookie, { timeout: 15_000, intervals: [500] }).toBeUndefined();
    expect(await fetchMe()).toBe(200);
    await page.goto('/account/security');
    await waitForHydration(page);
    await expect(page.getByTestId('me-email')).toHaveText(email);
    await expect(page.getByTestId('session-device-bound').first()).toBeVisible();
    await copied.dispose();
  } finally {
    await browser.close();
  }
});
