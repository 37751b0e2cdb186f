use api::ErrorCode;
use api::messages;
use api::paths::{auth, page};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back;
use crate::components::{FormError, PasskeyButton, PasskeyStep};

/// The sign-in's second page, after a right password for a user with an
/// authenticator app. The form posts to `/api/auth/login/code`; the sign-in
/// it finishes is in a cookie set by the password step, so this page holds
/// nothing of it.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let query = use_query_map();
    let error = sent_back(|sent| code_error(sent.code).to_owned());
    let next = move || query.read().get("next");
    view! {
        <Title text="Sign in: code" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Enter your code"</h1>
                <p class="muted">
                    "Open your authenticator app and enter the six digits it shows for Latchkey, "
                    "or use your passkey. Lost your phone? Enter one of your recovery codes."
                </p>
                <FormError message=error />
                <form method="post" action=auth::LOGIN_CODE class="stack">
                    {move || next().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                    <label for="code">"Code"</label>
                    <input
                        id="code"
                        name="code"
                        type="text"
                        autocomplete="one-time-code"
                        autocapitalize="characters"
                        spellcheck="false"
                        maxlength="24"
                        required
                        autofocus
                    />
                    <button type="submit" class="button primary">
                        "Sign in"
                    </button>
                </form>
                <div class="stack">
                    <PasskeyButton step=PasskeyStep::SecondStep />
                </div>
                <p class="muted">
                    <a href=page::LOGIN>"Start again with your password"</a>
                </p>
            </section>
        </main>
    }
}

fn code_error(code: Option<ErrorCode>) -> &'static str {
    match code {
        Some(ErrorCode::InvalidParams) => messages::WRONG_CODE,
        Some(ErrorCode::RateLimited) => messages::TOO_MANY_ATTEMPTS,
        Some(ErrorCode::Busy) => messages::BUSY,
        _ => messages::SOMETHING_WENT_WRONG,
    }
}
