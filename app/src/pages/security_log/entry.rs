//! One entry of the log: what happened and how it went, who did it to
//! whom, when (relative and exact), and from which device and address.

use api::{AuditEntry, AuditOutcome, AuditPerson, Timestamp, ago, exact};
use leptos::prelude::*;

use super::detail::{details, is_id};

pub fn entries_view(entries: Vec<AuditEntry>, now: Timestamp) -> impl IntoView {
    entries
        .into_iter()
        .map(|entry| entry_view(entry, now))
        .collect_view()
}

fn entry_view(entry: AuditEntry, now: Timestamp) -> impl IntoView {
    let outcome = match entry.outcome {
        AuditOutcome::Succeeded => None,
        AuditOutcome::Failed => Some(("tag failed", "Failed")),
        AuditOutcome::Blocked => Some(("tag blocked", "Blocked")),
    };
    let exact_time = exact(entry.at);
    let people = people(&entry);
    let from = [entry.device, entry.ip]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let details = details(entry.kind, &entry.detail);
    view! {
        <li class="row" data-testid="log-entry" data-kind=entry.kind.as_str()>
            <div>
                <strong>{entry.kind.label()}</strong>
                {outcome.map(|(class, text)| view! { <span class=class>{text}</span> })}
                <p>{people}</p>
                {(!from.is_empty()).then(|| view! { <p class="muted">{format!("From {from}")}</p> })}
                {(!details.is_empty()).then(|| view! { <p class="muted">{details}</p> })}
            </div>
            <time class="when">
                {ago(entry.at, now)}
                <span class="muted">{exact_time}</span>
            </time>
        </li>
    }
}

/// "By Erin Example, to Lee Leaving"; "By the server"; "By the server, on
/// max@example.com"; "to Rae Removed (removed)". A target that is an id (of
/// a session, a token, the account) is not named: the details say what it
/// was in words.
fn people(entry: &AuditEntry) -> String {
    let (actor, subject) = (entry.actor.as_ref(), entry.subject.as_ref());
    let by = actor.map_or_else(
        || "By the server".to_owned(),
        |actor| format!("By {}", name(actor, None)),
    );
    match (subject, entry.target.as_deref()) {
        (Some(subject), _) if Some(subject) == actor => by,
        (Some(subject), _) => {
            let recorded = entry.detail.get("name").and_then(serde_json::Value::as_str);
            format!("{by}, to {}", name(subject, recorded))
        }
        (None, Some(target)) if !is_id(target) => format!("{by}, on {target}"),
        (None, _) => by,
    }
}

/// A person's name; for someone no longer in the account, the name the
/// entry recorded, if it did.
fn name(person: &AuditPerson, recorded: Option<&str>) -> String {
    match (&person.name, recorded) {
        (Some(name), _) => name.clone(),
        (None, Some(recorded)) => format!("{recorded} (removed)"),
        (None, None) => "a removed user".to_owned(),
    }
}
