//! Setting up an authenticator app: its QR code and key, and the code
//! from it that turns it on.

use api::in_fours;
use leptos::prelude::*;

use crate::components::{BoundInput, Field, Outcome, use_task};
use crate::server_fns::{TotpSetupShown, confirm_totp_setup};

/// The QR code and key of the app being set up, and the code that
/// confirms it.
#[component]
pub fn SetupForm(
    shown: TotpSetupShown,
    setup: RwSignal<Option<TotpSetupShown>>,
    confirmed: impl Fn(Vec<String>) + Copy + Send + Sync + 'static,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let confirm = use_task(outcome, confirm_totp_setup, move |_, codes| {
        confirmed(codes.codes);
        None
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // A code counts once: a wrong one is typed again, not corrected.
        confirm.run(code.get_untracked());
        code.set(String::new());
    };
    let key = in_fours(&shown.secret, " ");
    view! {
        <div class="totp-setup">
            <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=shown.qr_svg />
            <div class="stack">
                <p>
                    "Scan this code with your authenticator app, or type in this key:"
                </p>
                <code data-testid="totp-secret">{key}</code>
                <form class="inline-form" on:submit=on_submit>
                    <Field input_id="totp-code" label="Code from the app">
                        <BoundInput
                            id="totp-code"
                            value=code
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength=7
                        />
                    </Field>
                    <button
                        type="submit"
                        class="button primary-inline"
                        disabled=move || code.get().trim().is_empty() || confirm.pending().get()
                    >
                        "Turn on"
                    </button>
                    <button type="button" class="button" on:click=move |_| setup.set(None)>
                        "Cancel"
                    </button>
                </form>
            </div>
        </div>
    }
}
