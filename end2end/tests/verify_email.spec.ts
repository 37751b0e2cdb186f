/**
 * Verified addresses, as a person goes through them: signing up, the
 * security page says the address is not verified; the link from the mail
 * (a file: this suite's main server has no SMTP) and its button verify
 * it. Changing the address: a link goes to the new one, the old one is
 * told, and the address changes when the link is used.
 */
import { expect, test } from './fixtures';
import { PASSWORD, htmlMailedTo, linkMailedTo, openSecurityPage, signUpViaApi, uniqueEmail } from './helpers';

test('a new address is verified by the mailed link, and a change waits for the link at the new address', async ({
  page,
}) => {
  const email = uniqueEmail('verify');
  const newEmail = uniqueEmail('changed');
  await signUpViaApi(page.request, email);

  // Signed up: the page says the address is not verified.
  await openSecurityPage(page);
  await expect(page.getByTestId('email-unverified')).toContainText(email);

  // The link from the mail: the page shows the address; its button verifies it.
  await page.goto(await linkMailedTo(email, '/login/verify-email'));
  await expect(page.getByTestId('verify-email-address')).toHaveText(email);
  await page.getByRole('button', { name: 'Confirm this address' }).click();
  await expect(page.getByTestId('email-verified')).toBeVisible();
  await openSecurityPage(page);
  await expect(page.getByTestId('email-address')).toHaveText(email);
  await expect(page.getByTestId('email-unverified')).toHaveCount(0);

  // A change: it waits for the link mailed to the new address.
  await page.getByLabel('New address').fill(newEmail);
  await page.getByLabel('Password, to confirm it is you').fill(PASSWORD);
  await page.getByTestId('change-email').click();
  await expect(page.getByTestId('email-change-pending')).toContainText(newEmail);
  await expect(page.getByTestId('email-address')).toHaveText(email);

  await page.goto(await linkMailedTo(newEmail, '/login/verify-email'));
  await expect(page.getByTestId('verify-email-address')).toHaveText(newEmail);
  await page.getByRole('button', { name: 'Confirm this address' }).click();
  await expect(page.getByTestId('email-verified')).toBeVisible();
  await openSecurityPage(page);
  await expect(page.getByTestId('email-address')).toHaveText(newEmail);
  await expect(page.getByTestId('email-change-pending')).toHaveCount(0);

  // The old address was told, with the new one.
  const told = await htmlMailedTo(email, 'Your Latchkey address is being changed');
  expect(told).toContain(newEmail);
});
