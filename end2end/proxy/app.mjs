// The protected app of the end-to-end tests: a page that says who the proxy
// says is signed in and which cookies reached it, and includes Latchkey's
// script. `/cookies` answers the Cookie header it got, as JSON; `/leaks`
// lists every request that came with one of Latchkey's cookies.
//
// The proxy must strip Latchkey's cookies from what reaches the app. A
// request that still carries one is answered 500, logged and recorded, so
// no test can pass with a proxy that lets one through.
import http from 'node:http';

const port = Number(process.env.APP_PORT);
// Every cookie Latchkey sets (server/src/cookies.rs): the session's and a
// sign-in waiting for its second factor's, secure and development names.
const LATCHKEY_COOKIES = new Set(['__Host-session', 'session', '__Host-sign-in', 'sign-in']);
const leaks = [];

const escape = (text) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const identity = (req, name) => {
  const value = req.headers[`x-latchkey-${name}`] ?? '';
  return escape(decodeURIComponent(value));
};
/** The names of the cookies in a Cookie header, as a server reads them. */
const cookieNames = (header) =>
  header
    .split(';')
    .map((pair) => pair.split('=')[0].trim())
    .filter((name) => name !== '');

http
  .createServer((req, res) => {
    const cookie = req.headers.cookie ?? '';
    const names = cookieNames(cookie);
    const leaked = names.filter((name) => LATCHKEY_COOKIES.has(name));
    if (leaked.length > 0) {
      const message = `Latchkey's cookie ${leaked.join(', ')} reached the app (${req.method} ${req.url}): the proxy must strip it`;
      console.error(message);
      leaks.push(message);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(message);
      return;
    }
    if (req.url === '/leaks' || req.url === '/cookies') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/leaks' ? leaks : { cookie }));
      return;
    }
    const fields = ['user', 'email', 'name', 'role', 'account']
      .map((name) => `<dt>${name}</dt><dd data-testid="${name}">${identity(req, name)}</dd>`)
      .join('');
    const cookies = escape([...names].sort().join(' '));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Wiki</title><script src="/latchkey.js" defer></script></head>
<body><h1>Wiki</h1><p data-testid="path">${escape(req.url)}</p><dl>${fields}
<dt>cookies</dt><dd data-testid="cookies">${cookies}</dd></dl></body></html>`);
  })
  .listen(port, '127.0.0.1');
