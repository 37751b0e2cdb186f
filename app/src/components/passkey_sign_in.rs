//! The sign-in pages' passkey button: alone on the first page, or as the
//! second step after the password. These pages load no WASM, so the button
//! is the server's `/login/passkey.js`'s: it asks the browser for the
//! passkey, and once it checks out the session's cookie is set and the page
//! goes on. Until the script has taken the button over, it stays disabled.

use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// Where the server serves the script (`server::routes::script`): under
/// `/login`, which a reverse proxy in front of a protected app sends to
/// Latchkey already.
pub const PASSKEY_SCRIPT: &str = api::paths::PASSKEY_JS;

#[component]
pub fn PasskeySignIn(
    /// After the password (the waiting sign-in is in this browser's
    /// cookie), or alone.
    second_step: bool,
) -> impl IntoView {
    let (label, step) = if second_step {
        ("Use a passkey instead", "second-step")
    } else {
        ("Sign in with a passkey", "first")
    };
    view! {
        <button type="button" class="button" data-passkey-sign-in=step disabled>
            {label}
        </button>
        <p class="form-error" role="alert" data-passkey-error hidden></p>
        <script type="module" src=PASSKEY_SCRIPT nonce=use_nonce()></script>
    }
}
