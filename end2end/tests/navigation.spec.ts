import { test, expect } from './fixtures';
import { type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { addMember, newPage, openSecurityPage, openTeamPage, signInViaApi, signUpViaApi, uniqueEmail } from './helpers';

/** The security pages' navigation. */
function sections(page: Page) {
  return page.getByRole('navigation', { name: 'Security' });
}

/** Checks that every link of the navigation to a card of the open page finds that card. */
async function expectEveryCardLinked(page: Page): Promise<void> {
  const here = new URL(page.url()).pathname;
  const hrefs = await sections(page).getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  const cards = hrefs.filter((href) => href.startsWith(`${here}#`)).map((href) => href.split('#')[1]);
  expect(cards.length).toBeGreaterThan(0);
  for (const id of cards) {
    await expect(page.locator(`section#${id}.card`), id).toHaveCount(1);
  }
}

/** What axe finds wrong on the page as it is now (WCAG 2.2 A and AA, and its best practices). */
async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test('the security pages link to each other by keyboard and say which one is open', async ({ page }) => {
  await signUpViaApi(page.request, uniqueEmail('nav-keys'));
  await openSecurityPage(page);
  const nav = sections(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your sign-in');
  await expect(nav.getByRole('link', { name: 'Your sign-in' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Your team' })).not.toHaveAttribute('aria-current', /./);

  // From the top of the page, a few Tabs reach the team's link, before any card.
  const team = nav.getByRole('link', { name: 'Your team' });
  let presses = 0;
  while (!(await team.evaluate((link) => link === document.activeElement)) && presses < 12) {
    await page.keyboard.press('Tab');
    presses += 1;
  }
  await expect(team).toBeFocused();
  await page.keyboard.press('Enter');

  await expect(page).toHaveURL(/\/account\/security\/team$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your team');
  await expect(sections(page).getByRole('link', { name: 'Your team' })).toHaveAttribute('aria-current', 'page');
  // A card's link jumps to it.
  await sections(page).getByRole('link', { name: 'Members' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/account\/security\/team#members$/);
  await expect(page.getByRole('heading', { name: 'Members' })).toBeInViewport();
  await sections(page).getByRole('link', { name: 'Security log' }).click();
  await expect(page).toHaveURL(/\/account\/security\/log$/);
  await expect(page.getByTestId('log-entry').first()).toBeVisible();
});

test.describe('before the page has its code (JavaScript off)', () => {
  test.use({ javaScriptEnabled: false });

  test('the navigation still goes to every security page and card', async ({ page }) => {
    await signUpViaApi(page.request, uniqueEmail('nav-no-js'));
    await page.goto('/account/security');
    await expect(page.getByTestId('session-current')).toBeVisible();
    await expect(page.locator('body')).not.toHaveAttribute('data-hydrated', 'true');
    await expectEveryCardLinked(page);

    await sections(page).getByRole('link', { name: 'Your team' }).click();
    await expect(page).toHaveURL(/\/account\/security\/team$/);
    await expect(page.getByTestId('users-count')).toHaveText('Only you are signed in.');
    await expectEveryCardLinked(page);
    await sections(page).getByRole('link', { name: 'API tokens' }).click();
    await expect(page).toHaveURL(/\/account\/security#tokens$/);
    await expect(page.getByRole('heading', { name: 'API tokens' })).toBeInViewport();
    await sections(page).getByRole('link', { name: 'Security log' }).click();
    await expect(page).toHaveURL(/\/account\/security\/log$/);
    await expect(page.getByTestId('log-entry').first()).toContainText('Signed up');
    await sections(page).getByRole('link', { name: 'Your sign-in' }).click();
    await expect(page).toHaveURL(/\/account\/security$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your sign-in');
  });
});

test("a member's navigation has no team page, and the team page says it is the owners'", async ({ page, browser, baseURL }) => {
  const memberEmail = uniqueEmail('nav-member');
  await signUpViaApi(page.request, uniqueEmail('nav-owner'));
  await addMember(page.request, memberEmail);
  const member = await newPage(browser, baseURL!);
  await signInViaApi(member.request, memberEmail);

  await openSecurityPage(member);
  await expect(sections(member).getByRole('link', { name: 'Your sign-in' })).toBeVisible();
  await expect(sections(member).getByRole('link', { name: 'Security log' })).toBeVisible();
  await expect(sections(member).getByRole('link', { name: 'Your team' })).toHaveCount(0);
  await openSecurityPage(member, '/account/security/team');
  await expect(member.getByTestId('owners-only')).toContainText('Only the owners of E2E Team manage the team');
  await expect(member.getByRole('heading', { name: 'Members' })).toHaveCount(0);
  await expect(member.getByRole('heading', { name: 'Session policy' })).toHaveCount(0);
});

test.describe('axe (each analysis takes seconds)', () => {
  test.slow();

  test("finds nothing wrong on the owner's security pages", async ({ page }) => {
    await signUpViaApi(page.request, uniqueEmail('axe-owner'));

    await openSecurityPage(page);
    expect(await accessibilityViolations(page), '/account/security').toEqual([]);
    await openTeamPage(page);
    expect(await accessibilityViolations(page), '/account/security/team').toEqual([]);
    await openSecurityPage(page, '/account/security/log');
    expect(await accessibilityViolations(page), '/account/security/log').toEqual([]);
  });

  test("finds nothing wrong in a confirmation, nor on a member's page", async ({ page, browser, baseURL }) => {
    const memberEmail = uniqueEmail('axe-member');
    await signUpViaApi(page.request, uniqueEmail('axe-owner'));
    await addMember(page.request, memberEmail);
    const member = await newPage(browser, baseURL!);
    await signInViaApi(member.request, memberEmail);

    await openTeamPage(page);
    await page.getByRole('button', { name: 'Sign me out and everyone else' }).click();
    await expect(page.getByTestId('sign-out-all')).toBeVisible();
    expect(await accessibilityViolations(page), 'the confirmation').toEqual([]);
    await openSecurityPage(member);
    expect(await accessibilityViolations(member), "a member's /account/security").toEqual([]);
  });
});
