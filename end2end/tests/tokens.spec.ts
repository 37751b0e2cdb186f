import { test, expect } from './fixtures';
import { openSecurityPage, rpc, signUpViaApi, uniqueEmail } from './helpers';

test('a new token is shown once and works as a bearer token', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('token'));
  await openSecurityPage(page);

  await page.getByLabel('Token name').fill('backup script');
  await page.getByRole('button', { name: 'Create token' }).click();

  const secret = page.getByTestId('token-secret');
  await expect(secret).toHaveText(/^lk_[A-Za-z0-9_-]{43}$/);
  const token = (await secret.textContent())!;
  await expect(page.getByTestId('token-list')).toContainText('backup script');
  const answer = await page.evaluate(async (bearer) => {
    const response = await fetch('/api/rpc', {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'account_session_list' }),
    });
    return response.json();
  }, token);
  expect(answer.error).toBeUndefined();
  expect(answer.result).toHaveLength(1);

  await page.getByRole('button', { name: 'Done' }).click();
  await expect(secret).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('token-list')).toContainText('backup script');
  expect(await page.content()).not.toContain(token);
});

test('a modal works by keyboard alone: Escape closes it, Tab and Enter confirm', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('keys'));
  await rpc(page.request, 'account_token_create', { name: 'keyboard token' });
  await openSecurityPage(page);
  const revoke = page.getByRole('button', { name: 'Revoke', exact: true });

  await revoke.focus();
  await page.keyboard.press('Enter');
  const modal = page.getByRole('dialog', { name: 'Revoke this token?' });
  await expect(modal).toBeVisible();
  await expect(modal.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(modal).toHaveCount(0);
  await expect(revoke).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(modal).toBeVisible();
  await expect(modal.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(modal.getByRole('button', { name: 'Revoke token' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(modal.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');

  await expect(modal).toHaveCount(0);
  await expect(page.getByText('The token was revoked.')).toBeVisible();
  await expect(page.getByText('No tokens yet.')).toBeVisible();
});

test('a token limited to chosen methods shows its scope and is refused the others', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('scope'));
  await openSecurityPage(page);

  await page.getByLabel('Token name').fill('session reader');
  await page.getByLabel('May call').selectOption('methods');
  const create = page.getByRole('button', { name: 'Create token' });
  await expect(create).toBeDisabled();
  const methods = page.getByTestId('token-methods');
  await expect(methods.getByLabel('account_token_create')).toHaveCount(0);
  await methods.getByLabel('account_session_list').check();
  await create.click();

  const secret = page.getByTestId('token-secret');
  await expect(secret).toHaveText(/^lk_/);
  const token = (await secret.textContent())!;
  await expect(page.getByTestId('token-scope')).toHaveText('only account_session_list');
  const call = (method: string) =>
    page.evaluate(
      async ([bearer, name]) => {
        const response = await fetch('/api/rpc', {
          method: 'POST',
          credentials: 'omit',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: name }),
        });
        return response.json();
      },
      [token, method],
    );
  expect((await call('account_session_list')).result).toHaveLength(1);
  const refused = await call('account_token_list');
  expect(refused.error.data).toEqual({ code: 'forbidden', field: 'scope' });
  expect(refused.error.message).toContain('only account_session_list');
});
