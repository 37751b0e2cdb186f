// The passkey button of Latchkey's sign-in pages, which load no WASM. It
// asks the server to start a passkey sign-in, the browser for a passkey
// with the server's options (WebAuthn JSON), and posts the answer back; the
// server sets the session's cookie and names the page to go to.
// The button says which step it is in `data-passkey-sign-in`: "first"
// (the passkey alone), "second-step" (after the password, the waiting
// sign-in in this browser's cookie) or "reset" (a new password chosen
// through a link from the mail: the button sends its form, with the
// passkey's answer, and the page says the password is set).
// Its wording and where it posts to (start, then finish) for each step.
const config = /*CONFIG*/ {};

// What a person sees when the browser's part fails.
function refused(err) {
  switch (err && err.name) {
    case 'NotAllowedError':
    case 'AbortError':
      return config.notUsed;
    case 'NotSupportedError':
    case 'TypeError':
    case 'ReferenceError':
      return config.unsupported;
    default:
      return config.failed;
  }
}

// POSTs `body` as JSON; the JSON answer, or an Error with the server's
// message.
async function post(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error(config.busy);
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(answer.message || config.wrong);
  }
  return answer;
}

// The browser's passkey for the server's `options`, as JSON.
async function answer(options) {
  try {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    const credential = await navigator.credentials.get({ publicKey });
    return credential.toJSON();
  } catch (err) {
    throw new Error(refused(err));
  }
}

async function signIn(step) {
  const [start, finish] = config.paths[step] || config.paths.first;
  const { ceremony, options } = await post(start, {});
  const credential = await answer(options);
  // The page of a protected app that sent the browser here, if any; the
  // server checks it before going back.
  const next = new URLSearchParams(window.location.search).get('next');
  const signedIn = await post(finish, { credential, ceremony, next });
  window.location.assign(signedIn.landing || config.home);
}

// Sends the new password of `form` with the passkey's answer. False when
// the form is not filled in yet (the browser says what is missing).
async function reset(form) {
  if (!form.reportValidity()) {
    return false;
  }
  const [start, finish] = config.paths.reset;
  const token = form.elements.token.value;
  const { ceremony, options } = await post(start, { token });
  const credential = await answer(options);
  await post(finish, {
    token,
    new_password: form.elements.new_password.value,
    revoke_api_tokens: form.elements.revoke_api_tokens.checked,
    passkey: { ceremony, credential },
  });
  window.location.assign(config.resetDone);
  return true;
}

for (const button of document.querySelectorAll('[data-passkey-sign-in]')) {
  const error = button.parentElement.querySelector('[data-passkey-error]');
  button.addEventListener('click', async () => {
    button.disabled = true;
    error.hidden = true;
    try {
      const step = button.dataset.passkeySignIn;
      if (step === 'reset') {
        // Sent, it stays disabled while the page goes on.
        button.disabled = await reset(button.closest('form'));
      } else {
        await signIn(step);
      }
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      button.disabled = false;
    }
  });
  button.disabled = false;
}
