use api::paths::{auth, page};
use api::{ErrorCode, messages};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back;
use crate::components::FormError;

/// What the page says once an address was sent: the same for every
/// address, known or not.
pub const LINK_ON_ITS_WAY: &str = "If that address belongs to an account, a link to choose a new \
    password is on its way. It works once, for 30 minutes.";

/// Asking for a link to choose a new password. The form posts to
/// `/api/auth/forgot`, which comes back here with `?sent=1` whatever the
/// address, or `?error=`.
#[component]
pub fn LoginForgotPage() -> impl IntoView {
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    let error = sent_back(|sent| forgot_error(sent.code, sent.field));
    view! {
        <Title text="Forgot your password" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Forgot your password?"</h1>
                {move || {
                    sent()
                        .then(|| {
                            view! {
                                <p class="banner info" role="status">
                                    {LINK_ON_ITS_WAY}
                                </p>
                            }
                        })
                }}
                <FormError message=error />
                <p class="muted">
                    "Enter the address you sign in with; we send a link to choose a new password."
                </p>
                <form method="post" action=auth::FORGOT class="stack">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                    <button type="submit" class="button primary">
                        "Send the link"
                    </button>
                </form>
                <p class="muted">
                    <a href=page::LOGIN>"Back to sign in"</a>
                </p>
            </section>
        </main>
    }
}

fn forgot_error(code: Option<ErrorCode>, field: Option<&str>) -> String {
    match (code, field) {
        (Some(ErrorCode::InvalidParams), Some("token")) => {
            "That link has ended: it was used, a newer one was sent, or 30 minutes went by. \
             Ask for a new one."
                .into()
        }
        (Some(ErrorCode::InvalidParams), _) => messages::ENTER_AN_EMAIL.into(),
        (Some(ErrorCode::RateLimited), _) => messages::TOO_MANY_ATTEMPTS.into(),
        (Some(ErrorCode::Busy), _) => messages::BUSY.into(),
        _ => messages::SOMETHING_WENT_WRONG.into(),
    }
}
