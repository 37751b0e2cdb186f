//! "Who is signed in" (owner): the account's active users, and signing out
//! everyone but yourself, or everyone including yourself. Signing out one
//! member is in the Members card.

use std::time::Duration;

use crate::resources::Loaded;
use api::{AccountSignedOut, ActiveUser, RevokeScope, SecurityOverview, ago};
use leptos::prelude::*;

use crate::components::{
    Card, Outcome, Question, Task, loaded, outcome_view, use_confirm, use_hydrated, use_task,
};
use crate::live::{go_to, use_live};
use crate::server_fns::revoke_account_sessions;

/// How long the count stays on screen before signing out after "everyone".
const GOODBYE: Duration = Duration::from_millis(1500);

/// Signing out everyone else, or everyone; and whether their API tokens too.
type SignOut = (RevokeScope, bool);

#[component]
pub fn ActiveUsersCard(
    account_name: String,
    overview: Loaded<Option<SecurityOverview>>,
) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let revoke = use_task(
        outcome,
        move |(scope, tokens): SignOut| async move {
            // This page's own session ends with "everyone": not a surprise
            // to report.
            live.leaving.set(scope == RevokeScope::All);
            let answer = revoke_account_sessions(scope, tokens).await;
            if answer.is_err() {
                live.leaving.set(false);
            }
            answer
        },
        move |(scope, _), ended: AccountSignedOut| {
            let words = signed_out(ended.count, ended.tokens);
            if scope == RevokeScope::All {
                set_timeout(move || go_to("/login"), GOODBYE);
                return Some(format!("{words} Signing you out…"));
            }
            overview.refetch();
            Some(words)
        },
    );
    view! {
        <Card id="users" title="Who is signed in">
            {loaded(
                overview,
                move |overview: Option<SecurityOverview>| {
                    let account = account_name.clone();
                    overview
                        .map(|overview| {
                            users_view(overview.active_users, live.server_now(), account, revoke)
                        })
                },
            )}
            {outcome_view(outcome)}
        </Card>
    }
}

/// What signing out everyone else, or everyone, asks.
fn sign_out_question(scope: RevokeScope, account: &str) -> Question {
    match scope {
        RevokeScope::Others => Question::new(
            "sign-out-others",
            "Sign out everyone except you?",
            "Sign out everyone else",
            format!(
                "Everyone else in {account} will be signed out of every device at once. \
                 You stay signed in here."
            ),
        )
        .dangerous()
        .also("Also revoke their API tokens"),
        RevokeScope::All => Question::new(
            "sign-out-all",
            "Sign out everyone, including you?",
            "Sign everyone out",
            format!(
                "Everyone in {account}, you included, will be signed out of every device at \
                 once. You will have to sign in again."
            ),
        )
        .dangerous()
        .also("Also revoke everyone's API tokens, yours too"),
    }
}

/// The count, the list, and the two buttons (the first hidden when only
/// the owner is signed in).
fn users_view(
    users: Vec<ActiveUser>,
    now: api::Timestamp,
    account: String,
    revoke: Task<SignOut, AccountSignedOut>,
) -> impl IntoView {
    let only_you = users.iter().all(|u| u.you);
    let ready = use_hydrated();
    let confirm = use_confirm();
    let account = StoredValue::new(account);
    let ask = move |scope: RevokeScope| {
        let question = account.with_value(|account| sign_out_question(scope, account));
        confirm.ask(question, move |tokens| revoke.run((scope, tokens)));
    };
    let button = move |scope: RevokeScope, class: &'static str, text: &'static str| {
        view! {
            <button
                type="button"
                class=class
                disabled=move || !ready.get()
                on:click=move |_| ask(scope)
            >
                {text}
            </button>
        }
    };
    view! {
        <p data-testid="users-count">{signed_in_copy(&users)}</p>
        <ul class="rows">
            {users.into_iter().map(|user| user_row(user, now)).collect_view()}
        </ul>
        <div class="actions">
            <Show when=move || !only_you>
                {button(RevokeScope::Others, "button", "Sign out everyone except me")}
            </Show>
            {button(RevokeScope::All, "button danger-outline", "Sign me out and everyone else")}
        </div>
    }
}

fn signed_in_copy(users: &[ActiveUser]) -> String {
    match users.len() {
        0 => "Nobody is signed in.".to_owned(),
        1 if users[0].you => "Only you are signed in.".to_owned(),
        1 => "1 user is signed in.".to_owned(),
        n => format!("{n} users are signed in."),
    }
}

/// What a sign-out ended, in words: "Signed out 2 sessions and revoked 1 API token."
pub(super) fn signed_out(sessions: u64, tokens: Option<u64>) -> String {
    let sessions = match sessions {
        1 => "Signed out 1 session".to_owned(),
        n => format!("Signed out {n} sessions"),
    };
    match tokens.unwrap_or(0) {
        0 => format!("{sessions}."),
        1 => format!("{sessions} and revoked 1 API token."),
        n => format!("{sessions} and revoked {n} API tokens."),
    }
}

/// One signed-in user.
fn user_row(user: ActiveUser, now: api::Timestamp) -> impl IntoView {
    view! {
        <li class="row">
            <div>
                <strong>{user.name}</strong>
                {user.you.then(|| view! { <span class="tag">"(you)"</span> })}
                <p class="muted">
                    {format!("{} · last active {}", user.email, ago(user.last_active_at, now))}
                </p>
            </div>
        </li>
    }
}
