//! "Who is signed in" (owner): the account's active users, and signing out
//! everyone but yourself, or everyone including yourself. Signing out one
//! member is in the Members card.

use std::time::Duration;

use crate::resources::Loaded;
use api::{ActiveUser, RevokeScope, SecurityOverview, ago};
use leptos::prelude::*;

use super::{Outcome, loaded, outcome_view};
use crate::components::{Also, ConfirmModal, use_hydrated, use_reauth};

use crate::live::{go_to, use_live};
use crate::server_fns::revoke_account_sessions;

/// How long the count stays on screen before signing out after "everyone".
const GOODBYE: Duration = Duration::from_millis(1500);

#[component]
pub fn ActiveUsersCard(
    account_name: String,
    overview: Loaded<Option<SecurityOverview>>,
) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let reauth = use_reauth();
    let confirm_others = RwSignal::new(false);
    let confirm_all = RwSignal::new(false);
    // Whether "everyone" includes their API tokens, as the dialog asks.
    let with_tokens = RwSignal::new(false);
    let revoke = Action::new(|&(scope, tokens): &(RevokeScope, bool)| async move {
        (scope, tokens, revoke_account_sessions(scope, tokens).await)
    });

    Effect::new(move |_| {
        let Some((scope, tokens, result)) = revoke.value().get() else {
            return;
        };
        match (result, scope) {
            (Ok(ended), RevokeScope::All) => {
                outcome.set(Some(Outcome::Done(format!(
                    "{} Signing you out…",
                    signed_out(ended.count, ended.tokens)
                ))));
                set_timeout(move || go_to("/login"), GOODBYE);
            }
            (Ok(ended), RevokeScope::Others) => {
                outcome.set(Some(Outcome::Done(signed_out(ended.count, ended.tokens))));
                overview.refetch();
            }
            (Err(err), scope) => {
                live.leaving.set(false);
                let again = move || {
                    live.leaving.set(scope == RevokeScope::All);
                    revoke.dispatch((scope, tokens));
                };
                if !reauth.handles(&err, again) {
                    outcome.set(Some(Outcome::Failed(err.message)));
                }
            }
        }
    });

    let (others_body, all_body) = sign_out_bodies(account_name);
    view! {
        <section class="card" aria-labelledby="users-heading">
            <h2 id="users-heading">"Who is signed in"</h2>
            {loaded(
                overview,
                move |overview: Option<SecurityOverview>| {
                    overview
                        .map(|overview| {
                            users_view(
                                overview.active_users,
                                live.server_now(),
                                confirm_others,
                                confirm_all,
                            )
                        })
                },
            )}
            {outcome_view(outcome)}
        </section>
        <ConfirmModal
            open=confirm_others
            id="sign-out-others"
            title="Sign out everyone except you?"
            body=others_body
            confirm_label="Sign out everyone else"
            danger=true
            also=Also {
                id: "sign-out-others-tokens",
                label: "Also revoke their API tokens",
                checked: with_tokens,
            }
            on_confirm=Callback::new(move |()| {
                revoke.dispatch((RevokeScope::Others, with_tokens.get_untracked()));
            })
        />
        <ConfirmModal
            open=confirm_all
            id="sign-out-all"
            title="Sign out everyone, including you?"
            body=all_body
            confirm_label="Sign everyone out"
            danger=true
            also=Also {
                id: "sign-out-all-tokens",
                label: "Also revoke everyone's API tokens, yours too",
                checked: with_tokens,
            }
            on_confirm=Callback::new(move |()| {
                // This page's own session ends too: not a surprise to report.
                live.leaving.set(true);
                revoke.dispatch((RevokeScope::All, with_tokens.get_untracked()));
            })
        />
    }
}

/// What signing out everyone else, and everyone, will do, in words.
fn sign_out_bodies(account_name: String) -> (Signal<String>, Signal<String>) {
    let others_body = Signal::derive({
        let account = account_name.clone();
        move || {
            format!(
                "Everyone else in {account} will be signed out of every device at once. \
                 You stay signed in here."
            )
        }
    });
    let all_body = Signal::derive(move || {
        format!(
            "Everyone in {account_name}, you included, will be signed out of every device at once. \
             You will have to sign in again."
        )
    });
    (others_body, all_body)
}

/// The count, the list, and the two buttons (the first hidden when only
/// the owner is signed in).
fn users_view(
    users: Vec<ActiveUser>,
    now: api::Timestamp,
    confirm_others: RwSignal<bool>,
    confirm_all: RwSignal<bool>,
) -> impl IntoView {
    let only_you = users.iter().all(|u| u.you);
    let ready = use_hydrated();
    view! {
        <p data-testid="users-count">{signed_in_copy(&users)}</p>
        <ul class="rows">
            {users.into_iter().map(|user| user_row(user, now)).collect_view()}
        </ul>
        <div class="actions">
            <Show when=move || !only_you>
                <button
                    type="button"
                    class="button"
                    disabled=move || !ready.get()
                    on:click=move |_| confirm_others.set(true)
                >
                    "Sign out everyone except me"
                </button>
            </Show>
            <button
                type="button"
                class="button danger-outline"
                disabled=move || !ready.get()
                on:click=move |_| confirm_all.set(true)
            >
                "Sign me out and everyone else"
            </button>
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
