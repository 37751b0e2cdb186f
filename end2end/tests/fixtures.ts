/**
 * The `test` every spec uses: Playwright's own, with every page the test
 * opens watched for console errors and uncaught exceptions. A test whose
 * pages log one fails, so a hydration mismatch or a panic in the WASM can
 * never pass unnoticed. A test that provokes one on purpose says so with
 * `test.use({ consoleErrors: 'allow' })`.
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

export { expect };

/** What the pages of the running test reported (one test at a time per worker). */
const problems: string[] = [];

/**
 * The browser noting an HTTP error status. Tests cause those on purpose
 * (a wrong password, a revoked session), and the page shows them; they are
 * not errors of the page's own code.
 */
const HTTP_STATUS = /^Failed to load resource: the server responded with a status of [45]\d\d\b/;

/** Watches every page of `context`, those open now and those opened later. */
export function watchPages(context: BrowserContext): void {
  context.on('page', watchPage);
  context.pages().forEach(watchPage);
}

function watchPage(page: Page): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && !HTTP_STATUS.test(message.text())) {
      problems.push(`console error on ${page.url()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
}

export const test = base.extend<{ consoleErrors: 'fail' | 'allow'; watchConsole: void }>({
  consoleErrors: ['fail', { option: true }],
  watchConsole: [
    async ({ context, consoleErrors }, use) => {
      problems.length = 0;
      watchPages(context);
      await use();
      if (consoleErrors === 'fail') {
        expect(problems, 'the pages of this test logged errors').toEqual([]);
      }
    },
    { auto: true },
  ],
});
