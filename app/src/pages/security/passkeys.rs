//! "Passkeys": sign in with the device's fingerprint, face or PIN instead of
//! the password, or use one as the second step after it. Add one (named),
//! see when each was added and last used, remove one.

use crate::resources::Loaded;
use api::{PasskeyId, PasskeyInfo, SecondFactorStatus, ago};
use leptos::prelude::*;

use super::{Outcome, loaded, outcome_view};
use crate::components::{ConfirmModal, Field, use_hydrated, use_reauth};
use crate::live::use_live;
use crate::server_fns::{finish_passkey_registration, remove_passkey, start_passkey_registration};

#[component]
pub fn PasskeysCard(
    passkeys: Loaded<Vec<PasskeyInfo>>,
    status: Loaded<SecondFactorStatus>,
) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let removing = RwSignal::new(None::<PasskeyInfo>);
    let confirm = RwSignal::new(false);
    let reauth = use_reauth();
    let remove = Action::new(|id: &PasskeyId| remove_passkey(id.clone()));
    let changed = move || {
        passkeys.refetch();
        status.refetch();
    };
    let remove_again = move || {
        if let Some(passkey) = removing.get_untracked() {
            remove.dispatch(passkey.passkey_id);
        }
    };
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(_)) => {
            outcome.set(Some(Outcome::Done(
                "The passkey was removed: it signs nobody in any more.".to_owned(),
            )));
            changed();
        }
        Some(Err(err)) => {
            let asked_for_password = reauth.handles(&err, remove_again);
            if !asked_for_password {
                outcome.set(Some(Outcome::Failed(err.message)));
            }
        }
        None => {}
    });
    let remove_body = Signal::derive(move || {
        removing.get().map_or_else(String::new, |passkey| {
            format!(
                "“{}” will no longer sign you in. Remove it from the device too.",
                passkey.name
            )
        })
    });
    view! {
        <section class="card" aria-labelledby="passkeys-heading">
            <h2 id="passkeys-heading">"Passkeys"</h2>
            <p class="muted">
                "Sign in with your device's fingerprint, face or PIN instead of your password, \
                 or use a passkey as the second step after it."
            </p>
            {loaded(passkeys, move |list| passkeys_view(list, live.server_now(), removing, confirm))}
            <NewPasskey added=changed outcome />
            {outcome_view(outcome)}
        </section>
        <ConfirmModal
            open=confirm
            id="remove-passkey"
            title="Remove this passkey?"
            body=remove_body
            confirm_label="Remove passkey"
            danger=true
            on_confirm=Callback::new(move |()| remove_again())
        />
    }
}

fn passkeys_view(
    list: Vec<PasskeyInfo>,
    now: api::Timestamp,
    removing: RwSignal<Option<PasskeyInfo>>,
    confirm: RwSignal<bool>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p data-testid="passkeys-empty">"No passkeys yet."</p> }.into_any();
    }
    let ready = use_hydrated();
    view! {
        <ul class="list">
            {list
                .into_iter()
                .map(|passkey| {
                    let used = passkey
                        .last_used_at
                        .map_or_else(|| "never used".to_owned(), |at| format!("last used {}", ago(at, now)));
                    let label = format!("Remove passkey {}", passkey.name);
                    let name = passkey.name.clone();
                    view! {
                        <li class="row" data-testid="passkey">
                            <div>
                                <strong>{name}</strong>
                                <p class="muted">{format!("Added {}, {used}", ago(passkey.created_at, now))}</p>
                            </div>
                            <button
                                type="button"
                                class="button"
                                aria-label=label
                                disabled=move || !ready.get()
                                on:click=move |_| {
                                    removing.set(Some(passkey.clone()));
                                    confirm.set(true);
                                }
                            >
                                "Remove"
                            </button>
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
    let reauth = use_reauth();
    // The browser makes the passkey: not a `Send` future.
    let register = Action::new_local(|name: &String| {
        let name = name.clone();
        async move {
            let ceremony = start_passkey_registration().await?;
            let answer = crate::passkeys::create(ceremony).await?;
            finish_passkey_registration(name, answer).await
        }
    });
    let again = move || {
        outcome.set(None);
        register.dispatch(name.get_untracked());
    };
    Effect::new(move |_| match register.value().get() {
        Some(Ok(passkey)) => {
            outcome.set(Some(Outcome::Done(format!(
                "“{}” is added: it signs you in from now on.",
                passkey.name
            ))));
            name.set(String::new());
            added();
        }
        Some(Err(err)) => {
            let asked_for_password = reauth.handles(&err, again);
            if !asked_for_password {
                outcome.set(Some(Outcome::Failed(err.message)));
            }
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        again();
    };
    view! {
        <form class="inline-form" on:submit=on_submit>
            <Field input_id="passkey-name" label="Passkey name">
                <input
                    id="passkey-name"
                    type="text"
                    maxlength="60"
                    placeholder="Work laptop"
                    required
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
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
