import { defineConfig } from '@playwright/test';
import path from 'node:path';

// scripts/e2e.sh picks a free port and a throw-away database, and passes
// them here; every Playwright process reads the same values.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, '..');

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: process.env.E2E_SERVER_BIN ?? path.join(root, 'target/debug/latchkey'),
    cwd: root,
    url: `${baseURL}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      LATCHKEY_LISTEN: `127.0.0.1:${port}`,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? 'sqlite://target/e2e/latchkey.db',
      LATCHKEY_SITE_ROOT: path.join(root, 'target/site'),
      LATCHKEY_DEV: 'true',
      LATCHKEY_DEMO: 'false',
      RUST_LOG: 'warn',
    },
  },
});
