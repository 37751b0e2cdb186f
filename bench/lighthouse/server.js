// The release server on a fresh SQLite file, and an owner signed up on it.

import {spawn} from 'node:child_process';
import {openSync} from 'node:fs';
import {createInterface} from 'node:readline';

const SESSION_COOKIE = '__Host-session';
const STARTUP_PATIENCE_MS = 20_000;

/**
 * Starts `binary` the way the benchmarks do and waits for the line that
 * names its address. What it logs goes to `log`.
 * @returns {Promise<{origin: string, stop: () => Promise<void>}>}
 */
export async function startServer({binary, siteRoot, database, log}) {
  const child = spawn(
    binary,
    [
      '--listen', '127.0.0.1:0',
      '--demo', 'false',
      '--database-url', `sqlite://${database}`,
      '--site-root', siteRoot,
      // One session serves every page load of the run: no rotation midway,
      // and no limit met by the runs' sign-up and live streams.
      '--rotation-interval', '24h',
      '--max-sessions-per-user', '1000000',
      '--login-rate-per-ip', '1000000',
      '--login-rate-per-email-hour', '1000000',
      '--live-per-credential', '1000000',
      '--live-per-address', '1000000',
    ],
    {stdio: ['ignore', 'pipe', openSync(log, 'w')]},
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = new Promise(resolve => child.once('exit', resolve));

  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${binary} did not say where it listens within ${STARTUP_PATIENCE_MS / 1000} s; its log: ${log}`)),
      STARTUP_PATIENCE_MS,
    );
    // Keeps reading after the address too, so that a full pipe never blocks it.
    createInterface({input: child.stdout}).on('line', line => {
      const found = line.match(/(\d+\.\d+\.\d+\.\d+:\d+)/);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.once('error', err => reject(new Error(`could not start ${binary}: ${err.message}`)));
    exited.then(code => reject(new Error(`${binary} exited (${code}) before saying where it listens; its log: ${log}`)));
  });

  return {
    origin: `http://${addr}`,
    async stop() {
      process.off('exit', killOnExit);
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Signs up the owner of a new account; returns the `name=value` pair of
 * the session cookie, and checks that it opens the security page.
 */
export async function signUpOwner(origin) {
  const response = await fetch(`${origin}/api/auth/signup`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({
      account_name: 'Lighthouse',
      name: 'Lighthouse Owner',
      email: 'lighthouse@example.com',
      password: 'lighthouse password 1',
    }),
  });
  if (!response.ok) {
    throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
  }
  const cookie = response.headers
    .getSetCookie()
    .map(header => header.split(';')[0])
    .find(pair => pair.startsWith(`${SESSION_COOKIE}=`));
  if (!cookie) throw new Error(`sign-up set no ${SESSION_COOKIE} cookie`);

  const page = await fetch(`${origin}/account/security`, {headers: {cookie}, redirect: 'manual'});
  if (page.status !== 200) {
    throw new Error(`/account/security with the new session answered ${page.status} ${page.headers.get('location') ?? ''}`);
  }
  return cookie;
}
