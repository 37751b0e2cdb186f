/**
 * An invitation, as an owner and the person invited go through it: the
 * owner invites an address on the Members card, the mail (written as a
 * file: the main e2e server has no SMTP) carries a link, the person opens
 * it in their own browser, chooses a name and password and is signed in,
 * and the owner's Members card lists them at once, without a reload. A revoked invitation's link
 * shows only that it has ended.
 */
import { expect, test } from './fixtures';
import { linkMailedTo, newPage, openTeamPage, signUpViaApi, uniqueEmail } from './helpers';

test('an invited person sets a password from the mailed link and is listed on the owner\'s Members card', async ({
  page,
  browser,
  baseURL,
}) => {
  const invited = uniqueEmail('invited');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await openTeamPage(page);

  await page.locator('#invite-email').fill(invited);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'on its way' })).toContainText(invited);
  await expect(page.getByTestId('invitation').filter({ hasText: invited })).toBeVisible();

  const link = await linkMailedTo(invited, '/login/invitation');
  const person = await newPage(browser, baseURL!);
  await person.goto(link);
  await expect(person.getByTestId('invited-email')).toHaveText(invited);
  await person.getByLabel('Your name').fill('Grace Hopper');
  await person.getByLabel('Password', { exact: true }).fill('grace chose this passphrase');
  await person.getByRole('button', { name: 'Join the team' }).click();
  await expect(person).toHaveURL(/\/account\/security$/);

  // Used once: the link now shows only that it has ended.
  await person.goto(link);
  await expect(person.getByRole('heading', { level: 1 })).toHaveText(
    'This invitation link has expired or was already used',
  );

  // The owner's page, open all along, lists them without a reload.
  const member = page.getByTestId('member').filter({ hasText: invited });
  await expect(member).toContainText('Grace Hopper');
  await expect(member.getByTestId('member-role')).toHaveText('Member');
  await expect(page.getByTestId('invitation')).toHaveCount(0);
});

test('a revoked invitation leaves the list and its link no longer works', async ({ page, browser, baseURL }) => {
  const invited = uniqueEmail('revoked');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await openTeamPage(page);
  await page.locator('#invite-email').fill(invited);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const row = page.getByTestId('invitation').filter({ hasText: invited });
  await expect(row).toBeVisible();
  const link = await linkMailedTo(invited, '/login/invitation');

  await page.getByRole('button', { name: `Revoke the invitation to ${invited}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'revoked' })).toBeVisible();
  await expect(row).toHaveCount(0);

  const person = await newPage(browser, baseURL!);
  await person.goto(link);
  await expect(person.getByRole('heading', { level: 1 })).toHaveText(
    'This invitation link has expired or was already used',
  );
  await expect(person.getByLabel('Your name')).toHaveCount(0);
});
