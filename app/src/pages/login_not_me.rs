use api::paths::{auth, page};
use api::{ErrorCode, messages};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back;
use crate::components::FormError;

/// "This wasn't me", from the mail about a sign-in from a new device
/// (`?token=...`). Opening the link changes nothing: the button posts to
/// `/api/auth/not-me`, which ends that session and goes on to choosing a
/// new password, or comes back here with `?error=` when the link has ended.
#[component]
pub fn LoginNotMePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let has_token = move || query.read().get("token").is_some();
    let error = sent_back(|sent| not_me_error(sent.code, sent.field));
    view! {
        <Title text="This wasn't me" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Someone else signed in?"</h1>
                <FormError message=error />
                <Show
                    when=has_token
                    fallback=|| {
                        view! {
                            <p>
                                <a class="button primary" href=page::LOGIN_FORGOT>
                                    "Choose a new password"
                                </a>
                            </p>
                        }
                    }
                >
                    <p>
                        "End the session the mail was about, at once, on every device and page \
                         it has open. Then choose a new password, so that whoever signed in \
                         cannot again."
                    </p>
                    <form method="post" action=auth::NOT_ME class="stack">
                        <input type="hidden" name="token" value=token />
                        <button type="submit" class="button danger" data-testid="not-me">
                            "End that session"
                        </button>
                    </form>
                </Show>
                <p class="muted">
                    <a href=page::LOGIN>"Back to sign in"</a>
                </p>
            </section>
        </main>
    }
}

fn not_me_error(code: Option<ErrorCode>, field: Option<&str>) -> String {
    match (code, field) {
        (Some(ErrorCode::InvalidParams), _) => {
            "That link has ended: it was used already, or a week went by. If someone else \
             signed in, choose a new password: that ends every session."
                .into()
        }
        (Some(ErrorCode::RateLimited), _) => messages::TOO_MANY_ATTEMPTS.into(),
        _ => messages::SOMETHING_WENT_WRONG.into(),
    }
}
