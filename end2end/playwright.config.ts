import { defineConfig } from '@playwright/test';
import path from 'node:path';

// scripts/e2e.sh picks free ports and throw-away databases and passes them
// here; every Playwright process reads the same values.
const port = Number(process.env.E2E_PORT ?? 3100);
const fastPort = Number(process.env.E2E_FAST_PORT ?? 3101);
const reauthPort = Number(process.env.E2E_REAUTH_PORT ?? 3102);
const rotatingPort = Number(process.env.E2E_ROTATING_PORT ?? 3103);
const proxiedPort = Number(process.env.E2E_PROXIED_PORT ?? 3104);
const appPort = Number(process.env.E2E_APP_PORT ?? 3105);
const proxyPort = Number(process.env.E2E_PROXY_PORT ?? 3106);
const caddyPort = Number(process.env.E2E_CADDY_PORT ?? 3107);
const boundPort = Number(process.env.E2E_BOUND_PORT ?? 3108);
const proxyDir = process.env.E2E_PROXY_DIR ?? path.resolve(__dirname, '../target/e2e');
const root = path.resolve(__dirname, '..');
const binary = process.env.E2E_SERVER_BIN ?? path.join(root, 'target/debug/latchkey');

/** The main server's database: the operator's commands run on it. */
const database = process.env.E2E_DATABASE_URL ?? `sqlite://target/e2e/${port}.db`;

/** The server binary with test settings on a port and database. */
function server(listen: number, database: string | undefined, extra: Record<string, string>) {
  return {
    command: binary,
    cwd: root,
    url: `http://127.0.0.1:${listen}/login`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    env: {
      LATCHKEY_LISTEN: `127.0.0.1:${listen}`,
      DATABASE_URL: database ?? `sqlite://target/e2e/${listen}.db`,
      LATCHKEY_SITE_ROOT: path.join(root, 'target/site'),
      LATCHKEY_DEV: 'true',
      LATCHKEY_DEMO: 'false',
      // Many sign-ins from one address, in a short time, are the point here.
      LATCHKEY_LOGIN_RATE_PER_IP: '10000',
      LATCHKEY_LOGIN_RATE_PER_EMAIL_HOUR: '10000',
      RUST_LOG: 'warn',
      ...extra,
    },
  };
}

export default defineConfig({
  testDir: './tests',
  timeout: 45_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    viewport: { width: 1100, height: 900 },
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
  webServer: [
    // Every request counts as activity, so "Stay signed in" moves the end
    // even when the test clicks it within a second of signing in (the
    // release build gets there that fast; a real warning never comes so soon).
    // With no SMTP, its mail is written as files (tests/forgot_password).
    server(port, database, {
      LATCHKEY_TOUCH_THRESHOLD: '0s',
      LATCHKEY_MAIL_DIR: process.env.E2E_MAIL_DIR ?? path.join(root, 'target/e2e/mail'),
    }),
    // Sessions end after 6 s without activity: expiry happens for real.
    server(fastPort, process.env.E2E_FAST_DATABASE_URL, { LATCHKEY_DEFAULT_IDLE_TIMEOUT: '6s' }),
    // The password is asked for again 2 s after signing in.
    server(reauthPort, process.env.E2E_REAUTH_DATABASE_URL, { LATCHKEY_REAUTH_WINDOW: '2s' }),
    // Every page load and server function rotates the cookie; a rotated-out
    // one keeps working for 1 s after its successor was first used.
    server(rotatingPort, process.env.E2E_ROTATING_DATABASE_URL, {
      LATCHKEY_ROTATION_INTERVAL: '0s',
      LATCHKEY_ROTATION_GRACE: '1s',
    }),
    // Behind nginx and Caddy (below), protecting the tiny app on each host.
    server(proxiedPort, process.env.E2E_PROXIED_DATABASE_URL, {
      LATCHKEY_PROTECTED_ORIGINS: `http://127.0.0.1:${proxyPort},http://127.0.0.1:${caddyPort}`,
      LATCHKEY_TRUSTED_PROXIES: '127.0.0.1',
    }),
    // On HTTPS, as in production: sessions bind to the device (DBSC), and a
    // bound cookie lives 6 s, so Chromium renews it at once and often.
    {
      ...server(boundPort, process.env.E2E_BOUND_DATABASE_URL, {
        LATCHKEY_DEV: 'false',
        LATCHKEY_TLS_CERT: process.env.E2E_TLS_CERT ?? '',
        LATCHKEY_TLS_KEY: process.env.E2E_TLS_KEY ?? '',
        LATCHKEY_BOUND_COOKIE_LIFETIME: '6s',
      }),
      url: `https://127.0.0.1:${boundPort}/login`,
      ignoreHTTPSErrors: true,
    },
    {
      command: 'node proxy/app.mjs',
      url: `http://127.0.0.1:${appPort}/`,
      reuseExistingServer: false,
      env: { APP_PORT: String(appPort) },
    },
    {
      command: `/usr/sbin/nginx -e stderr -p ${proxyDir} -c ${proxyDir}/nginx.conf -g 'daemon off;'`,
      url: `http://127.0.0.1:${proxyPort}/login`,
      reuseExistingServer: false,
      stderr: 'pipe' as const,
    },
    {
      command: 'caddy run --config proxy/Caddyfile --adapter caddyfile',
      url: `http://127.0.0.1:${caddyPort}/login`,
      reuseExistingServer: false,
      env: {
        PROXY_PORT: String(caddyPort),
        LATCHKEY_PORT: String(proxiedPort),
        APP_PORT: String(appPort),
        // Caddy keeps its state under these; not in the user's home.
        XDG_CONFIG_HOME: proxyDir,
        XDG_DATA_HOME: proxyDir,
      },
    },
  ],
});

/** How to run an operator's command (`latchkey users …`) on the main server's database. */
export const operator = { binary, database, cwd: root };
/** The main server by host name: browsers refuse passkeys on an IP address. */
export const localhostBaseURL = `http://localhost:${port}`;
export const fastBaseURL = `http://127.0.0.1:${fastPort}`;
export const reauthBaseURL = `http://127.0.0.1:${reauthPort}`;
export const reauthWindowMs = 2_000;
export const reauthLocalhostBaseURL = `http://localhost:${reauthPort}`;
export const rotatingBaseURL = `http://127.0.0.1:${rotatingPort}`;
export const nginxBaseURL = `http://127.0.0.1:${proxyPort}`;
export const caddyBaseURL = `http://127.0.0.1:${caddyPort}`;
/** The protected app itself, behind neither proxy: for what it recorded. */
export const appBaseURL = `http://127.0.0.1:${appPort}`;
