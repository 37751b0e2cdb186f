//! "Members" (owner): everyone in the account, what each can get in with,
//! and what the owner can do to one of them; at its foot, who is invited
//! and the form to invite someone (or, without mail, to add a member).

use crate::resources::Loaded;
use api::{Invitations, MemberInfo, Role, SecurityOverview, Timestamp, ago};
use leptos::prelude::*;

use super::invite_member::InviteOrAdd;
use super::member_actions::{Act, MemberActions};
use crate::components::{Card, Outcome, loaded, outcome_view, use_hydrated};
use crate::live::use_live;

#[component]
pub fn MembersCard(
    members: Loaded<Option<Vec<MemberInfo>>>,
    overview: Loaded<Option<SecurityOverview>>,
    invitations: Loaded<Option<Invitations>>,
) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let actions = MemberActions::new(outcome, move || {
        members.refetch();
        overview.refetch();
    });
    view! {
        <Card id="members" title="Members">
            {loaded(
                members,
                move |members: Option<Vec<MemberInfo>>| {
                    members.map(|members| members_view(members, live.server_now(), actions))
                },
            )}
            {outcome_view(outcome)}
            <InviteOrAdd invitations changed=move || invitations.refetch() />
        </Card>
    }
}

fn members_view(members: Vec<MemberInfo>, now: Timestamp, actions: MemberActions) -> impl IntoView {
    let ready = use_hydrated();
    view! {
        <ul class="rows" data-testid="members">
            {members
                .into_iter()
                .map(|member| member_row(member, now, actions, ready))
                .collect_view()}
        </ul>
    }
}

/// One member: who they are, what they can get in with, and (for everyone
/// but you) the buttons.
fn member_row(
    member: MemberInfo,
    now: Timestamp,
    actions: MemberActions,
    ready: Signal<bool>,
) -> impl IntoView {
    let facts = member_facts(&member, now);
    let role = match member.role {
        Role::Owner => "Owner",
        Role::Member => "Member",
    };
    let second_factor = if member.totp_since.is_some() {
        "Two-step sign-in"
    } else {
        "Password only"
    };
    let buttons = (!member.you).then(|| member_buttons(&member, actions, ready));
    view! {
        <li class="row" data-testid="member">
            <div>
                <strong>{member.name}</strong>
                {member.you.then(|| view! { <span class="tag">"(you)"</span> })}
                <span class="tag" data-testid="member-role">{role}</span>
                <span class="tag" data-testid="member-second-factor">{second_factor}</span>
                <p class="muted">{member.email}</p>
                <p class="muted">{facts}</p>
            </div>
            {buttons}
        </li>
    }
}

/// "Added 3 days ago · last active 5 min ago · 2 live sessions · 1 API token".
fn member_facts(member: &MemberInfo, now: Timestamp) -> String {
    let active = member.last_active_at.map_or_else(
        || "no session yet".to_owned(),
        |at| format!("last active {}", ago(at, now)),
    );
    let sessions = match (member.live_sessions, member.bound_sessions) {
        (1, 0) => "1 live session".to_owned(),
        (1, _) => "1 live session, bound to its device".to_owned(),
        (n, 0) => format!("{n} live sessions"),
        (n, bound) => format!("{n} live sessions ({bound} bound to their devices)"),
    };
    let tokens = match member.usable_tokens {
        1 => "1 API token".to_owned(),
        n => format!("{n} API tokens"),
    };
    format!(
        "Added {} · {active} · {sessions} · {tokens}",
        ago(member.added_at, now)
    )
}

fn member_buttons(
    member: &MemberInfo,
    actions: MemberActions,
    ready: Signal<bool>,
) -> impl IntoView + use<> {
    let role_act = match member.role {
        Role::Owner => Act::MakeMember,
        Role::Member => Act::MakeOwner,
    };
    let app_act = member.totp_since.map(|_| Act::TurnOffApp);
    let buttons = [
        Some(Act::SignOut),
        Some(role_act),
        app_act,
        Some(Act::Remove),
    ]
    .into_iter()
    .flatten()
    .map(|act| {
        let (user_id, name) = (member.user_id.clone(), member.name.clone());
        let label = act.button_label(&name);
        let class = if act == Act::Remove {
            "button danger-outline"
        } else {
            "button"
        };
        view! {
            <button
                type="button"
                class=class
                aria-label=label
                disabled=move || !ready.get()
                on:click=move |_| actions.pick(act, user_id.clone(), name.clone())
            >
                {act.button_text()}
            </button>
        }
    })
    .collect_view();
    view! { <div class="row-actions">{buttons}</div> }
}
