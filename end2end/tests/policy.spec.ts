import { test, expect } from './fixtures';
import { addMember, newPage, openSecurityPage, openTeamPage, signInViaApi, signUpViaApi, uniqueEmail } from './helpers';

test('the owner switches to Strict and still sees it after a reload', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('strict'));
  await openTeamPage(page);
  const save = page.getByRole('button', { name: 'Save policy' });
  await expect(save).toBeDisabled();

  await page.getByLabel('Strict').check();
  await expect(page.getByLabel('Idle timeout (minutes)')).toBeDisabled();
  await save.click();

  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Strict')).toBeChecked();
  await expect(page.getByLabel('Idle timeout (minutes)')).toHaveValue('15');
});

test('custom values out of bounds show inline errors and Save stays disabled', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('custom'));
  await openTeamPage(page);

  await page.getByLabel('Custom').check();
  const idle = page.getByLabel('Idle timeout (minutes)');
  const absolute = page.getByLabel('Absolute timeout (minutes)');
  await expect(idle).toBeEnabled();
  await idle.fill('2');
  await absolute.fill('50000');

  await expect(page.getByTestId('idle-error')).toHaveText('Idle timeout must be 5 to 1440 minutes.');
  await expect(page.getByTestId('absolute-error')).toContainText('15 to 43200 minutes');
  await expect(idle).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeDisabled();

  await idle.fill('30');
  await absolute.fill('20');
  await expect(page.getByTestId('idle-error')).toHaveText('Idle timeout cannot be longer than the absolute timeout.');
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeDisabled();

  await absolute.fill('600');
  await expect(page.getByTestId('idle-error')).toBeEmpty();
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeEnabled();
  await expect(page.getByLabel('Also shorten sessions signed in now')).toBeVisible();
});

test('a member sees the policy read-only and no owner cards', async ({ page, browser, baseURL }) => {
  const memberEmail = uniqueEmail('member');
  await signUpViaApi(page.request, uniqueEmail('owner'));
  await addMember(page.request, memberEmail);
  await openSecurityPage(page);
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);

  await openSecurityPage(member);

  await expect(member.getByTestId('me-role')).toHaveText('Member');
  await expect(member.getByTestId('policy-summary')).toContainText('sessions end after 1 h without activity');
  await expect(member.getByRole('radio')).toHaveCount(0);
  await expect(member.getByRole('heading', { name: 'Who is signed in' })).toHaveCount(0);
  await expect(member.getByRole('heading', { name: 'Add a member' })).toHaveCount(0);
  await expect(member.getByRole('heading', { name: 'Your sessions' })).toBeVisible();
});
