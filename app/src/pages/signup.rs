use api::paths::{auth, page};
use api::{ErrorCode, messages};
use leptos::prelude::*;
use leptos_meta::Title;

use super::sent_back::sent_back;
use crate::components::{FormError, NewPasswordField};

/// Creates an account with its first user as owner. The form posts straight
/// to `/api/auth/signup`, which redirects back here with `?error=` on failure.
#[component]
pub fn SignupPage() -> impl IntoView {
    let error = sent_back(|sent| signup_error(sent.code, sent.field));
    view! {
        <Title text="Create an account" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Create your team's account"</h1>
                <p class="muted">"You will be its owner and can add members later."</p>
                <FormError message=error />
                <form method="post" action=auth::SIGNUP class="stack">
                    <label for="account_name">"Team name"</label>
                    <input id="account_name" name="account_name" type="text" maxlength="100" required />
                    <label for="name">"Your name"</label>
                    <input id="name" name="name" type="text" autocomplete="name" maxlength="100" required />
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                    <NewPasswordField
                        name="password"
                        label="Password"
                        hint_id="password-hint"
                        hint=format!("At least {} characters.", api::PASSWORD_MIN_CHARS)
                    />
                    <button type="submit" class="button primary">
                        "Create account"
                    </button>
                </form>
                <p class="muted">"Already have an account? " <a href=page::LOGIN>"Sign in"</a></p>
            </section>
        </main>
    }
}

fn signup_error(code: Option<ErrorCode>, field: Option<&str>) -> String {
    match (code, field) {
        (Some(ErrorCode::Conflict), _) => messages::EMAIL_TAKEN.into(),
        (Some(ErrorCode::InvalidParams), Some("email")) => messages::ENTER_AN_EMAIL.into(),
        (Some(ErrorCode::InvalidParams), Some("password")) => format!(
            "Choose a password of {} to {} characters.",
            api::PASSWORD_MIN_CHARS,
            api::PASSWORD_MAX_CHARS
        ),
        (Some(ErrorCode::InvalidParams), Some("name" | "account_name")) => {
            "Names must be 1 to 100 characters, with no control or invisible characters.".into()
        }
        (Some(ErrorCode::InvalidParams), _) => messages::FILL_IN_EVERY_FIELD.into(),
        (Some(ErrorCode::RateLimited), _) => messages::TOO_MANY_ATTEMPTS.into(),
        (Some(ErrorCode::Busy), _) => messages::BUSY.into(),
        _ => messages::SOMETHING_WENT_WRONG.into(),
    }
}
