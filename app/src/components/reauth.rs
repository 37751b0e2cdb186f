//! Entering the password again before a sensitive action (creating an API
//! token, adding a member, changing the policy, signing out the account).
//! An action that answers `reauth_required` hands [`Reauth::handles`] a way
//! to run it again; the dialog asks for the password and, once the server
//! has confirmed it, runs the action again, so nothing typed is lost.

use api::{ApiError, ErrorCode};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;

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
    let input_ref = NodeRef::<html::Input>::new();
    let confirm_ref = NodeRef::<html::Button>::new();
    let confirm = Action::new(|password: &String| confirm_password(password.clone()));

    let close = move || {
        reauth.open.set(false);
        password.set(String::new());
        error.set(None);
    };
    focus_when_opened(reauth.open, input_ref);
    Effect::new(move |_| match confirm.value().get() {
        Some(Ok(_)) => {
            close();
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
    let on_keydown = move |ev: KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close();
        }
        "Tab" => {
            if let (Some(first), Some(last)) =
                (input_ref.get_untracked(), confirm_ref.get_untracked())
            {
                keep_focus_inside(&ev, &first.into(), &last.into());
            }
        }
        _ => {}
    };
    view! {
        <Show when=move || reauth.open.get()>
            <div class="modal-backdrop" on:click=move |_| close()></div>
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="reauth-title"
                data-testid="reauth"
                on:keydown=on_keydown
            >
                <h2 id="reauth-title">"Confirm it's you"</h2>
                <p>
                    "This changes who can get in, so enter your password again. "
                    "We will not ask again for a while."
                </p>
                <form on:submit=on_submit>
                    <div class="field">
                        <label for="reauth-password">"Your password"</label>
                        <input
                            id="reauth-password"
                            type="password"
                            autocomplete="current-password"
                            required
                            node_ref=input_ref
                            prop:value=move || password.get()
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                    </div>
                    {move || {
                        error
                            .get()
                            .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
                    }}
                    <div class="modal-actions">
                        <button type="button" class="button" on:click=move |_| close()>
                            "Cancel"
                        </button>
                        <button
                            type="submit"
                            class="button primary-inline"
                            node_ref=confirm_ref
                            disabled=move || password.get().is_empty() || confirm.pending().get()
                        >
                            "Confirm"
                        </button>
                    </div>
                </form>
            </div>
        </Show>
    }
}

/// Tab from the last control goes to the first, Shift+Tab from the first to
/// the last: focus never leaves the dialog.
fn keep_focus_inside(
    ev: &KeyboardEvent,
    first: &web_sys::HtmlElement,
    last: &web_sys::HtmlElement,
) {
    let active = document().active_element();
    let (from, to) = if ev.shift_key() {
        (first, last)
    } else {
        (last, first)
    };
    let from: &web_sys::Element = from;
    if active.as_ref() == Some(from) {
        ev.prevent_default();
        let _ = to.focus();
    }
}

/// Puts focus in the password field each time the dialog opens.
fn focus_when_opened(open: RwSignal<bool>, input: NodeRef<html::Input>) {
    Effect::new(move |_| {
        if open.get() {
            request_animation_frame(move || {
                if let Some(input) = input.get_untracked() {
                    let _ = input.focus();
                }
            });
        }
    });
}
