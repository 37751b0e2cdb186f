// The passkey button of Latchkey's sign-in pages, which load no WASM. It
// asks the server to start a passkey sign-in, the browser for a passkey
// with the server's options (WebAuthn JSON), and posts the answer back; the
// server sets the session's cookie and names the page to go to.
// The button says which sign-in it is in `data-passkey-sign-in`: "first"
// (the passkey alone) or "second-step" (after the password, the waiting
// sign-in in this browser's cookie).
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

async function signIn(step) {
  const [start, finish] = config.paths[step] || config.paths.first;
  const { ceremony, options } = await post(start, {});
  let credential;
  try {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
    credential = await navigator.credentials.get({ publicKey });
  } catch (err) {
    throw new Error(refused(err));
  }
  // The page of a protected app that sent the browser here, if any; the
  // server checks it before going back.
  const next = new URLSearchParams(window.location.search).get('next');
  const signedIn = await post(finish, { credential: credential.toJSON(), ceremony, next });
  window.location.assign(signedIn.landing || config.home);
}

for (const button of document.querySelectorAll('[data-passkey-sign-in]')) {
  const error = button.parentElement.querySelector('[data-passkey-error]');
  button.addEventListener('click', async () => {
    button.disabled = true;
    error.hidden = true;
    try {
      await signIn(button.dataset.passkeySignIn);
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      button.disabled = false;
    }
  });
  button.disabled = false;
}
