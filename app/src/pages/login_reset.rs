use api::paths::{auth, page};
use api::{ApiError, ErrorCode, ResetLinkShown, messages};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back_in;
use crate::components::{FormError, NewPasswordField, PasskeyButton, PasskeyStep};
use crate::resources::load_once;
use crate::server_fns::load_reset_link;

/// What a link that does not work answers, whatever the reason: used,
/// replaced by a newer one, run out, or never made.
pub const RESET_LINK_ENDED: &str = "This link has ended";

/// Choosing a new password with the link from the mail
/// (`?token=...`). The form posts to `/api/auth/reset`; where the user has
/// a second factor, the page asks for it with the password: a code, a
/// passkey (its button sends the form with the passkey's answer), or
/// either. Refused, the post comes back here with `?error=`. Done
/// (`?done=1`), the page says so: every session ended. Come from "This
/// wasn't me" (`?reported=1`), it says that session ended. A link that
/// does not work shows only that it has ended.
#[component]
pub fn LoginResetPage() -> impl IntoView {
    let query = use_query_map();
    let query = query.read_untracked();
    let done = query.get("done").is_some();
    let token = query.get("token").unwrap_or_default();
    let shown = Shown {
        reported: query.get("reported").is_some(),
        error: sent_back_in(&query, |sent| reset_error(sent.code, sent.field)),
    };
    view! {
        <Title text="Choose a new password" />
        <main class="auth-page">
            <section class="card auth-card">
                {if done { set().into_any() } else { asking(token, shown).into_any() }}
            </section>
        </main>
    }
}

/// What the page says above the form.
#[derive(Clone)]
struct Shown {
    /// Come from "This wasn't me": that session has ended.
    reported: bool,
    /// Why the last post was refused.
    error: Option<String>,
}

/// Reads what the link asks for, then shows its form (or that it ended).
fn asking(token: String, shown: Shown) -> impl IntoView {
    let link = load_once(load_reset_link(token.clone()));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let (token, shown) = (token.clone(), shown.clone());
                Suspend::new(async move {
                    match link.await {
                        Ok(asks) => reset_form(asks, token, shown).into_any(),
                        Err(err) => not_asking(&err).into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The form: the new password, the second factor the user has, and
/// whether to revoke their API tokens too.
fn reset_form(asks: ResetLinkShown, token: String, shown: Shown) -> impl IntoView {
    let Shown { reported, error } = shown;
    let explained = match (asks.asks_passkey, asks.asks_code) {
        (true, true) => Some(
            "Your account has two-step sign-in: confirm with your passkey, or enter a code from \
             your authenticator app or one of your recovery codes.",
        ),
        (true, false) => Some("Your account has two-step sign-in: confirm with your passkey."),
        _ => None,
    };
    view! {
        <h1>"Choose a new password"</h1>
        {reported
            .then(|| {
                view! {
                    <p class="banner info" role="status">
                        "That session has ended. Now choose a new password, so that whoever signed in cannot again."
                    </p>
                }
            })}
        <FormError message=Signal::derive(move || error.clone()) />
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
            {explained.map(|text| view! { <p class="hint">{text}</p> })}
            {asks.asks_code.then(|| code_field(!asks.asks_passkey))}
            <div class="checkbox">
                <input
                    id="revoke_api_tokens"
                    name="revoke_api_tokens"
                    type="checkbox"
                    value="true"
                />
                <label for="revoke_api_tokens">"Also revoke every API token of mine"</label>
            </div>
            {asks.asks_passkey.then(|| view! { <PasskeyButton step=PasskeyStep::Reset /> })}
            {(asks.asks_code || !asks.asks_passkey)
                .then(|| {
                    view! {
                        <button type="submit" class="button primary">
                            "Set the new password"
                        </button>
                    }
                })}
        </form>
    }
}

/// A code from the authenticator app or a recovery code: needed unless a
/// passkey can confirm instead.
fn code_field(required: bool) -> impl IntoView {
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
            required=required
        />
    }
}

/// The page when the link cannot be read: it has ended, or the server
/// could not tell.
fn not_asking(err: &ApiError) -> impl IntoView {
    if err.field.as_deref() != Some("token") {
        let message = reset_error(Some(err.code), None);
        return view! {
            <h1>"Choose a new password"</h1>
            <FormError message=Signal::derive(move || Some(message.clone())) />
        }
        .into_any();
    }
    view! {
        <h1>{RESET_LINK_ENDED}</h1>
        <p class="banner info" role="status" data-testid="reset-link-ended">
            "It was used already, a newer one was sent, you signed in or changed your password \
             since, or 30 minutes went by."
        </p>
        <p>
            <a class="button primary" href=page::LOGIN_FORGOT>
                "Ask for a new link"
            </a>
        </p>
    }
    .into_any()
}

/// The new password is set.
fn set() -> impl IntoView {
    view! {
        <h1>"Choose a new password"</h1>
        <p class="banner info" role="status">
            "Your new password is set, and every session of yours has ended. Sign in with it."
        </p>
        <p>
            <a class="button primary" href=page::LOGIN>
                "Sign in"
            </a>
        </p>
    }
}

fn reset_error(code: Option<ErrorCode>, field: Option<&str>) -> String {
    match (code, field) {
        (Some(ErrorCode::InvalidParams), Some("code")) => {
            "Your account has two-step sign-in: enter a code from your authenticator app, or \
             one of your recovery codes, with your new password."
                .into()
        }
        (Some(ErrorCode::InvalidParams), Some("passkey")) => {
            "Your account has two-step sign-in: confirm the new password with your passkey.".into()
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
