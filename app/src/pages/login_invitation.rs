use api::paths::{auth, page};
use api::{ErrorCode, InvitationShown, messages};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sent_back::sent_back;
use crate::components::{FormError, NewPasswordField};
use crate::resources::load_once;
use crate::server_fns::load_invitation;

/// What a link that does not work answers, whatever the reason: used,
/// revoked, replaced by a newer one, run out, or never made.
pub const INVITATION_ENDED: &str = "This invitation link has expired or was already used";

/// Joining a team with the link of an invitation from the mail
/// (`?token=...`): the person chooses their name and password, and the
/// form posts to `/api/auth/invitation`, which signs them in (or sends
/// them on to set up the second factor their team requires), or comes
/// back here with `?error=`. A link that does not work shows only that it
/// has ended.
#[component]
pub fn LoginInvitationPage() -> impl IntoView {
    let query = use_query_map();
    let token = query.read_untracked().get("token").unwrap_or_default();
    let shown = load_once(load_invitation(token.clone()));
    let error = sent_back(|sent| join_error(sent.code, sent.field));
    view! {
        <Title text="Join your team" />
        <main class="auth-page">
            <section class="card auth-card">
                <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || {
                        let token = token.clone();
                        Suspend::new(async move {
                            match shown.await {
                                Ok(shown) => join_form(shown, token, error).into_any(),
                                Err(_) => ended().into_any(),
                            }
                        })
                    }}
                </Suspense>
            </section>
        </main>
    }
}

/// The form: a name and a password of their own, for the invited address.
fn join_form(
    shown: InvitationShown,
    token: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <h1>"Join " {shown.account_name.clone()}</h1>
        <p class="muted">
            "You were invited as " <strong data-testid="invited-email">{shown.email}</strong>
            ". Choose your name and a password to sign in with."
        </p>
        <FormError message=error />
        <form method="post" action=auth::INVITATION class="stack">
            <input type="hidden" name="token" value=token />
            <label for="name">"Your name"</label>
            <input id="name" name="name" type="text" autocomplete="name" maxlength="100" required />
            <NewPasswordField
                name="password"
                label="Password"
                hint_id="password-hint"
                hint=format!("At least {} characters.", api::PASSWORD_MIN_CHARS)
            />
            <button type="submit" class="button primary">
                "Join the team"
            </button>
        </form>
    }
}

/// The page of a link that does not work.
fn ended() -> impl IntoView {
    view! {
        <h1>{INVITATION_ENDED}</h1>
        <p class="banner info" role="status">
            "Ask an owner of your team to invite you again. If you have joined already, sign in."
        </p>
        <p>
            <a class="button primary" href=page::LOGIN>
                "Sign in"
            </a>
        </p>
    }
}

fn join_error(code: Option<ErrorCode>, field: Option<&str>) -> String {
    match (code, field) {
        (Some(ErrorCode::InvalidParams), Some("password")) => format!(
            "Choose a password of {} to {} characters.",
            api::PASSWORD_MIN_CHARS,
            api::PASSWORD_MAX_CHARS
        ),
        (Some(ErrorCode::InvalidParams), Some("name")) => {
            "Names must be 1 to 100 characters, with no control or invisible characters.".into()
        }
        (Some(ErrorCode::InvalidParams), _) => messages::FILL_IN_EVERY_FIELD.into(),
        (Some(ErrorCode::RateLimited), _) => messages::TOO_MANY_ATTEMPTS.into(),
        (Some(ErrorCode::Busy), _) => messages::BUSY.into(),
        _ => messages::SOMETHING_WENT_WRONG.into(),
    }
}
