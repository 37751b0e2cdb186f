import { test, expect } from './fixtures';
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
  uniqueEmail,
} from './helpers';

test('the owner switches to Strict and still sees it after a reload', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('strict'));
  await openTeamPage(page);
  const policy = page.getByTestId('session-policy');
  const save = page.getByRole('button', { name: 'Save policy' });
  await expect(save).toBeDisabled();

  await policy.getByLabel('Strict').check();
  await expect(policy.getByLabel('Idle timeout (minutes)')).toBeDisabled();
  await save.click();

  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  await page.reload();
  await expect(policy.getByLabel('Strict')).toBeChecked();
  await expect(policy.getByLabel('Idle timeout (minutes)')).toHaveValue('15');
});

test('custom values out of bounds show inline errors and Save stays disabled', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('custom'));
  await openTeamPage(page);
  const policy = page.getByTestId('session-policy');

  await policy.getByLabel('Custom').check();
  const idle = policy.getByLabel('Idle timeout (minutes)');
  const absolute = policy.getByLabel('Absolute timeout (minutes)');
  await expect(idle).toBeEnabled();
  await idle.fill('2');
  await absolute.fill('50000');

  await expect(policy.getByTestId('idle-error')).toHaveText('Idle timeout must be 5 to 1440 minutes.');
  await expect(policy.getByTestId('absolute-error')).toContainText('15 to 43200 minutes');
  await expect(idle).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeDisabled();

  await idle.fill('30');
  await absolute.fill('20');
  await expect(policy.getByTestId('idle-error')).toHaveText('Idle timeout cannot be longer than the absolute timeout.');
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeDisabled();

  await absolute.fill('600');
  await expect(policy.getByTestId('idle-error')).toBeEmpty();
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeEnabled();
  await expect(policy.getByLabel('Also shorten sessions signed in now')).toBeVisible();
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
  await expect(member.getByRole('heading', { name: 'Invite a member' })).toHaveCount(0);
  await expect(member.getByRole('heading', { name: 'Your sessions' })).toBeVisible();
});

test('shorter limits for browsers that cannot bind a session are checked as typed and apply to the next sign-in', async ({
  page,
  browser,
  baseURL,
}) => {
  const email = uniqueEmail('unbound');
  await signUpViaApi(page.request, email);
  await openTeamPage(page);
  const limits = page.getByTestId('unbound-policy');
  const save = limits.getByRole('button', { name: 'Save limits' });
  await expect(limits.getByLabel('The same as above')).toBeChecked();
  await expect(save).toBeDisabled();

  // Longer than the account's hour: refused as typed.
  await limits.getByLabel('Custom').check();
  await limits.getByLabel('Idle timeout (minutes)').fill('90');
  await expect(limits.getByTestId('unbound-idle-error')).toHaveText(
    'Sessions not bound to a device cannot stay idle longer than the others (60 minutes).',
  );
  await expect(save).toBeDisabled();

  await limits.getByLabel('Strict').check();
  await save.click();
  await expect(limits.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();

  // This suite's Chromium runs without DBSC, over plain HTTP: it cannot
  // bind its session, so a sign-in in it gets the shorter limits.
  const other = await newPage(browser, baseURL!);
  await signInWithForm(other, email, PASSWORD);
  await expect(other).toHaveURL(/\/account\/security$/);
  const verified = await rpc(other.request, 'account_verify');
  const hoursLeft = (verified.absolute_ends_at - Date.now()) / 3_600_000;
  expect(hoursLeft).toBeGreaterThan(7.9);
  expect(hoursLeft).toBeLessThanOrEqual(8);
  expect(verified.device_bound).toBe(false);
  await other.context().close();
});
