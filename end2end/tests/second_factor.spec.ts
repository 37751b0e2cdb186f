import { test, expect } from './fixtures';
import { reauthBaseURL, reauthWindowMs } from '../playwright.config';
import {
  PASSWORD,
  addMember,
  newPage,
  openSecurityPage,
  openTeamPage,
  rpc,
  signInViaApi,
  signInWithForm,
  signUpViaApi,
  totp,
  uniqueEmail,
  waitForHydration,
} from './helpers';

/** Six digits that are none of the codes the app shows around now. */
function wrongCode(key: string): string {
  const near = [-30_000, 0, 30_000, 60_000].map((offset) => totp(key, Date.now() + offset));
  return ['000000', '111111', '222222', '333333', '444444'].find((code) => !near.includes(code)) ?? '555555';
}

/** Sets up an authenticator app on the open security page; the key shown and the recovery codes. */
async function setUpApp(page: import('@playwright/test').Page): Promise<{ key: string; codes: string[] }> {
  const card = page.getByRole('region', { name: 'Two-step sign-in', exact: true });
  await expect(card.getByTestId('second-factor-status')).toContainText('password only');
  await card.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await expect(card.getByRole('img', { name: 'QR code for your authenticator app' }).locator('svg')).toBeVisible();
  const key = (await card.getByTestId('totp-secret').textContent()) ?? '';
  await card.getByLabel('Code from the app').fill(totp(key, Date.now()));
  await card.getByRole('button', { name: 'Turn on' }).click();
  const shown = card.getByTestId('recovery-codes').locator('li');
  await expect(shown).toHaveCount(10);
  const codes = await shown.allTextContents();
  await card.getByRole('button', { name: 'I have saved them' }).click();
  await expect(card.getByTestId('second-factor-status')).toContainText('asks for a code');
  return { key, codes };
}

async function signOut(page: import('@playwright/test').Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test('an app set up from the shown key makes sign-in ask for its code, or a recovery code once', async ({ page }) => {
  const email = uniqueEmail('totp');
  await signUpViaApi(page.request, email);
  await openSecurityPage(page);
  const { key, codes } = await setUpApp(page);
  await signOut(page);

  // The password alone is not enough: the code page asks, and a wrong code is refused.
  await signInWithForm(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/login\/code$/);
  await page.getByLabel('Code').fill(wrongCode(key));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not right');
  // The setting-up code counted once; the app's next one is taken.
  await page.getByLabel('Code').fill(totp(key, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByTestId('me-email')).toHaveText(email);
  await expect(page.getByTestId('session-current')).toContainText('with password and authenticator app');
  await signOut(page);

  // A recovery code signs in once.
  await signInWithForm(page, email, PASSWORD);
  await page.getByLabel('Code').fill(codes[0].toLowerCase());
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await openSecurityPage(page);
  await expect(page.getByRole('region', { name: 'Two-step sign-in', exact: true })).toContainText('9 recovery codes left');
  await openTeamPage(page);
  const you = page.getByTestId('member').filter({ hasText: '(you)' });
  await expect(you.getByTestId('member-second-factor')).toHaveText('Two-step sign-in');
  await signOut(page);
  await signInWithForm(page, email, PASSWORD);
  await page.getByLabel('Code').fill(codes[0]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/login\/code\?error=invalid_params/);
});

test('turning the app off needs the password and a code, then the password alone signs in', async ({ page }) => {
  const email = uniqueEmail('totp-off');
  await signUpViaApi(page.request, email);
  await openSecurityPage(page);
  const { codes } = await setUpApp(page);
  const card = page.getByRole('region', { name: 'Two-step sign-in', exact: true });

  await card.getByRole('button', { name: 'Turn off…' }).click();
  await card.getByLabel('Your password').fill('not the password');
  await card.getByLabel('A code from your app, or a recovery code').fill(codes[1]);
  await card.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
  await expect(card.getByRole('alert')).toContainText('That password is not correct');
  await card.getByLabel('Your password').fill(PASSWORD);
  await card.getByLabel('A code from your app, or a recovery code').fill(codes[1]);
  await card.getByRole('button', { name: 'Turn off two-step sign-in' }).click();
  await expect(card.getByRole('status')).toContainText('Two-step sign-in is off');
  await expect(card.getByTestId('second-factor-status')).toContainText('password only');

  await signOut(page);
  await signInWithForm(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/account\/security$/);
});

test('past the re-authentication window, a code from the app confirms it is you', async ({ browser }) => {
  const page = await newPage(browser, reauthBaseURL);
  await signUpViaApi(page.request, uniqueEmail('totp-reauth'));
  // Set up at once, inside this server's 2 s window.
  const { secret } = await rpc(page.request, 'account_totp_setup_start');
  await rpc(page.request, 'account_totp_setup_confirm', { code: totp(secret, Date.now()) });
  await openSecurityPage(page);
  await page.getByLabel('Token name').fill('confirmed by code');
  await page.waitForTimeout(reauthWindowMs + 200);

  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByTestId('reauth');
  await dialog.getByRole('button', { name: 'Use a code from your authenticator app instead' }).click();
  await dialog.getByLabel('A code from your app, or a recovery code').fill(totp(secret, Date.now() + 30_000));
  await dialog.getByRole('button', { name: 'Confirm' }).click();

  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('token-secret')).toHaveText(/^lk_/);
});

test("the owner turns off the app a member lost, and the member's password signs them in", async ({ page, browser, baseURL }) => {
  await signUpViaApi(page.request, uniqueEmail('totp-owner'));
  const memberEmail = uniqueEmail('totp-member');
  await addMember(page.request, memberEmail, 'Lou Lost');
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);
  const { secret } = await rpc(member.request, 'account_totp_setup_start');
  await rpc(member.request, 'account_totp_setup_confirm', { code: totp(secret, Date.now()) });

  await openTeamPage(page);
  const row = page.getByTestId('member').filter({ hasText: 'Lou Lost' });
  await expect(row.getByTestId('member-second-factor')).toHaveText('Two-step sign-in');
  await row.getByRole('button', { name: 'Turn off two-step sign-in for Lou Lost' }).click();
  await page.getByTestId('turn-off-member-app').getByRole('button', { name: 'Turn it off' }).click();

  await expect(page.getByRole('status').filter({ hasText: "Lou Lost's two-step sign-in is off." })).toBeVisible();
  await expect(row.getByTestId('member-second-factor')).toHaveText('Password only');
  await signInWithForm(member, memberEmail, PASSWORD);
  await expect(member).toHaveURL(/\/account\/security$/);
  await expect(member.getByTestId('security-notice').filter({ hasText: 'Two-step sign-in was turned off by' })).toBeVisible();
});

test('an owner requires two-step sign-in: a member without it is signed out and sets it up to get back in', async ({ page, browser, baseURL }) => {
  const ownerEmail = uniqueEmail('require-owner');
  const memberEmail = uniqueEmail('require-member');
  await signUpViaApi(page.request, ownerEmail);
  const { secret } = await rpc(page.request, 'account_totp_setup_start');
  await rpc(page.request, 'account_totp_setup_confirm', { code: totp(secret, Date.now()) });
  await addMember(page.request, memberEmail);
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);
  await openSecurityPage(member);
  await openTeamPage(page);

  const card = page.getByRole('region', { name: 'Two-step sign-in for everyone' });
  await card.getByRole('button', { name: 'Require two-step sign-in' }).click();
  await expect(card.getByRole('status')).toContainText('1 session of someone without it was ended');
  await expect(card.getByTestId('second-factor-requirement')).toContainText('Required');

  // The member's open page is signed out at once, and told why.
  await expect(member).toHaveURL(/\/login\?reason=second_factor_required$/);
  await expect(member.getByRole('status')).toContainText('requires two-step sign-in');
  await signInWithForm(member, memberEmail, PASSWORD);
  await expect(member).toHaveURL(/\/login\/setup$/);
  await expect(member.getByRole('img', { name: 'QR code for your authenticator app' }).locator('svg')).toBeVisible();
  const key = (await member.getByTestId('totp-secret').textContent()) ?? '';
  await member.getByLabel('Code from the app').fill(totp(key, Date.now()));
  await member.getByRole('button', { name: 'Turn on and sign in' }).click();
  await expect(member).toHaveURL(/\/account\/security$/);
  await expect(member.getByTestId('session-current')).toContainText('with password and authenticator app');

  // Next: recovery codes; and the app stays on while it is required.
  const twoStep = member.getByRole('region', { name: 'Two-step sign-in', exact: true });
  await expect(twoStep.getByTestId('recovery-codes-left')).toContainText('no recovery codes');
  await expect(twoStep.getByTestId('second-factor-required')).toContainText('stays on');
  await expect(twoStep.getByRole('button', { name: 'Turn off…' })).toHaveCount(0);
  await waitForHydration(member);
  await twoStep.getByRole('button', { name: 'Make recovery codes' }).click();
  await expect(twoStep.getByTestId('recovery-codes').locator('li')).toHaveCount(10);
  await twoStep.getByRole('button', { name: 'I have saved them' }).click();
  await expect(twoStep.getByTestId('recovery-codes-left')).toContainText('10 recovery codes left');
});
