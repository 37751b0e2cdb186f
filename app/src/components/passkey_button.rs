//! The sign-in pages' passkey button: alone on the first page, as the
//! second step after the password, or confirming a new password chosen
//! through a link from the mail. These pages load no WASM, so the button
//! is the server's `/login/passkey.js`'s: it asks the browser for the
//! passkey, and once it checks out the page goes on (signed in, or the new
//! password set). Until the script has taken the button over, it stays
//! disabled.

use leptos::nonce::use_nonce;
use leptos::prelude::*;

/// Where the server serves the script (`server::routes::script`): under
/// `/login`, which a reverse proxy in front of a protected app sends to
/// Latchkey already.
pub const PASSKEY_SCRIPT: &str = api::paths::PASSKEY_JS;

/// What the passkey confirms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasskeyStep {
    /// Signing in with the passkey alone.
    First,
    /// The second step after the password (the waiting sign-in is in this
    /// browser's cookie).
    SecondStep,
    /// A new password by link: the button sends the form it is in, with
    /// the passkey's answer.
    Reset,
}

impl PasskeyStep {
    /// The button's words, and the step's name for the script.
    fn label_and_name(self) -> (&'static str, &'static str) {
        match self {
            PasskeyStep::First => ("Sign in with a passkey", "first"),
            PasskeyStep::SecondStep => ("Use a passkey instead", "second-step"),
            PasskeyStep::Reset => ("Set the new password with a passkey", "reset"),
        }
    }
}

#[component]
pub fn PasskeyButton(step: PasskeyStep) -> impl IntoView {
    let (label, step) = step.label_and_name();
    view! {
        <button type="button" class="button" data-passkey-sign-in=step disabled>
            {label}
        </button>
        <p class="form-error" role="alert" data-passkey-error hidden></p>
        <script type="module" src=PASSKEY_SCRIPT nonce=use_nonce()></script>
    }
}
