//! "Email address" (everyone): the address mail goes to, whether it is
//! verified (until it is, no mail but the link that verifies it goes
//! there), *Send the link again*, and the form that changes it: the new
//! address and the current password; a link goes to the new address, the
//! old one is told, and the change waits for the link. A server that
//! sends no mail shows the address alone.

use api::{EmailStatus, PendingVerification, Timestamp, remaining};
use leptos::prelude::*;

use crate::components::{
    BoundInput, Card, Field, Outcome, Task, loaded, outcome_view, use_hydrated, use_task,
};
use crate::live::use_live;
use crate::resources::Loaded;
use crate::server_fns::{change_email, send_verification_again};

#[component]
pub fn EmailCard(
    status: Loaded<EmailStatus>,
    /// Moved after each action, so the page reads the address again.
    changed: RwSignal<u32>,
) -> impl IntoView {
    let live = use_live();
    let version = changed;
    let outcome = RwSignal::new(None::<Outcome>);
    let resend = use_task(
        outcome,
        |()| send_verification_again(),
        move |(), sent: PendingVerification| {
            version.update(|v| *v += 1);
            Some(format!(
                "A new link is on its way to {}. The one before it no longer works.",
                sent.email
            ))
        },
    );
    view! {
        <Card id="email" title="Email address">
            {loaded(
                status,
                move |status: EmailStatus| {
                    // Without mail nothing can be verified: the card only
                    // shows the address.
                    let sends_mail = status.sends_mail;
                    view! {
                        {state_view(status, live.server_now(), resend)}
                        {outcome_view(outcome)}
                        {sends_mail
                            .then(|| {
                                view! {
                                    <ChangeForm outcome changed=move || version.update(|v| *v += 1) />
                                }
                            })}
                    }
                },
            )}
        </Card>
    }
}

/// The address, and what waits: its own link, or a change's.
fn state_view(
    status: EmailStatus,
    now: Timestamp,
    resend: Task<(), PendingVerification>,
) -> impl IntoView {
    let ready = use_hydrated();
    let email = status.email.clone();
    let unverified = status.sends_mail && status.verified_at.is_none();
    let changing = status.pending.filter(|pending| pending.email != email);
    let resend_button = move || {
        view! {
            <button
                type="button"
                class="button primary-inline"
                data-testid="resend-verification"
                disabled=move || !ready.get() || resend.pending().get()
                on:click=move |_| resend.run(())
            >
                "Send the link again"
            </button>
        }
    };
    view! {
        <p>
            "Mail about your account goes to "
            <strong data-testid="email-address">{email.clone()}</strong>
            "."
        </p>
        {unverified
            .then(|| {
                view! {
                    <p class="banner warning" role="status" data-testid="email-unverified">
                        "Your address " {email.clone()}
                        " is not verified: open the link we mailed to it. Until then, \
                         no other mail goes there (not even a link to choose a new password)."
                    </p>
                }
            })}
        {changing
            .clone()
            .map(|pending| {
                view! {
                    <p class="banner info" role="status" data-testid="email-change-pending">
                        "Changing to " <strong>{pending.email.clone()}</strong>
                        ": open the link mailed there (it ends "
                        {remaining(pending.expires_at, now)}
                        "). Until then, your address stays as it is."
                    </p>
                }
            })}
        {(unverified || changing.is_some()).then(resend_button)}
    }
}

/// The form that asks to change the address.
#[component]
fn ChangeForm(
    /// Where the change says how it went.
    outcome: RwSignal<Option<Outcome>>,
    changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ready = use_hydrated();
    let new_email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let change = use_task(
        outcome,
        |(new_email, current_password): (String, String)| change_email(new_email, current_password),
        move |_, pending: PendingVerification| {
            new_email.set(String::new());
            password.set(String::new());
            changed();
            Some(format!(
                "A link is on its way to {}: your address changes when it is opened. Your \
                 current address was told.",
                pending.email
            ))
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change.run((new_email.get_untracked(), password.get_untracked()));
    };
    view! {
        <h3 id="change-email-heading">"Change your address"</h3>
        <form class="inline-form" on:submit=on_submit aria-labelledby="change-email-heading">
            <Field input_id="new-email" label="New address">
                <BoundInput id="new-email" value=new_email kind="email" autocomplete="email" />
            </Field>
            <Field input_id="email-current-password" label="Password, to confirm it is you">
                <BoundInput
                    id="email-current-password"
                    value=password
                    kind="password"
                    autocomplete="current-password"
                />
            </Field>
            <button
                type="submit"
                class="button primary-inline"
                data-testid="change-email"
                disabled=move || {
                    !ready.get() || new_email.get().trim().is_empty() || password.get().is_empty()
                        || change.pending().get()
                }
            >
                "Change address"
            </button>
        </form>
    }
}
