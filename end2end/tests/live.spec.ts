import { test, expect } from './fixtures';
import { addMember, newPage, openSecurityPage, openTeamPage, rpc, signInViaApi, signUpViaApi, uniqueEmail } from './helpers';

test('ending another session sends that browser to sign in at once', async ({ page, browser, baseURL }) => {
  const email = uniqueEmail('two-tabs');
  await signUpViaApi(page.request, email);
  const other = await newPage(browser, baseURL!);
  await signInViaApi(other.request, email);
  await openSecurityPage(other);
  await openSecurityPage(page);

  const otherRow = page.getByTestId('session-other');
  await expect(otherRow).toHaveCount(1);
  await otherRow.getByRole('button', { name: 'End session' }).click();
  await page.getByTestId('end-session').getByRole('button', { name: 'End session' }).click();

  // Nothing happens in the other browser; it is told.
  await expect(other).toHaveURL(/\/login\?reason=revoked$/, { timeout: 2_000 });
  await expect(other.getByRole('status')).toContainText('signed out from another device');
  await expect(page.getByText('The session was ended.')).toBeVisible();
  await expect(page.getByTestId('session-other')).toHaveCount(0);
});

test('the owner signs out everyone else and a member\'s open page leaves', async ({ page, browser, baseURL }) => {
  const memberEmail = uniqueEmail('member');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await addMember(page.request, memberEmail);
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);
  await openSecurityPage(member);
  await openTeamPage(page);
  await expect(page.getByTestId('users-count')).toHaveText('2 users are signed in.');

  await page.getByRole('button', { name: 'Sign out everyone except me' }).click();
  const modal = page.getByTestId('sign-out-others');
  await expect(modal).toContainText('You stay signed in here.');
  await modal.getByRole('button', { name: 'Sign out everyone else' }).click();

  await expect(member).toHaveURL(/\/login\?reason=revoked$/, { timeout: 2_000 });
  await expect(page.getByText('Signed out 1 session.')).toBeVisible();
  await expect(page.getByTestId('users-count')).toHaveText('Only you are signed in.');
  await expect(page).toHaveURL(/\/account\/security\/team$/);
});

test('the owner signs out one member: that member\'s page leaves, another member\'s stays', async ({ page, browser, baseURL }) => {
  const leavingEmail = uniqueEmail('leaving');
  const stayingEmail = uniqueEmail('staying');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await addMember(page.request, leavingEmail, 'Lee Leaving');
  await addMember(page.request, stayingEmail, 'Sam Staying');
  const leaving = await newPage(browser, baseURL!);
  await signInViaApi(leaving.request, leavingEmail);
  await openSecurityPage(leaving);
  const staying = await newPage(browser, baseURL!);
  await signInViaApi(staying.request, stayingEmail);
  await openSecurityPage(staying);
  await openTeamPage(page);
  await expect(page.getByTestId('users-count')).toHaveText('3 users are signed in.');

  await page.getByRole('button', { name: 'Sign out Lee Leaving' }).click();
  const modal = page.getByTestId('sign-out-member');
  await expect(modal).toContainText('Lee Leaving will be signed out of every device at once.');
  await modal.getByRole('button', { name: 'Sign them out' }).click();

  await expect(leaving).toHaveURL(/\/login\?reason=revoked$/, { timeout: 2_000 });
  await expect(page.getByText('Lee Leaving: Signed out 1 session.')).toBeVisible();
  await expect(page.getByTestId('users-count')).toHaveText('2 users are signed in.');
  await expect(staying).toHaveURL(/\/account\/security$/);
  await staying.reload();
  await expect(staying).toHaveURL(/\/account\/security$/);
});

test('signing out one member can revoke their API tokens too', async ({ page, browser, baseURL, request }) => {
  const memberEmail = uniqueEmail('leaver');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await addMember(page.request, memberEmail, 'Lee Leaver');
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);
  const token = await rpc(member.request, 'account_token_create', { name: 'deploy' });
  await openTeamPage(page);

  await page.getByRole('button', { name: 'Sign out Lee Leaver' }).click();
  const modal = page.getByTestId('sign-out-member');
  await modal.getByLabel('Also revoke their API tokens').check();
  await modal.getByRole('button', { name: 'Sign them out' }).click();

  await expect(page.getByText('Lee Leaver: Signed out 1 session and revoked 1 API token.')).toBeVisible();
  const refused = await request.post('/api/rpc', {
    data: { jsonrpc: '2.0', id: 1, method: 'account_verify', params: {} },
    headers: { authorization: `Bearer ${token.token}` },
  });
  expect(refused.status()).toBe(401);
});

test('signing out everyone shows the count, then lands on sign-in with no banner', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('everyone'));
  await openTeamPage(page);

  await page.getByRole('button', { name: 'Sign me out and everyone else' }).click();
  await page.getByTestId('sign-out-all').getByRole('button', { name: 'Sign everyone out' }).click();

  await expect(page.getByText('Signed out 1 session. Signing you out…')).toBeVisible();
  await expect(page).toHaveURL(/\/login$/, { timeout: 5_000 });
  await expect(page.locator('.banner')).toHaveCount(0);
  await page.goto('/account/security');
  await expect(page).toHaveURL(/\/login$/);
});
