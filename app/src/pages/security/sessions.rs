//! "Your sessions": every device the user is signed in on, with when it
//! signed in, was last active and will end; any other one can be ended.

use crate::resources::Loaded;
use api::{SessionId, SessionInfo, ago, remaining};
use leptos::prelude::*;

use super::{Outcome, loaded, outcome_view};
use crate::components::{ConfirmModal, use_hydrated};

use crate::live::use_live;
use crate::server_fns::{revoke_other_sessions, revoke_session};

#[component]
pub fn SessionsCard(sessions: Loaded<Vec<SessionInfo>>) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);

    let ending = RwSignal::new(None::<SessionInfo>);
    let confirm_one = RwSignal::new(false);
    let end_one = Action::new(|id: &SessionId| revoke_session(id.clone()));
    let confirm_others = RwSignal::new(false);
    let end_others = Action::new(|(): &()| revoke_other_sessions());

    Effect::new(move |_| {
        if let Some(result) = end_one.value().get() {
            outcome.set(Some(match result {
                Ok(r) if r.revoked => Outcome::Done("The session was ended.".to_owned()),
                Ok(_) => Outcome::Done("That session had already ended.".to_owned()),
                Err(err) => Outcome::Failed(err.message),
            }));
            sessions.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(result) = end_others.value().get() {
            outcome.set(Some(match result {
                Ok(count) => Outcome::Done(sessions_ended(count.count)),
                Err(err) => Outcome::Failed(err.message),
            }));
            sessions.refetch();
        }
    });

    let one_body = Signal::derive(move || {
        ending.get().map_or_else(String::new, |s| {
            format!(
                "{} will be signed out at once. Whoever uses it will have to sign in again.",
                s.device
            )
        })
    });
    view! {
        <section class="card" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Your sessions"</h2>
            {loaded(
                sessions,
                move |list| sessions_view(list, live.server_now(), ending, confirm_one, confirm_others),
            )}
            {outcome_view(outcome)}
        </section>
        <ConfirmModal
            open=confirm_one
            id="end-session"
            title="End this session?"
            body=one_body
            confirm_label="End session"
            danger=true
            on_confirm=Callback::new(move |()| {
                if let Some(session) = ending.get_untracked() {
                    end_one.dispatch(session.session_id);
                }
            })
        />
        <ConfirmModal
            open=confirm_others
            id="end-other-sessions"
            title="End all other sessions?"
            body=Signal::derive(|| {
                "Every device but this one will be signed out at once.".to_owned()
            })
            confirm_label="End other sessions"
            danger=true
            on_confirm=Callback::new(move |()| {
                end_others.dispatch(());
            })
        />
    }
}

/// The list, and "End all other sessions" when there are others.
fn sessions_view(
    list: Vec<SessionInfo>,
    now: api::Timestamp,
    ending: RwSignal<Option<SessionInfo>>,
    confirm_one: RwSignal<bool>,
    confirm_others: RwSignal<bool>,
) -> impl IntoView {
    let others = list.len() > 1;
    let ready = use_hydrated();
    view! {
        <ul class="rows" data-testid="session-list">
            {list
                .into_iter()
                .map(|session| session_row(session, now, ready, ending, confirm_one))
                .collect_view()}
        </ul>
        <Show when=move || others>
            <button
                type="button"
                class="button"
                disabled=move || !ready.get()
                on:click=move |_| confirm_others.set(true)
            >
                "End all other sessions"
            </button>
        </Show>
    }
}

fn session_row(
    session: SessionInfo,
    now: api::Timestamp,
    ready: Signal<bool>,
    ending: RwSignal<Option<SessionInfo>>,
    confirm: RwSignal<bool>,
) -> impl IntoView {
    let ends_at = session.idle_ends_at.min(session.absolute_ends_at);
    let details = format!(
        "{} · signed in {} with {} · last active {} · ends {}",
        session
            .ip
            .clone()
            .unwrap_or_else(|| "unknown address".to_owned()),
        ago(session.signed_in_at, now),
        session.signed_in_with.label().to_lowercase(),
        ago(session.last_active_at, now),
        remaining(ends_at, now),
    );
    let current = session.current;
    let device = session.device.clone();
    view! {
        <li class="row" data-testid=if current { "session-current" } else { "session-other" }>
            <div>
                <strong>{device}</strong>
                {current.then(|| view! { <span class="tag">"(this device)"</span> })}
                <p class="muted">{details}</p>
            </div>
            {(!current).then(|| {
                view! {
                    <button
                        type="button"
                        class="button"
                        disabled=move || !ready.get()
                        on:click=move |_| {
                            ending.set(Some(session.clone()));

                            confirm.set(true);
                        }
                    >
                        "End session"
                    </button>
                }
            })}
        </li>
    }
}

fn sessions_ended(count: u64) -> String {
    match count {
        0 => "There were no other sessions.".to_owned(),
        1 => "1 session was ended.".to_owned(),
        n => format!("{n} sessions were ended."),
    }
}
