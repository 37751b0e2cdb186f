use api::paths::{auth, page};
use api::{ErrorCode, messages};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{FormError, NewPasswordField};

/// Choosing a new password with the link from the mail
/// (`?token=...`). The form posts to `/api/auth/reset`; where the user has
/// a second factor, it comes back with `?field=code` and the page asks for
/// a code too. Done (`?done=1`), the page says so: every session ended.
/// Come from "This wasn't me" (`?reported=1`), it says that session ended.
#[component]
pub fn LoginResetPage() -> impl IntoView {
    let query = use_query_map();
    let done = move || query.read().get("done").is_some();
    let reported = move || query.read().get("reported").is_some();
    let token = move || query.read().get("token").unwrap_or_default();
    let asks_code = move || query.read().get("field").as_deref() == Some("code");
    let error = move || {
        let query = query.read();
        query
            .get("error")
            .map(|code| reset_error(ErrorCode::parse(&code), query.get("field").as_deref()))
    };
    view! {
        <Title text="Choose a new password" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Choose a new password"</h1>
                <Show
                    when=done
                    fallback=move || {
                        view! {
                            {move || {
                                reported()
                                    .then(|| {
                                        view! {
                                            <p class="banner info" role="status">
                                                "That session has ended. Now choose a new password, so that whoever signed in cannot again."
                                            </p>
                                        }
                                    })
                            }}
                            <FormError message=Signal::derive(error) />
                            <form method="post" action=auth::RESET class="stack">
                                <input type="hidden" name="token" value=token />
                                <NewPasswordField
                                    name="new_password"
                                    label="New password"
                                    hint_id="new-password-hint"
                                    hint=format!(
                                        "At least {} characters. Every session of yours ends.",
                                        api::PASSWORD_MIN_CHARS,
                                    )
                                />
                                {move || asks_code().then(code_field)}
                                <div class="checkbox">
                                    <input
                                        id="revoke_api_tokens"
                                        name="revoke_api_tokens"
                                        type="checkbox"
                                        value="true"
                                    />
                                    <label for="revoke_api_tokens">
                                        "Also revoke every API token of mine"
                                    </label>
                                </div>
                                <button type="submit" class="button primary">
                                    "Set the new password"
                                </button>
                            </form>
                        }
                    }
                >
                    <p class="banner info" role="status">
                        "Your new password is set, and every session of yours has ended. Sign in with it."
                    </p>
                    <p>
                        <a class="button primary" href=page::LOGIN>
                            "Sign in"
                        </a>
                    </p>
                </Show>
            </section>
        </main>
    }
}

/// Asked for when the user has an authenticator app or recovery codes.
fn code_field() -> impl IntoView {
    view! {
        <label for="code">"Code from your authenticator app, or a recovery code"</label>
        <input
            id="code"
            name="code"
            type="text"
            autocomplete="one-time-code"
            autocapitalize="characters"
            spellcheck="false"
            maxlength="24"
            required
        />
    }
}

fn reset_error(code: Option<ErrorCode>, field: Option<&str>) -> String {
    match (code, field) {
        (Some(ErrorCode::InvalidParams), Some("code")) => {
            "Your account has two-step sign-in: enter a code from your authenticator app, or \
             one of your recovery codes, with your new password."
                .into()
        }
        (Some(ErrorCode::InvalidParams), _) => format!(
            "Choose a password of {} to {} characters.",
            api::PASSWORD_MIN_CHARS,
            api::PASSWORD_MAX_CHARS
        ),
        (Some(ErrorCode::RateLimited), _) => messages::TOO_MANY_ATTEMPTS.into(),
        (Some(ErrorCode::Busy), _) => messages::BUSY.into(),
        _ => messages::SOMETHING_WENT_WRONG.into(),
    }
}
