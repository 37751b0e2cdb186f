import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test, expect } from './fixtures';
import { openSecurityPage, signInWithForm, signUpViaApi, uniqueEmail, waitForHydration } from './helpers';
import { operator } from '../playwright.config';

/**
 * Runs `latchkey users reset-password EMAIL`, as the server's operator
 * does, on the running server's database; the password it printed.
 */
async function resetByOperator(email: string): Promise<string> {
  const { stdout } = await promisify(execFile)(operator.binary, ['users', 'reset-password', email], {
    cwd: operator.cwd,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: operator.database, RUST_LOG: 'warn' },
  });
  const lines = stdout.split('\n');
  const password = lines[lines.findIndex((line) => line.startsWith('New password')) + 1]?.trim();
  expect(password, stdout).toMatch(/^[0-9a-f]{24}$/);
  return password;
}

test('after an operator reset the person chooses a new password and lands on the security page', async ({
  page,
}) => {
  // Arrange: Erin is signed in; the operator resets her password.
  const email = uniqueEmail('recovered');
  await signUpViaApi(page.request, email);
  await openSecurityPage(page);
  await expect(page.getByTestId('me-email')).toHaveText(email);
  const given = await resetByOperator(email);
  // The reset ended her session: the open page, live, leaves for sign-in
  // on its own (going there at the same time would race it).
  await expect(page).toHaveURL(/\/login/);

  // Act: she signs in with the password the operator gave her.
  await signInWithForm(page, email, given);

  // Assert: asked for a password of her own, then signed in and told.
  await expect(page).toHaveURL(/\/login\/password$/);
  await expect(page.getByText("The server's operator reset your password; choose a new one.")).toBeVisible();
  await page.getByLabel('New password').fill('short');
  await page.getByLabel('New password').evaluate((input: HTMLInputElement) => input.removeAttribute('minlength'));
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page).toHaveURL(/\/login\/password\?error=invalid_params&field=new_password$/);
  await expect(page.getByRole('alert')).toContainText('Choose a password of 10 to 256 characters');
  await page.getByLabel('New password').fill('a password of her very own');
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(page).toHaveURL(/\/account\/security$/);
  await expect(page.getByTestId('me-email')).toHaveText(email);
  await waitForHydration(page);
  await expect(page.getByTestId('security-notice')).toContainText(
    "The server's operator reset your password and ended everything that signed in as you: 1 session.",
  );
});
