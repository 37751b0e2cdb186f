// The protected app of the end-to-end tests: a page that says who nginx
// says is signed in, and includes Latchkey's script. Nothing else.
import http from 'node:http';

const port = Number(process.env.APP_PORT);
const escape = (text) =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const identity = (req, name) => {
  const value = req.headers[`x-latchkey-${name}`] ?? '';
  return escape(decodeURIComponent(value));
};

http
  .createServer((req, res) => {
    const fields = ['user', 'email', 'name', 'role', 'account']
      .map((name) => `<dt>${name}</dt><dd data-testid="${name}">${identity(req, name)}</dd>`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Wiki</title><script src="/latchkey.js" defer></script></head>
<body><h1>Wiki</h1><p data-testid="path">${escape(req.url)}</p><dl>${fields}</dl></body></html>`);
  })
  .listen(port, '127.0.0.1');
