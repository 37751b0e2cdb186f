//! Entering the password again before a sensitive action (creating an API
//! token, adding a member, changing the policy, signing out the account).
//! An action that answers `reauth_required` hands [`Reauth::handles`] a way
//! to run it again; the dialog asks for the password and, once the server
//! has confirmed it, runs the action again, so nothing typed is lost.

use api::{ApiError, ErrorCode};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::fields::{CurrentPassword, Field, SecondFactorInput};
use super::modal::{DialogButtons, Modal};
use crate::server_fns::{
    confirm_password, confirm_with_code, confirm_with_passkey, start_passkey_confirmation,
};

/// The page's one password dialog, shared through context.
#[derive(Clone, Copy)]
pub struct Reauth {
    open: RwSignal<bool>,
    retry: StoredValue<Option<Callback<()>>>,
}

impl Reauth {
    /// When `err` asks for the password, opens the dialog to run `retry`
    /// after it and returns true; otherwise false, for the caller to show
    /// the error.
    pub fn handles(self, err: &ApiError, retry: impl Fn() + Send + Sync + 'static) -> bool {
        if err.code != ErrorCode::ReauthRequired {
            return false;
        }
        self.retry.set_value(Some(Callback::new(move |()| retry())));
        self.open.set(true);
        true
    }
}

pub fn provide_reauth() -> Reauth {
    let reauth = Reauth {
        open: RwSignal::new(false),
        retry: StoredValue::new(None),
    };
    provide_context(reauth);
    reauth
}

pub fn use_reauth() -> Reauth {
    expect_context::<Reauth>()
}

/// The dialog: a password field, Cancel and Confirm. Focus starts in the
/// field and stays inside; Escape cancels. A user with an authenticator
/// app may enter a code from it instead.
#[component]
pub fn ReauthDialog(
    /// Whether the user has an authenticator app (then they may use it).
    has_app: Signal<bool>,
    /// Whether the user has a passkey (then they may use it).
    has_passkey: Signal<bool>,
) -> impl IntoView {
    let reauth = use_reauth();
    // The password, or the code when the user chose one.
    let entered = RwSignal::new(String::new());
    let with_code = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let confirm = Action::new(|(secret, is_code): &(String, bool)| {
        let secret = secret.clone();
        let is_code = *is_code;
        async move {
            if is_code {
                confirm_with_code(secret).await
            } else {
                confirm_password(secret).await
            }
        }
    });

    let close = Callback::new(move |()| {
        reauth.open.set(false);
        entered.set(String::new());
        with_code.set(false);
        error.set(None);
    });
    let confirmed = move |result: Option<Result<api::PasswordConfirmed, ApiError>>| match result {
        Some(Ok(_)) => {
            close.run(());
            if let Some(retry) = reauth.retry.get_value() {
                reauth.retry.set_value(None);
                retry.run(());
            }
        }
        Some(Err(err)) => {
            entered.set(String::new());
            error.set(Some(err.message));
        }
        None => {}
    };
    Effect::new(move |_| confirmed(confirm.value().get()));
    let by_passkey = Callback::new(move |result| confirmed(Some(result)));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch((entered.get_untracked(), with_code.get_untracked()));
    };
    let switch = move |_| {
        with_code.update(|on| *on = !*on);
        entered.set(String::new());
        error.set(None);
    };
    view! {
        <Modal open=reauth.open id="reauth" title="Confirm it's you" on_close=close>
            <p>
                "This changes who can get in, so enter your password again. "
                "We will not ask again for a while."
            </p>
            <form on:submit=on_submit>
                {secret_field(with_code, entered)}
                <Show when=move || has_app.get()>
                    <button type="button" class="link-button" on:click=switch>
                        {move || {
                            if with_code.get() {
                                "Use your password instead"
                            } else {
                                "Use a code from your authenticator app instead"
                            }
                        }}
                    </button>
                </Show>
                <Show when=move || has_passkey.get()>
                    <PasskeyInstead error confirmed=by_passkey />
                </Show>
                {move || {
                    error
                        .get()
                        .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
                }}
                <DialogButtons on_cancel=close>
                    <button
                        type="submit"
                        class="button primary-inline"
                        disabled=move || entered.get().is_empty() || confirm.pending().get()
                    >
                        "Confirm"
                    </button>
                </DialogButtons>
            </form>
        </Modal>
    }
}

/// Confirming with a passkey instead: the browser asks for it, and the
/// server checks its answer; `confirmed` gets the result.
#[component]
fn PasskeyInstead(
    error: RwSignal<Option<String>>,
    confirmed: Callback<Result<api::PasswordConfirmed, ApiError>>,
) -> impl IntoView {
    // The browser asks for the passkey: not a `Send` future.
    let with_passkey = Action::new_local(|()| async {
        let ceremony = start_passkey_confirmation().await?;
        let answer = crate::passkeys::get(ceremony).await?;
        confirm_with_passkey(answer).await
    });
    Effect::new(move |_| {
        if let Some(result) = with_passkey.value().get() {
            confirmed.run(result);
        }
    });
    view! {
        <button
            type="button"
            class="link-button"
            disabled=move || with_passkey.pending().get()
            on:click=move |_| {
                error.set(None);
                with_passkey.dispatch(());
            }
        >
            "Use a passkey instead"
        </button>
    }
}

/// The password field, or the code field when the user chose a code.
fn secret_field(with_code: RwSignal<bool>, entered: RwSignal<String>) -> impl IntoView {
    view! {
        <Show
            when=move || with_code.get()
            fallback=move || {
                view! {
                    <Field input_id="reauth-password" label="Your password">
                        <CurrentPassword id="reauth-password" value=entered />
                    </Field>
                }
            }
        >
            <Field input_id="reauth-code" label="A code from your app, or a recovery code">
                <SecondFactorInput id="reauth-code" value=entered />
            </Field>
        </Show>
    }
}
