use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::FormError;

/// The sign-in page. The form posts straight to `/api/auth/login`, which
/// redirects back here with `?error=` on failure.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let banner = move || query.read().get("reason").and_then(|r| reason_banner(&r));
    let error = move || {
        query
            .read()
            .get("error")
            .map(|code| login_error(&code).to_owned())
    };
    view! {
        <Title text="Sign in" />
        <main class="auth-page">
            <section class="card auth-card">
                <h1>"Sign in to Latchkey"</h1>
                {banner}
                <FormError message=Signal::derive(error) />
                <form method="post" action="/api/auth/login" class="stack">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                    <button type="submit" class="button primary">
                        "Sign in"
                    </button>
                </form>
                <p class="muted">"New here? " <a href="/signup">"Create an account"</a></p>
            </section>
        </main>
    }
}

/// The banner for why the browser was sent to sign in, if the reason is known.
fn reason_banner(reason: &str) -> Option<impl IntoView + use<>> {
    let (class, text) = match reason {
        "session_expired" => (
            "banner info",
            "Your session has ended. Please sign in again.",
        ),
        "revoked" => (
            "banner warning",
            "You were signed out from another device or by your account owner.",
        ),
        "session_taken" => (
            "banner danger",
            "Your session was used from somewhere else, so we ended it. Sign in again, and if that was not you, change your password.",
        ),
        _ => return None,
    };
    Some(view! {
        <p class=class role="status">
            {text}
        </p>
    })
}

fn login_error(code: &str) -> &'static str {
    match code {
        "unauthenticated" => "That email and password don't match. Check both and try again.",
        "rate_limited" => "Too many attempts. Wait a minute, then try again.",
        "busy" => "The server is busy right now. Wait a moment, then try again.",
        "invalid_params" => "Enter your email and password.",
        _ => "Something went wrong on our side. Please try again.",
    }
}
