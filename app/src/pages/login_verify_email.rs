use api::paths::{auth, page};
use api::{ErrorCode, messages};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::FormError;
use crate::resources::load_once;
use crate::server_fns::load_email_verification;

/// What a link that does not work answers, whatever the reason: used,
/// replaced by a newer one, run out, or never made.
pub const VERIFY_LINK_ENDED: &str = "This link has ended";

/// Verifying an address with the link from the mail (`?token=...`).
/// Opening the link changes nothing (mail scanners open links): the page
/// shows the address, and its button posts to `/api/auth/verify-email`,
/// which comes back here with `?verified=1`, or with `?error=`.
#[component]
pub fn LoginVerifyEmailPage() -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let verified = query.read_untracked().get("verified").is_some();
    let error = query.read_untracked().get("error");
    let shown = load_once(load_email_verification(token.clone()));
    view! {
        <Title text="Confirm your address" />
        <main class="auth-page">
            <section class="card auth-card">
                {if verified {
                    done().into_any()
                } else if let Some(code) = error {
                    failed(ErrorCode::parse(&code)).into_any()
                } else {
                    view! {
                        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                            {move || {
                                let token = token.clone();
                                Suspend::new(async move {
                                    match shown.await {
                                        Ok(shown) => confirm_form(shown.email, token).into_any(),
                                        Err(_) => ended().into_any(),
                                    }
                                })
                            }}
                        </Suspense>
                    }
                        .into_any()
                }}
            </section>
        </main>
    }
}

/// The address, and the one button that verifies it.
fn confirm_form(email: String, token: String) -> impl IntoView {
    view! {
        <h1>"Confirm your address"</h1>
        <p>
            "Confirm that " <strong data-testid="verify-email-address">{email}</strong>
            " is yours. Once it is, Latchkey sends mail about your account there."
        </p>
        <form method="post" action=auth::VERIFY_EMAIL class="stack">
            <input type="hidden" name="token" value=token />
            <button type="submit" class="button primary" data-testid="verify-email">
                "Confirm this address"
            </button>
        </form>
    }
}

/// After the button: the address is verified (and, for a change, yours).
fn done() -> impl IntoView {
    view! {
        <h1>"Your address is verified"</h1>
        <p class="success" role="status" data-testid="email-verified">
            "Thank you: mail about your account goes to it from now on."
        </p>
        <p>
            <a class="button primary" href=page::SECURITY rel="external">
                "Go to your security page"
            </a>
        </p>
    }
}

/// The page of a link that does not work.
fn ended() -> impl IntoView {
    view! {
        <h1>{VERIFY_LINK_ENDED}</h1>
        <p class="banner info" role="status" data-testid="verify-link-ended">
            "It was used already, a newer one was sent, or 24 hours went by. Sign in and have \
             a new one sent from your security page."
        </p>
        <p>
            <a class="button primary" href=page::SECURITY rel="external">
                "Go to your security page"
            </a>
        </p>
    }
}

/// The button's post was refused.
fn failed(code: Option<ErrorCode>) -> impl IntoView {
    let message = match code {
        Some(ErrorCode::InvalidParams) => None,
        Some(ErrorCode::EmailTaken) => Some(
            "Another account took that address meanwhile, so yours did not change. The link \
             is used up.",
        ),
        Some(ErrorCode::RateLimited) => Some(messages::TOO_MANY_ATTEMPTS),
        _ => Some(messages::SOMETHING_WENT_WRONG),
    };
    match message {
        None => ended().into_any(),
        Some(message) => view! {
            <h1>"Confirm your address"</h1>
            <FormError message=Signal::derive(move || Some(message.to_owned())) />
            <p>
                <a class="button primary" href=page::SECURITY rel="external">
                    "Go to your security page"
                </a>
            </p>
        }
        .into_any(),
    }
}
