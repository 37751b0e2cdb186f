//! "Two-step sign-in": an authenticator app as the second factor. It is
//! set up by scanning its QR code (or typing the key) and entering a code
//! from it; the recovery codes are shown once, then; turning it off needs
//! the password and a code.

use crate::resources::Loaded;
use api::{PolicyView, SecondFactorStatus, ago};
use leptos::prelude::*;

use super::totp_setup::SetupForm;
use crate::components::{
    Card, CurrentPassword, Outcome, SecondFactorInput, ShownOnce, Task, outcome_view, use_hydrated,
    use_task,
};
use crate::live::use_live;
use crate::server_fns::{TotpSetupShown, renew_recovery_codes, start_totp_setup, turn_off_totp};

/// What the card's parts share: the status to reload, where to show the
/// recovery codes, and the result line.
#[derive(Clone, Copy)]
struct CardState {
    status: Loaded<SecondFactorStatus>,
    codes: RwSignal<Option<Vec<String>>>,
    outcome: RwSignal<Option<Outcome>>,
}

#[component]
pub fn SecondFactorCard(
    status: Loaded<SecondFactorStatus>,
    policy: Loaded<PolicyView>,
) -> impl IntoView {
    let live = use_live();
    let outcome = RwSignal::new(None::<Outcome>);
    let setup = RwSignal::new(None::<TotpSetupShown>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let card = CardState {
        status,
        codes,
        outcome,
    };
    let start = use_task(
        outcome,
        |()| start_totp_setup(),
        move |(), shown| {
            setup.set(Some(shown));
            None
        },
    );
    let confirmed = move |shown: Vec<String>| {
        setup.set(None);
        codes.set(Some(shown));
        status.refetch();
    };
    let turned_off = move || {
        outcome.set(Some(Outcome::Done(
            "Two-step sign-in is off: signing in asks for your password only.".to_owned(),
        )));
        status.refetch();
    };
    view! {
        <Card id="second-factor" title="Two-step sign-in">
            {move || codes.get().map(|shown| view! { <RecoveryCodesShown shown codes /> })}
            {move || {
                setup.get().map(|shown| view! { <SetupForm shown setup confirmed outcome /> })
            }}
            <Show when=move || setup.with(Option::is_none) && codes.with(Option::is_none)>
                <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        // Whether the account requires it: then it stays on.
                        let required = policy.await.is_ok_and(|view| view.second_factor_required);
                        match status.await {
                            Ok(now) => {
                                let server_now = live.server_now();
                                status_view(now, server_now, start, turned_off, (card, required))
                                    .into_any()
                            }
                            Err(err) => view! { <p class="form-error">{err.message}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
            {outcome_view(outcome)}
        </Card>
    }
}

/// What is set up, with the button to set an app up or the form to turn it
/// off.
fn status_view(
    status: SecondFactorStatus,
    now: api::Timestamp,
    start: Task<(), TotpSetupShown>,
    turned_off: impl Fn() + Copy + Send + Sync + 'static,
    (card, required): (CardState, bool),
) -> impl IntoView {
    let ready = use_hydrated();
    let outcome = card.outcome;
    match status.totp_since {
        None => view! {
            <p class="muted" data-testid="second-factor-status">
                "Signing in asks for your password only. With an authenticator app, \
                 a stolen password is not enough to get in."
            </p>
            <button
                type="button"
                class="button primary-inline"
                disabled=move || !ready.get() || start.pending().get()
                on:click=move |_| start.run(())
            >
                "Set up an authenticator app"
            </button>
        }
        .into_any(),
        Some(since) => view! {
            <p data-testid="second-factor-status">
                "On since " {ago(since, now)}
                ": signing in asks for a code from your authenticator app after the password."
            </p>
            <RecoveryCodesLeft left=status.recovery_codes_left card />
            {if required {
                view! {
                    <p class="muted" data-testid="second-factor-required">
                        "Your account requires two-step sign-in, so it stays on."
                    </p>
                }
                    .into_any()
            } else {
                view! { <TurnOff turned_off outcome /> }.into_any()
            }}
        }
        .into_any(),
    }
}

/// How many recovery codes are left, and the button that makes new ones
/// (after the password again, when it was not entered recently).
#[component]
fn RecoveryCodesLeft(left: usize, card: CardState) -> impl IntoView {
    let ready = use_hydrated();
    let renew = use_task(
        card.outcome,
        |()| renew_recovery_codes(),
        move |(), made| {
            card.codes.set(Some(made.codes));
            card.status.refetch();
            None
        },
    );
    let (line, button, class) = match left {
        0 => (
            "You have no recovery codes: if you lose your phone, you cannot sign in. \
             Make them now and keep them somewhere safe."
                .to_owned(),
            "Make recovery codes",
            "button primary-inline",
        ),
        1 => (
            "1 recovery code left.".to_owned(),
            "Make new recovery codes",
            "button",
        ),
        n => (
            format!("{n} recovery codes left."),
            "Make new recovery codes",
            "button",
        ),
    };
    view! {
        <p class=if left == 0 { "banner warning" } else { "muted" } data-testid="recovery-codes-left">
            {line}
        </p>
        <button
            type="button"
            class=class
            disabled=move || !ready.get() || renew.pending().get()
            on:click=move |_| renew.run(())
        >
            {button}
        </button>
    }
}

/// The recovery codes, shown this once.
#[component]
fn RecoveryCodesShown(shown: Vec<String>, codes: RwSignal<Option<Vec<String>>>) -> impl IntoView {
    let to_copy = shown.join("\n");
    view! {
        <ShownOnce to_copy done="I have saved them" shown=codes>
            <p>
                <strong>"Save your recovery codes now."</strong>
                " Each one signs you in once if you lose your phone; they are not shown again, \
                 and any codes you had before no longer work."
            </p>
            <ol class="recovery-codes" data-testid="recovery-codes">
                {shown.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
        </ShownOnce>
    }
}

/// Turning the app off: the password and a code from it, or a recovery
/// code.
#[component]
fn TurnOff(
    turned_off: impl Fn() + Copy + Send + Sync + 'static,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let ready = use_hydrated();
    let turn_off = use_task(
        outcome,
        |(password, code): (String, String)| turn_off_totp(password, code),
        move |_, _| {
            open.set(false);
            turned_off();
            None
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        turn_off.run((password.get_untracked(), code.get_untracked()));
        password.set(String::new());
        code.set(String::new());
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || {
                view! {
                    <button
                        type="button"
                        class="button"
                        disabled=move || !ready.get()
                        on:click=move |_| open.set(true)
                    >
                        "Turn off…"
                    </button>
                }
            }
        >
            <form class="stack" on:submit=on_submit>
                <label for="totp-off-password">"Your password"</label>
                <CurrentPassword id="totp-off-password" value=password />
                <label for="totp-off-code">"A code from your app, or a recovery code"</label>
                <SecondFactorInput id="totp-off-code" value=code />
                <div class="actions">
                    <button
                        type="submit"
                        class="button danger"
                        disabled=move || turn_off.pending().get()
                    >
                        "Turn off two-step sign-in"
                    </button>
                    <button type="button" class="button" on:click=move |_| open.set(false)>
                        "Cancel"
                    </button>
                </div>
            </form>
        </Show>
    }
}
