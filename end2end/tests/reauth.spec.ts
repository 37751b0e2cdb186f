import { test, expect } from './fixtures';
import { reauthBaseURL, reauthWindowMs } from '../playwright.config';
import { PASSWORD, newPage, openSecurityPage, signUpViaApi, uniqueEmail } from './helpers';

test('past the window, creating a token asks for the password and then goes on', async ({ browser }) => {
  const page = await newPage(browser, reauthBaseURL);
  await signUpViaApi(page.request, uniqueEmail('reauth'));
  await openSecurityPage(page);
  await page.getByLabel('Token name').fill('after a while');
  // This server asks for the password again 2 s after signing in.
  await page.waitForTimeout(reauthWindowMs + 200);

  await page.getByRole('button', { name: 'Create token' }).click();

  const dialog = page.getByTestId('reauth');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Your password')).toBeFocused();
  await dialog.getByLabel('Your password').fill('not my password');
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('alert')).toHaveText('That password is not correct.');
  await expect(page.getByTestId('token-secret')).toHaveCount(0);

  await dialog.getByLabel('Your password').fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Confirm' }).click();

  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('token-secret')).toHaveText(/^lk_/);
  await expect(page.getByTestId('token-list')).toContainText('after a while');
});

test('the password dialog keeps focus inside, closes on Escape and does nothing', async ({ browser }) => {
  const page = await newPage(browser, reauthBaseURL);
  await signUpViaApi(page.request, uniqueEmail('reauth-escape'));
  await openSecurityPage(page);
  await page.getByLabel('Token name').fill('never made');
  await page.waitForTimeout(reauthWindowMs + 200);
  const create = page.getByRole('button', { name: 'Create token' });
  await create.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('reauth');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Your password')).toBeFocused();
  // With the field empty, Confirm is disabled: Tab goes to Cancel, then
  // wraps back to the field.
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByLabel('Your password')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();

  await page.keyboard.press('Escape');

  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('token-secret')).toHaveCount(0);
  await expect(page.getByLabel('Token name')).toHaveValue('never made');
});
