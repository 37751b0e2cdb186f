//! "Your sessions": every device the user is signed in on, with when it
//! signed in, was last active and will end; any other one can be ended.

use crate::resources::Loaded;
use api::{SessionId, SessionInfo, ago, remaining};
use leptos::prelude::*;

use crate::components::{
    Card, ConfirmButton, Outcome, Question, Task, loaded, outcome_view, use_task,
};
use crate::live::use_live;
use crate::server_fns::{revoke_other_sessions, revoke_session};

/// What the card can end: one other session, or all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
enum End {
    One(SessionId),
    Others,
}

#[component]
pub fn SessionsCard(sessions: Loaded<Vec<SessionInfo>>) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let end = use_task(
        outcome,
        |end: End| async move {
            Ok(match end {
                End::One(id) => {
                    if revoke_session(id).await?.revoked {
                        "The session was ended.".to_owned()
                    } else {
                        "That session had already ended.".to_owned()
                    }
                }
                End::Others => sessions_ended(revoke_other_sessions().await?.count),
            })
        },
        move |_, words: String| {
            sessions.refetch();
            Some(words)
        },
    );
    view! {
        <Card id="sessions" title="Your sessions">
            {loaded(sessions, move |list| sessions_view(list, live.server_now(), end))}
            {outcome_view(outcome)}
        </Card>
    }
}

/// The list, and "End all other sessions" when there are others.
fn sessions_view(
    list: Vec<SessionInfo>,
    now: api::Timestamp,
    end: Task<End, String>,
) -> impl IntoView {
    let others = list.len() > 1;
    let question = Question::new(
        "end-other-sessions",
        "End all other sessions?",
        "End other sessions",
        "Every device but this one will be signed out at once.".to_owned(),
    );
    view! {
        <ul class="rows" data-testid="session-list">
            {list.into_iter().map(|session| session_row(session, now, end)).collect_view()}
        </ul>
        {others
            .then(|| {
                view! {
                    <ConfirmButton
                        text="End all other sessions"
                        question=question.dangerous()
                        task=end
                        input=End::Others
                    />
                }
            })}
    }
}

fn session_row(session: SessionInfo, now: api::Timestamp, end: Task<End, String>) -> impl IntoView {
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
    let device_bound = session.device_bound;
    let body = format!(
        "{} will be signed out at once. Whoever uses it will have to sign in again.",
        session.device
    );
    let question = Question::new("end-session", "End this session?", "End session", body);
    let input = End::One(session.session_id);
    view! {
        <li class="row" data-testid=if current { "session-current" } else { "session-other" }>
            <div>
                <strong>{session.device}</strong>
                {current.then(|| view! { <span class="tag">"(this device)"</span> })}
                {device_bound
                    .then(|| {
                        view! {
                            <span
                                class="tag"
                                data-testid="session-device-bound"
                                title="Its browser keeps a key on the device and proves it every few minutes: a copy of its cookie stops working within minutes."
                            >
                                "bound to its device"
                            </span>
                        }
                    })}
                <p class="muted">{details}</p>
            </div>
            {(!current)
                .then(|| {
                    view! {
                        <ConfirmButton text="End session" question=question.dangerous() task=end input />
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
