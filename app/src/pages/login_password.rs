use api::paths::{auth, page};
use api::{ErrorCode, messages};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back;
use crate::components::{FormError, NewPasswordField};

/// The sign-in's page after a right password that the server's operator
/// set: no session opens until the user chooses a password of their own.
/// The form posts to `/api/auth/login/password`; the sign-in it finishes is
/// in a cookie set by the password step, so this page holds nothing of it.
#[component]
pub fn LoginPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let error = sent_back(|sent| new_password_error(sent.code));
    let next = move || query.read().get("next");
    view! {
        <Title text="Sign in: choose a new password" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Choose a new password"</h1>
                <p class="muted">
                    "The server's operator reset your password; choose a new one. The password "
                    "they gave you stops working once you have, and nobody else knows yours."
                </p>
                <FormError message=error />
                <form method="post" action=auth::LOGIN_PASSWORD class="stack">
                    {move || next().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                    <NewPasswordField
                        name="new_password"
                        label="New password"
                        hint_id="new-password-hint"
                        hint=format!(
                            "At least {} characters, and not the one the operator gave you.",
                            api::PASSWORD_MIN_CHARS,
                        )
                    />
                    <button type="submit" class="button primary">
                        "Save and sign in"
                    </button>
                </form>
                <p class="muted">
                    <a href=page::LOGIN>"Start again with your password"</a>
                </p>
            </section>
        </main>
    }
}

fn new_password_error(code: Option<ErrorCode>) -> String {
    match code {
        Some(ErrorCode::InvalidParams) => format!(
            "Choose a password of {} to {} characters, other than the one the operator gave you.",
            api::PASSWORD_MIN_CHARS,
            api::PASSWORD_MAX_CHARS
        ),
        Some(ErrorCode::RateLimited) => messages::TOO_MANY_ATTEMPTS.into(),
        Some(ErrorCode::Busy) => messages::BUSY.into(),
        _ => messages::SOMETHING_WENT_WRONG.into(),
    }
}
