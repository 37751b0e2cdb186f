import { test, expect } from './fixtures';
import { type Page } from '@playwright/test';
import { PASSWORD, addMember, newPage, openSecurityPage, openTeamPage, signInViaApi, signUpViaApi, uniqueEmail, waitForHydration } from './helpers';

/** Opens the security log and waits until it is live. */
async function openSecurityLog(page: Page, query = ''): Promise<void> {
  await page.goto(`/account/security/log${query}`);
  await waitForHydration(page);
  await expect(page.locator('body')).toHaveAttribute('data-live', 'connected');
}

test('the owner removes a member: their page leaves, they cannot sign in, the log shows it live', async ({ page, browser, baseURL }) => {
  const ownerEmail = uniqueEmail('owner');
  const memberEmail = uniqueEmail('removed');
  await signUpViaApi(page.request, ownerEmail);
  await addMember(page.request, memberEmail, 'Rae Removed');
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);
  await openSecurityPage(member);
  // The owner's security log, open in a second browser.
  const log = await newPage(browser, baseURL!);
  await signInViaApi(log.request, ownerEmail);
  await openSecurityLog(log);
  await openTeamPage(page);

  const row = page.getByTestId('member').filter({ hasText: 'Rae Removed' });
  await expect(row).toContainText('1 live session');
  await page.getByRole('button', { name: 'Remove Rae Removed' }).click();
  const modal = page.getByTestId('remove-member');
  await expect(modal).toContainText('Rae Removed will be signed out everywhere');
  await modal.getByRole('button', { name: 'Remove from team' }).click();

  await expect(member).toHaveURL(/\/login\?reason=revoked$/, { timeout: 2_000 });
  await expect(page.getByText('Rae Removed was removed from the team. Signed out 1 session.')).toBeVisible();
  await expect(row).toHaveCount(0);
  const removed = log.getByTestId('log-entry').filter({ hasText: 'Member removed' });
  await expect(removed).toContainText('By Erin Example, to Rae Removed (removed)', { timeout: 2_000 });
  const refused = await member.request.post('/api/auth/login', { data: { email: memberEmail, password: PASSWORD } });
  expect(refused.status()).toBe(401);
});

test('the owner makes a member an owner and back; their page follows at once', async ({ page, browser, baseURL }) => {
  const memberEmail = uniqueEmail('promoted');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await addMember(page.request, memberEmail, 'Pat Promoted');
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);
  await openSecurityPage(member);
  const team = member.getByRole('navigation', { name: 'Security' }).getByRole('link', { name: 'Your team' });
  await expect(team).toHaveCount(0);
  await expect(member.getByRole('heading', { name: 'Members' })).toHaveCount(0);
  await openTeamPage(page);

  await page.getByRole('button', { name: 'Make Pat Promoted an owner' }).click();
  await page.getByTestId('make-owner').getByRole('button', { name: 'Make owner' }).click();
  await expect(page.getByText('Pat Promoted is now an owner.')).toBeVisible();
  const row = page.getByTestId('member').filter({ hasText: 'Pat Promoted' });
  await expect(row.getByTestId('member-role')).toHaveText('Owner');
  await expect(member.getByTestId('me-role')).toHaveText('Owner', { timeout: 3_000 });
  // Their pages now link to the team's, where the members are.
  await team.click();
  await expect(member).toHaveURL(/\/account\/security\/team$/);
  await expect(member.getByRole('heading', { name: 'Members' })).toBeVisible();
  await expect(member.locator('body')).toHaveAttribute('data-live', 'connected');

  await page.getByRole('button', { name: 'Make Pat Promoted a member' }).click();
  await page.getByTestId('make-member').getByRole('button', { name: 'Make member' }).click();
  await expect(row.getByTestId('member-role')).toHaveText('Member');
  await expect(member.getByTestId('me-role')).toHaveText('Member', { timeout: 3_000 });
  await expect(member.getByRole('heading', { name: 'Members' })).toHaveCount(0);
});

test('the security log pages, filters, and shows a member only their own entries', async ({ page, browser, baseURL }) => {
  const memberEmail = uniqueEmail('reader');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await addMember(page.request, memberEmail, 'Max Member');
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);
  // Three failed sign-ins as the member, recorded in the account's log.
  for (let i = 0; i < 3; i += 1) {
    await page.request.post('/api/auth/login', { data: { email: memberEmail, password: 'not the password' } });
  }

  await openSecurityLog(page);
  await expect(page.getByTestId('log-entry').first()).toBeVisible();
  await page.getByLabel('What').selectOption('sign_in_failed');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/kind=sign_in_failed/);
  await expect(page.getByTestId('log-entry')).toHaveCount(3);
  await expect(page.getByTestId('log-entry').first()).toContainText('Failed');
  await expect(page.getByTestId('log-entry').first()).toContainText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);

  await openSecurityLog(member);
  await expect(member.getByLabel('Who')).toHaveCount(0);
  const kinds = await member.getByTestId('log-entry').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-kind')));
  expect(kinds).not.toContain('signed_up');
  expect(kinds).toContain('member_added');
});

test('older log entries load after the newest page', async ({ page }) => {
  const email = uniqueEmail('pages');
  await signUpViaApi(page.request, email);
  // Enough entries for two pages of 50.
  for (let i = 0; i < 55; i += 1) {
    await page.request.post('/api/rpc', {
      data: { jsonrpc: '2.0', id: 1, method: 'account_token_create', params: { name: `t${i}` } },
    });
  }
  await openSecurityLog(page, '?kind=token_created');
  await expect(page.getByTestId('log-entry')).toHaveCount(50);
  await page.getByRole('button', { name: 'Load older entries' }).click();
  await expect(page.getByTestId('log-entry')).toHaveCount(55);
  await expect(page.getByRole('button', { name: 'Load older entries' })).toHaveCount(0);
});
