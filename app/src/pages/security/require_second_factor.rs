//! "Two-step sign-in for everyone": the owner requires a second factor of
//! the whole account, or no longer. Members without one are signed out and
//! set one up when they sign in again; the owner needs one first.

use crate::resources::Loaded;
use api::{PolicyView, SecondFactorPolicySet, SecondFactorStatus};
use leptos::prelude::*;

use crate::components::{Card, Outcome, Task, outcome_view, use_hydrated, use_task};
use crate::server_fns::set_second_factor_required;

#[component]
pub fn RequireSecondFactorCard(
    policy: Loaded<PolicyView>,
    status: Loaded<SecondFactorStatus>,
) -> impl IntoView {
    let outcome = RwSignal::new(None::<Outcome>);
    let change = use_task(outcome, set_second_factor_required, move |_, set| {
        policy.refetch();
        Some(changed_words(set))
    });
    view! {
        <Card id="require-second-factor" title="Two-step sign-in for everyone">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let required = policy.await.map(|view| view.second_factor_required);
                    let owner_has_one = status.await.map(|status| status.totp_since.is_some());
                    match (required, owner_has_one) {
                        (Ok(required), Ok(owner_has_one)) => {
                            requirement_view(required, owner_has_one, change).into_any()
                        }
                        (Err(err), _) | (_, Err(err)) => {
                            view! { <p class="form-error">{err.message}</p> }.into_any()
                        }
                    }
                })}
            </Transition>
            {outcome_view(outcome)}
        </Card>
    }
}

/// What applies, and the button that changes it.
fn requirement_view(
    required: bool,
    owner_has_one: bool,
    change: Task<bool, SecondFactorPolicySet>,
) -> impl IntoView {
    let ready = use_hydrated();
    if required {
        return view! {
            <p data-testid="second-factor-requirement">
                "Required: everyone signs in with a code from an authenticator app after the \
                 password, and nobody can turn it off."
            </p>
            <button
                type="button"
                class="button"
                disabled=move || !ready.get() || change.pending().get()
                on:click=move |_| change.run(false)
            >
                "Stop requiring it"
            </button>
        }
        .into_any();
    }
    view! {
        <p class="muted" data-testid="second-factor-requirement">
            "Each person decides. Required, everyone signs in with a code from an \
             authenticator app after the password; anyone without one is signed out and \
             sets one up when they sign in again."
        </p>
        {(!owner_has_one).then(|| view! {
            <p class="muted" data-testid="second-factor-requirement-blocked">
                "Set up your own authenticator app in Two-step sign-in first."
            </p>
        })}
        <button
            type="button"
            class="button primary-inline"
            disabled=move || !ready.get() || !owner_has_one || change.pending().get()
            on:click=move |_| change.run(true)
        >
            "Require two-step sign-in"
        </button>
    }
    .into_any()
}

/// What the owner is told after a change.
fn changed_words(set: SecondFactorPolicySet) -> String {
    const ON: &str = "Everyone needs two-step sign-in from now on.";
    let sessions = match set.sessions_ended {
        0 => None,
        1 => Some("1 session".to_owned()),
        n => Some(format!("{n} sessions")),
    };
    let tokens = match set.api_tokens_revoked {
        0 => None,
        1 => Some("1 API token".to_owned()),
        n => Some(format!("{n} API tokens")),
    };
    let ended = match (sessions, tokens) {
        (Some(sessions), Some(tokens)) => Some(format!("{sessions} and {tokens}")),
        (one, other) => one.or(other),
    };
    let (whose, verb) = if set.sessions_ended + set.api_tokens_revoked == 1 {
        ("someone", "was")
    } else {
        ("people", "were")
    };
    match (set.required, ended) {
        (false, _) => "Two-step sign-in is up to each person again.".to_owned(),
        (true, None) => ON.to_owned(),
        (true, Some(ended)) => format!(
            "{ON} {ended} of {whose} without it {verb} ended; they set it up when they sign in \
             again."
        ),
    }
}
