//! At the foot of the Members card (owner): who is invited and not joined
//! yet, each with *Revoke*, and the form that invites someone by mail.
//! Where the server sends no mail, the old form instead: a member added
//! with a first password ([`AddMember`]).

use api::{Invitations, PendingInvitation, Timestamp, ago, remaining};
use leptos::prelude::*;

use super::add_member::AddMember;
use crate::components::{
    BoundInput, Field, Outcome, Task, loaded, outcome_view, use_hydrated, use_task,
};
use crate::live::use_live;
use crate::resources::Loaded;
use crate::server_fns::{invite_member, revoke_invitation};

/// The invitations, or the form with a first password without mail.
#[component]
pub fn InviteOrAdd(
    invitations: Loaded<Option<Invitations>>,
    /// Runs after an invitation was sent or revoked.
    changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let live = use_live();
    // What the last action (a revoke, an invitation) said: kept here,
    // outside the list that reloads after each change, so it outlives the
    // reload it causes, and each says it in place of the one before.
    let outcome = RwSignal::new(None::<Outcome>);
    let revoke = use_task(outcome, revoke_invitation, move |_, revoked| {
        changed();
        Some(if revoked.revoked {
            "The invitation was revoked: its link no longer works.".to_owned()
        } else {
            "That invitation had ended already.".to_owned()
        })
    });
    view! {
        {loaded(
            invitations,
            move |invitations: Option<Invitations>| {
                match invitations {
                    Some(invitations) if invitations.sends_mail => {
                        view! {
                            {pending_view(invitations.pending, live.server_now(), revoke)}
                            {outcome_view(outcome)}
                            <InviteForm changed outcome />
                        }
                            .into_any()
                    }
                    _ => view! { <AddMember /> }.into_any(),
                }
            },
        )}
    }
}

/// The pending invitations: address, when sent, when the link ends.
fn pending_view(
    pending: Vec<PendingInvitation>,
    now: Timestamp,
    revoke: Task<api::InvitationId, api::Revoked>,
) -> impl IntoView {
    let ready = use_hydrated();
    (!pending.is_empty()).then(|| {
        view! {
            <h3 id="invitations-heading">"Invited"</h3>
            <ul class="rows" data-testid="invitations" aria-labelledby="invitations-heading">
                {pending
                    .into_iter()
                    .map(|invitation| {
                        let label = format!("Revoke the invitation to {}", invitation.email);
                        let facts = format!(
                            "Sent {} · the link ends {}",
                            ago(invitation.sent_at, now),
                            remaining(invitation.expires_at, now),
                        );
                        let id = invitation.invitation_id.clone();
                        view! {
                            <li class="row" data-testid="invitation">
                                <div>
                                    <strong>{invitation.email}</strong>
                                    <span class="tag">"Invited"</span>
                                    <p class="muted">{facts}</p>
                                </div>
                                <div class="row-actions">
                                    <button
                                        type="button"
                                        class="button danger-outline"
                                        aria-label=label
                                        disabled=move || !ready.get()
                                        on:click=move |_| revoke.run(id.clone())
                                    >
                                        "Revoke"
                                    </button>
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// The form that invites an address by mail.
#[component]
fn InviteForm(
    changed: impl Fn() + Copy + Send + Sync + 'static,
    /// Where sending says how it went (shown above the form).
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let ready = use_hydrated();
    let email = RwSignal::new(String::new());
    let invite = use_task(outcome, invite_member, move |_, sent: PendingInvitation| {
        email.set(String::new());
        changed();
        Some(format!(
            "An invitation is on its way to {}. Its link works once, for 7 days.",
            sent.email
        ))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        invite.run(email.get_untracked());
    };
    view! {
        <h3 id="add-member-heading">"Invite a member"</h3>
        <p class="muted">
            "They get a link by mail, and choose their own name and password."
        </p>
        <form class="inline-form" on:submit=on_submit>
            <Field input_id="invite-email" label="Email">
                <BoundInput id="invite-email" value=email kind="email" autocomplete="off" />
            </Field>
            <button
                type="submit"
                class="button primary-inline"
                disabled=move || {
                    !ready.get() || email.get().trim().is_empty() || invite.pending().get()
                }
            >
                "Send invitation"
            </button>
        </form>
    }
}
