/**
 * A forgotten password, as a person goes through it: the link on the
 * sign-in page, the mail (written as a file: this suite's servers have no
 * SMTP), the link in it, a new password, and signing in with it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from './fixtures';
import { PASSWORD, signInWithForm, signUpViaApi, uniqueEmail } from './helpers';

/** Where the main server writes its mail (scripts/e2e.sh sets a throw-away folder). */
const mailDir = process.env.E2E_MAIL_DIR ?? path.resolve(__dirname, '../../target/e2e/mail');

/** The reset link in the mail to `to`, once the server's courier has written it. */
async function linkMailedTo(to: string): Promise<string> {
  let link = '';
  await expect
    .poll(
      () => {
        const names = fs.existsSync(mailDir) ? fs.readdirSync(mailDir) : [];
        for (const name of names) {
          // Quoted-printable: soft line breaks, and "=" written as "=3D".
          const text = fs
            .readFileSync(path.join(mailDir, name), 'utf8')
            .replace(/=\r?\n/g, '')
            .replace(/=3D/g, '=');
          const found = text.includes(to) && text.match(/https?:\/\/[^\s"<>]+\/login\/reset\?token=[\w-]+/);
          if (found) {
            link = found[0];
            return true;
          }
        }
        return false;
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  return link;
}

test('a forgotten password: the mailed link sets a new one, and only the new one signs in', async ({
  page,
  request,
}) => {
  const email = uniqueEmail('forgot');
  const newPassword = 'a brand new passphrase 42';
  await signUpViaApi(request, email);

  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText('is on its way');

  await page.goto(await linkMailedTo(email));
  await page.getByLabel('New password').fill(newPassword);
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your new password is set');

  await signInWithForm(page, email, PASSWORD);
  await expect(page.getByRole('alert')).toContainText("That email and password don't match");
  await signInWithForm(page, email, newPassword);
  await expect(page).toHaveURL(/\/account\/security$/);
});
