import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type APIResponse, type Browser, type Page } from '@playwright/test';
import { watchPages } from './fixtures';

export const PASSWORD = 'correct horse battery staple';

let counter = 0;

/** An email no other test uses. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${Date.now()}-${process.pid}-${counter}@example.com`;
}

/** Signs a new owner up through the API; the cookie lands in the request's context. */
export async function signUpViaApi(request: APIRequestContext, email: string, name = 'Erin Example'): Promise<void> {
  const response = await request.post('/api/auth/signup', {
    data: { account_name: 'E2E Team', name, email, password: PASSWORD },
  });
  expect(response.status()).toBe(201);
}

/**
 * Sends `post` for `email` when nobody has it yet, so on a fresh server
 * (`make screenshots`) the pictures show the address asked for; on a server
 * that has it already (the same test run again: 409), for a unique address
 * like it instead. Returns the address used.
 */
async function withAddress(email: string, post: (address: string) => Promise<APIResponse>): Promise<string> {
  const wanted = await post(email);
  if (wanted.status() !== 409) {
    expect(wanted.status()).toBe(201);
    return email;
  }
  const unique = uniqueEmail(email.split('@')[0]);
  expect((await post(unique)).status()).toBe(201);
  return unique;
}

/** Signs up a new owner, as `signUpViaApi` does, with `email` when it is free (see `withAddress`); the address used. */
export async function signUpAs(request: APIRequestContext, email: string, name: string): Promise<string> {
  return withAddress(email, (address) =>
    request.post('/api/auth/signup', { data: { account_name: 'E2E Team', name, email: address, password: PASSWORD } }),
  );
}

/** Adds a member, as `addMember` does, with `email` when it is free (see `withAddress`); the address used. */
export async function addMemberAs(request: APIRequestContext, email: string, name: string): Promise<string> {
  return withAddress(email, (address) =>
    request.post('/api/account/members', { data: { name, email: address, password: PASSWORD } }),
  );
}

/** Signs in through the API; the cookie lands in the request's context. */
export async function signInViaApi(request: APIRequestContext, email: string, password = PASSWORD): Promise<void> {
  const response = await request.post('/api/auth/login', { data: { email, password } });
  expect(response.status()).toBe(200);
}

/** Calls a JSON-RPC account action with the context's cookie; its result. */
export async function rpc(request: APIRequestContext, method: string, params: object = {}): Promise<any> {
  const response = await request.post('/api/rpc', { data: { jsonrpc: '2.0', id: 1, method, params } });
  const body = await response.json();
  expect(body.error, `${method} failed: ${JSON.stringify(body.error)}`).toBeUndefined();
  return body.result;
}

/** The owner (signed in on `request`) adds a member. */
export async function addMember(request: APIRequestContext, email: string, name = 'Max Member'): Promise<void> {
  const response = await request.post('/api/account/members', { data: { name, email, password: PASSWORD } });
  expect(response.status()).toBe(201);
}

/** A new browser context with its own cookies (and `userAgent`, if given), and a page in it, watched for errors like the test's own. */
export async function newPage(browser: Browser, baseURL: string, userAgent?: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1100, height: 900 }, userAgent });
  watchPages(context);
  return context.newPage();
}

/** Waits until the WASM has hydrated the page. */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Opens the security page ("Your sign-in", or another at `path`) and waits until it is live (hydrated, stream connected). */
export async function openSecurityPage(page: Page, path = '/account/security'): Promise<void> {
  await page.goto(path);
  await waitForHydration(page);
  await expect(page.locator('body')).toHaveAttribute('data-live', 'connected');
}

/** Opens the owner's "Your team" page and waits until it is live. */
export async function openTeamPage(page: Page): Promise<void> {
  await openSecurityPage(page, '/account/security/team');
}

/** Where the browser tests save their pictures; `make screenshots` copies them to docs/screenshots. */
export const screenshotsDir = process.env.E2E_SCREENSHOTS_DIR ?? path.resolve(__dirname, '../../target/screenshots');

/** Signs in through the sign-in form, as a person would. */
export async function signInWithForm(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The code an authenticator app holding `key` (as shown, spaces and all) shows at `at` ms. */
export function totp(key: string, at: number): string {
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of key.replace(/\s/g, '').toUpperCase()) {
    value = (value << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const mac = createHmac('sha1', Buffer.from(bytes)).update(step).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

/**
 * Chrome's virtual authenticator (DevTools protocol) on the page: a
 * platform authenticator that keeps discoverable passkeys and verifies the
 * user at once, as a fingerprint would.
 */
export async function virtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

/** Adds a passkey named `name` on the open security page (with a virtual authenticator). */
export async function addPasskey(page: Page, name: string): Promise<void> {
  const card = page.getByRole('region', { name: 'Passkeys' });
  await card.getByLabel('Passkey name').fill(name);
  await card.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(card.getByRole('status')).toContainText(`“${name}” is added`);
  await expect(card.getByTestId('passkey').filter({ hasText: name })).toContainText('never used');
}

/** Where the main server writes its mail (scripts/e2e.sh sets a throw-away folder). */
const mailDir = process.env.E2E_MAIL_DIR ?? path.resolve(__dirname, '../../target/e2e/mail');

/** The first mail to `to` (decoded) that matches `pattern`, and the match, once the server's courier has written it. */
async function mailMatching(to: string, pattern: RegExp): Promise<[string, RegExpMatchArray]> {
  let found: [string, RegExpMatchArray] | undefined;
  await expect
    .poll(
      () => {
        const names = fs.existsSync(mailDir) ? fs.readdirSync(mailDir) : [];
        for (const name of names) {
          const text = quotedPrintable(fs.readFileSync(path.join(mailDir, name), 'latin1'));
          const match = text.includes(to) && text.match(pattern);
          if (match) {
            found = [text, match];
            return true;
          }
        }
        return false;
      },
      { timeout: 10_000 },
    )
    .toBe(true);
  return found!;
}

/** Quoted-printable undone: soft line breaks gone, `=XX` bytes read back as UTF-8. */
function quotedPrintable(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The link to `linkPath` (`?token=...`) in a mail to `to`, once the server's courier has written it. */
export async function linkMailedTo(to: string, linkPath: string): Promise<string> {
  const pattern = new RegExp(`https?://[^\\s"<>]+${linkPath.replace(/\//g, '\\/')}\\?token=[\\w-]+`);
  const [, match] = await mailMatching(to, pattern);
  return match[0];
}

/**
 * Verifies `email` with the link mailed to it when it signed up (the main
 * server's mail files), as its page's button does: until then no other
 * mail goes to the address.
 */
export async function verifyAddress(request: APIRequestContext, email: string): Promise<void> {
  const link = await linkMailedTo(email, '/login/verify-email');
  const token = new URL(link).searchParams.get('token');
  const response = await request.post('/api/auth/verify-email', { data: { token } });
  expect(response.status()).toBe(200);
}

/** The subjects of every mail to `to` the server's courier has written so far. */
export function subjectsMailedTo(to: string): string[] {
  const names = fs.existsSync(mailDir) ? fs.readdirSync(mailDir) : [];
  return names
    .map((name) => quotedPrintable(fs.readFileSync(path.join(mailDir, name), 'latin1')))
    .filter((text) => text.includes(to))
    .map((text) => text.match(/^Subject: (.*)$/m)?.[1]?.trim() ?? '');
}

/** The HTML part of the mail to `to` whose subject is `subject`. */
export async function htmlMailedTo(to: string, subject: string): Promise<string> {
  const [text] = await mailMatching(to, new RegExp(`Subject: ${subject}`));
  return text.slice(text.indexOf('<!DOCTYPE html>'), text.indexOf('</html>') + '</html>'.length);
}
