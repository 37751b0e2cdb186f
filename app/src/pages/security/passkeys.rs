//! "Passkeys": sign in with the device's fingerprint, face or PIN instead of
//! the password, or use one as the second step after it. Add one (named),
//! see when each was added and last used, remove one.

use crate::resources::Loaded;
use api::{PasskeyId, PasskeyInfo, SecondFactorStatus, ago};
use leptos::prelude::*;

use crate::components::{
    BoundInput, Card, ConfirmButton, Field, Outcome, Question, Task, loaded, outcome_view,
    use_hydrated, use_local_task, use_task,
};
use crate::live::use_live;
use crate::server_fns::{finish_passkey_registration, remove_passkey, start_passkey_registration};

#[component]
pub fn PasskeysCard(
    passkeys: Loaded<Vec<PasskeyInfo>>,
    status: Loaded<SecondFactorStatus>,
) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let changed = move || {
        passkeys.refetch();
        status.refetch();
    };
    let remove = use_task(outcome, remove_passkey, move |_, _| {
        changed();
        Some("The passkey was removed: it signs nobody in any more.".to_owned())
    });
    view! {
        <Card id="passkeys" title="Passkeys">
            <p class="muted">
                "Sign in with your device's fingerprint, face or PIN instead of your password, \
                 or use a passkey as the second step after it."
            </p>
            {loaded(passkeys, move |list| passkeys_view(list, live.server_now(), remove))}
            <NewPasskey added=changed outcome />
            {outcome_view(outcome)}
        </Card>
    }
}

fn passkeys_view(
    list: Vec<PasskeyInfo>,
    now: api::Timestamp,
    remove: Task<PasskeyId, api::Revoked>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p data-testid="passkeys-empty">"No passkeys yet."</p> }.into_any();
    }
    view! {
        <ul class="list">
            {list
                .into_iter()
                .map(|passkey| {
                    let used = passkey
                        .last_used_at
                        .map_or_else(|| "never used".to_owned(), |at| format!("last used {}", ago(at, now)));
                    let label = format!("Remove passkey {}", passkey.name);
                    let when = format!("Added {}, {used}", ago(passkey.created_at, now));
                    let body = format!(
                        "“{}” will no longer sign you in. Remove it from the device too.",
                        passkey.name
                    );
                    let question =
                        Question::new("remove-passkey", "Remove this passkey?", "Remove passkey", body);
                    view! {
                        <li class="row" data-testid="passkey">
                            <div>
                                <strong>{passkey.name}</strong>
                                <p class="muted">{when}</p>
                            </div>
                            <ConfirmButton
                                text="Remove"
                                label
                                question=question.dangerous()
                                task=remove
                                input=passkey.passkey_id
                            />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// The name of a new passkey and the button that asks the browser for it
/// (after the password again, when it was not entered recently).
#[component]
fn NewPasskey(
    added: impl Fn() + Copy + Send + Sync + 'static,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let ready = use_hydrated();
    // The browser makes the passkey: not a `Send` future.
    let register = use_local_task(
        outcome,
        |name: String| async move {
            let ceremony = start_passkey_registration().await?;
            let answer = crate::passkeys::create(ceremony).await?;
            finish_passkey_registration(name, answer).await
        },
        move |_, passkey| {
            name.set(String::new());
            added();
            Some(format!(
                "“{}” is added: it signs you in from now on.",
                passkey.name
            ))
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        register.run(name.get_untracked());
    };
    view! {
        <form class="inline-form" on:submit=on_submit>
            <Field input_id="passkey-name" label="Passkey name">
                <BoundInput id="passkey-name" value=name maxlength=60 placeholder="Work laptop" />
            </Field>
            <button
                type="submit"
                class="button primary-inline"
                disabled=move || !ready.get() || name.get().trim().is_empty() || register.pending().get()
            >
                "Add a passkey"
            </button>
        </form>
    }
}
