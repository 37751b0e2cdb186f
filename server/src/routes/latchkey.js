// Latchkey's live session for the pages of an app it protects through the
// reverse proxy. Include it with <script src="/latchkey.js" defer></script>:
// it follows the browser's session over /api/events, warns five minutes
// before the session ends, keeps it alive on "Stay signed in", and sends the
// browser to the sign-in page the moment the session ends or is revoked.
// No framework, nothing global: the server fills in `config` below.
(function () {
  'use strict';
  var config = /*CONFIG*/ {};
  var source = null;
  var offset = 0; // server clock minus this browser's clock
  var idleEnd = 0;
  var absoluteEnd = 0;
  var tick = null;
  var toast = null;
  var dismissed = 0;
  var leaving = false;

  function here() {
    return encodeURIComponent(location.href);
  }

  function leave(path) {
    if (leaving) return;
    leaving = true;
    if (source) source.close();
    location.assign(path + (path.indexOf('?') < 0 ? '?' : '&') + 'next=' + here());
  }

  function now() {
    return Date.now() + offset;
  }

  function follow(data) {
    idleEnd = data.idle_ends_at;
    absoluteEnd = data.absolute_ends_at;
    offset = data.server_time - Date.now();
    show();
  }

  function remaining(left) {
    return left < 60000 ? 'in under a minute' : 'in ' + Math.floor(left / 60000) + ' min';
  }

  // The warning for the nearer end, or none until five minutes before it.
  // When both ends fall together the time limit is the one to tell.
  function warning() {
    var idle = idleEnd < absoluteEnd;
    var end = idle ? idleEnd : absoluteEnd;
    var left = end - now();
    if (!end || left > config.warnBeforeMs || end === dismissed) return null;
    return { idle: idle, end: end, left: Math.max(left, 0) };
  }

  function button(label, onClick) {
    var element = document.createElement(onClick ? 'button' : 'a');
    element.textContent = label;
    element.style.cssText =
      'font:inherit;padding:0.4rem 0.8rem;border-radius:6px;border:1px solid currentColor;' +
      'background:#fff;color:inherit;cursor:pointer;text-decoration:none;white-space:nowrap';
    if (onClick) {
      element.type = 'button';
      element.addEventListener('click', onClick);
    }
    return element;
  }

  function show() {
    if (!document.body) {
      document.addEventListener('DOMContentLoaded', show);
      return;
    }
    var shown = warning();
    if (toast) toast.remove();
    toast = null;
    clearTimeout(tick);
    if (!shown) {
      var next = Math.min(idleEnd, absoluteEnd) - config.warnBeforeMs - now();
      if (next > 0) tick = setTimeout(show, Math.min(next, 60000));
      return;
    }
    toast = document.createElement('div');
    toast.setAttribute('role', 'alert');
    toast.setAttribute('data-latchkey', shown.idle ? 'idle-warning' : 'absolute-warning');
    toast.style.cssText =
      'position:fixed;top:1rem;left:50%;transform:translateX(-50%);z-index:2147483647;' +
      'width:min(40rem,calc(100% - 2rem));display:flex;align-items:center;gap:1rem;' +
      'justify-content:space-between;border-radius:8px;padding:0.85rem 1rem;' +
      'font:15px/1.4 system-ui,sans-serif;box-shadow:0 8px 24px rgb(16 24 40 / 18%);' +
      (shown.idle
        ? 'background:#fff4dc;color:#8a5a00;border:1px solid #e7b84a'
        : 'background:#e2f6f9;color:#0b6b7d;border:1px solid #7fcfdc');
    var text = document.createElement('p');
    text.style.margin = '0';
    var template = shown.idle ? config.idleWarning : config.absoluteWarning;
    text.textContent = template.replace('{when}', remaining(shown.left));
    var actions = document.createElement('div');
    actions.style.cssText = 'display:flex;gap:0.5rem;align-items:center';
    if (shown.idle) {
      actions.appendChild(button(config.staySignedIn, staySignedIn));
    } else {
      var signIn = button(config.signInNow);
      signIn.href = config.login + '?next=' + here();
      actions.appendChild(signIn);
    }
    var close = button('\u00d7', function () {
      dismissed = shown.end;
      show();
    });
    close.setAttribute('aria-label', 'Dismiss');
    actions.appendChild(close);
    toast.appendChild(text);
    toast.appendChild(actions);
    document.body.appendChild(toast);
    tick = setTimeout(show, 1000);
  }

  // Any call counts as activity; the stream then tells the new idle end.
  function staySignedIn() {
    fetch(config.rpc, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'account_verify' }),
    }).catch(function () {});
  }

  // The stream closed for good: ask why (the answer says, without counting
  // as activity), then leave or follow again.
  function closed() {
    if (leaving) return;
    var asking = new AbortController();
    fetch(config.events, { credentials: 'same-origin', signal: asking.signal })
      .then(function (response) {
        if (response.ok) {
          asking.abort();
          setTimeout(open, 2000);
          return null;
        }
        return response.json().then(function (error) {
          leave(config.afterRefusal[error.code] || config.login);
        });
      })
      .catch(function () {
        setTimeout(open, 5000);
      });
  }

  function open() {
    if (leaving) return;
    source = new EventSource(config.events);
    var on = function (name, handle) {
      source.addEventListener(name, function (event) {
        handle(JSON.parse(event.data));
      });
    };
    on('session', function (data) {
      // For the app's styles and tests: the session is being followed.
      document.documentElement.setAttribute('data-latchkey', 'live');
      follow(data);
    });
    on('session_updated', follow);
    on('session_revoked', function (data) {
      leave(config.afterRevoke[data.reason] || config.login);
    });
    on('session_expired', function () {
      leave(config.afterRefusal.session_expired);
    });
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) closed();
    });
  }

  open();
})();
