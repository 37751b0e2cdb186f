//! Entering the password again before a sensitive action (creating an API
//! token, adding a member, changing the policy, signing out the account).
//! An action that answers `reauth_required` hands [`Reauth::handles`] a way
//! to run it again; the dialog asks for the password and, once the server
//! has confirmed it, runs the action again, so nothing typed is lost.

use api::{ApiError, ErrorCode};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::fields::Field;
use super::modal::Modal;
use crate::server_fns::confirm_password;

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
/// field and stays inside; Escape cancels.
#[component]
pub fn ReauthDialog() -> impl IntoView {
    let reauth = use_reauth();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let confirm = Action::new(|password: &String| confirm_password(password.clone()));

    let close = Callback::new(move |()| {
        reauth.open.set(false);
        password.set(String::new());
        error.set(None);
    });
    Effect::new(move |_| match confirm.value().get() {
        Some(Ok(_)) => {
            close.run(());
            if let Some(retry) = reauth.retry.get_value() {
                reauth.retry.set_value(None);
                retry.run(());
            }
        }
        Some(Err(err)) => {
            password.set(String::new());
            error.set(Some(err.message));
        }
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch(password.get_untracked());
    };
    view! {
        <Modal open=reauth.open id="reauth" title="Confirm it's you" on_close=close>
            <p>
                "This changes who can get in, so enter your password again. "
                "We will not ask again for a while."
            </p>
            <form on:submit=on_submit>
                <Field input_id="reauth-password" label="Your password">
                    <input
                        id="reauth-password"
                        type="password"
                        autocomplete="current-password"
                        required
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </Field>
                {move || {
                    error
                        .get()
                        .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
                }}
                <div class="modal-actions">
                    <button type="button" class="button" on:click=move |_| close.run(())>
                        "Cancel"
                    </button>
                    <button
                        type="submit"
                        class="button primary-inline"
                        disabled=move || password.get().is_empty() || confirm.pending().get()
                    >
                        "Confirm"
                    </button>
                </div>
            </form>
        </Modal>
    }
}
