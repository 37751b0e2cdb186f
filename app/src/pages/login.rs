use api::ErrorCode;
use api::messages::{self, SignInReason};
use api::paths::{auth, page};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back;
use crate::components::{FormError, PasskeyButton, PasskeyStep, PasswordInput, PasswordKind};

/// The sign-in page. The form posts straight to `/api/auth/login`, which
/// redirects back here with `?error=` on failure.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let banner = move || {
        query
            .read()
            .get("reason")
            .and_then(|r| SignInReason::parse(&r))
            .map(reason_banner)
    };
    let error = sent_back(|sent| login_error(sent.code).to_owned());
    // The page of a protected app that sent the browser here; the server
    // checks it before going back.
    let next = move || query.read().get("next");
    view! {
        <Title text="Sign in" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Sign in to Latchkey"</h1>
                {banner}
                <FormError message=error />
                <form method="post" action=auth::LOGIN class="stack">
                    {move || next().map(|next| view! { <input type="hidden" name="next" value=next /> })}
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                    <label for="password">"Password"</label>
                    <PasswordInput id="password" name="password" kind=PasswordKind::Current />
                    <button type="submit" class="button primary">
                        "Sign in"
                    </button>
                </form>
                <p class="muted">
                    <a href=page::LOGIN_FORGOT>"Forgot your password?"</a>
                </p>
                <div class="stack">
                    <PasskeyButton step=PasskeyStep::First />
                </div>
                <p class="muted">"New here? " <a href=page::SIGNUP>"Create an account"</a></p>
            </section>
        </main>
    }
}

/// The banner for why the browser was sent to sign in.
fn reason_banner(reason: SignInReason) -> impl IntoView {
    let class = match reason {
        SignInReason::SessionExpired | SignInReason::SecondFactorRequired => "banner info",
        SignInReason::Revoked => "banner warning",
        SignInReason::SessionTaken => "banner danger",
    };
    view! {
        <p class=class role="status">
            {reason.message()}
        </p>
    }
}

fn login_error(code: Option<ErrorCode>) -> &'static str {
    match code {
        Some(ErrorCode::Unauthenticated) => messages::WRONG_EMAIL_OR_PASSWORD,
        Some(ErrorCode::RateLimited) => messages::TOO_MANY_ATTEMPTS,
        Some(ErrorCode::Busy) => messages::BUSY,
        Some(ErrorCode::InvalidParams) => "Enter your email and password.",
        Some(ErrorCode::SignInExpired) => messages::SIGN_IN_EXPIRED,
        _ => messages::SOMETHING_WENT_WRONG,
    }
}
