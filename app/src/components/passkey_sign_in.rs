//! The sign-in pages' passkey button: alone on the first page, or as the
//! second step after the password. The browser asks for the passkey; once
//! it checks out, the session's cookie is set and the page goes on.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::use_hydrated;

#[component]
pub fn PasskeySignIn(
    /// After the password (the waiting sign-in is in this browser's
    /// cookie), or alone.
    second_step: bool,
) -> impl IntoView {
    let query = use_query_map();
    let ready = use_hydrated();
    let error = RwSignal::new(None::<String>);
    // The browser asks for the passkey: not a `Send` future.
    let sign_in = Action::new_local(move |next: &Option<String>| {
        crate::passkeys::sign_in(second_step, next.clone())
    });
    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(landing)) => {
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&landing);
            }
        }
        Some(Err(err)) => error.set(Some(err.message)),
        None => {}
    });
    let label = if second_step {
        "Use a passkey instead"
    } else {
        "Sign in with a passkey"
    };
    view! {
        <button
            type="button"
            class="button"
            disabled=move || !ready.get() || sign_in.pending().get()
            on:click=move |_| {
                error.set(None);
                sign_in.dispatch(query.read_untracked().get("next"));
            }
        >
            {label}
        </button>
        {move || {
            error
                .get()
                .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
        }}
    }
}
