//! "Two-step sign-in": an authenticator app as the second factor. It is
//! set up by scanning its QR code (or typing the key) and entering a code
//! from it; the recovery codes are shown once, then; turning it off needs
//! the password and a code.

use crate::resources::Loaded;
use api::{ApiError, PolicyView, SecondFactorStatus, ago, in_fours};
use leptos::prelude::*;

use super::{Outcome, outcome_view};
use crate::components::{
    CopyButton, CurrentPassword, Field, SecondFactorInput, use_hydrated, use_reauth,
};
use crate::live::use_live;
use crate::server_fns::{
    TotpSetupShown, confirm_totp_setup, renew_recovery_codes, start_totp_setup, turn_off_totp,
};

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
    let start = Action::new(|()| start_totp_setup());
    let reauth = use_reauth();
    let begin = move || {
        outcome.set(None);
        start.dispatch(());
    };
    Effect::new(move |_| match start.value().get() {
        Some(Ok(shown)) => setup.set(Some(shown)),
        Some(Err(err)) => {
            let asked_for_password = reauth.handles(&err, begin);
            if !asked_for_password {
                outcome.set(Some(Outcome::Failed(err.message)));
            }
        }
        None => {}
    });
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
        <section class="card" aria-labelledby="second-factor-heading">
            <h2 id="second-factor-heading">"Two-step sign-in"</h2>
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
                                status_view(now, server_now, begin, start, turned_off, (card, required))
                                    .into_any()
                            }
                            Err(err) => view! { <p class="form-error">{err.message}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </Show>
            {outcome_view(outcome)}
        </section>
    }
}

/// What is set up, with the button to set an app up or the form to turn it
/// off.
fn status_view(
    status: SecondFactorStatus,
    now: api::Timestamp,
    begin: impl Fn() + Copy + Send + Sync + 'static,
    start: Action<(), Result<TotpSetupShown, ApiError>>,
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
                on:click=move |_| begin()
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

/// The QR code and key of the app being set up, and the code that
/// confirms it.
#[component]
fn SetupForm(
    shown: TotpSetupShown,
    setup: RwSignal<Option<TotpSetupShown>>,
    confirmed: impl Fn(Vec<String>) + Copy + Send + Sync + 'static,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let confirm = Action::new(|code: &String| confirm_totp_setup(code.clone()));
    Effect::new(move |_| match confirm.value().get() {
        Some(Ok(codes)) => {
            outcome.set(None);
            confirmed(codes.codes);
        }
        Some(Err(err)) => {
            code.set(String::new());
            outcome.set(Some(Outcome::Failed(err.message)));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch(code.get_untracked());
    };
    let key = in_fours(&shown.secret, " ");
    view! {
        <div class="totp-setup">
            <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=shown.qr_svg />
            <div class="stack">
                <p>
                    "Scan this code with your authenticator app, or type in this key:"
                </p>
                <code data-testid="totp-secret">{key}</code>
                <form class="inline-form" on:submit=on_submit>
                    <Field input_id="totp-code" label="Code from the app">
                        <input
                            id="totp-code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            maxlength="7"
                            required
                            prop:value=move || code.get()
                            on:input=move |ev| code.set(event_target_value(&ev))
                        />
                    </Field>
                    <button
                        type="submit"
                        class="button primary-inline"
                        disabled=move || code.get().trim().is_empty() || confirm.pending().get()
                    >
                        "Turn on"
                    </button>
                    <button type="button" class="button" on:click=move |_| setup.set(None)>
                        "Cancel"
                    </button>
                </form>
            </div>
        </div>
    }
}

/// How many recovery codes are left, and the button that makes new ones
/// (after the password again, when it was not entered recently).
#[component]
fn RecoveryCodesLeft(left: usize, card: CardState) -> impl IntoView {
    let ready = use_hydrated();
    let reauth = use_reauth();
    let renew = Action::new(|()| renew_recovery_codes());
    let again = move || {
        card.outcome.set(None);
        renew.dispatch(());
    };
    Effect::new(move |_| match renew.value().get() {
        Some(Ok(made)) => {
            card.codes.set(Some(made.codes));
            card.status.refetch();
        }
        Some(Err(err)) => {
            let asked_for_password = reauth.handles(&err, again);
            if !asked_for_password {
                card.outcome.set(Some(Outcome::Failed(err.message)));
            }
        }
        None => {}
    });
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
            on:click=move |_| again()
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
        <div class="secret" role="status">
            <p>
                <strong>"Save your recovery codes now."</strong>
                " Each one signs you in once if you lose your phone; they are not shown again, \
                 and any codes you had before no longer work."
            </p>
            <ol class="recovery-codes" data-testid="recovery-codes">
                {shown.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ol>
            <div class="actions">
                <CopyButton text=to_copy />
                <button type="button" class="button" on:click=move |_| codes.set(None)>
                    "I have saved them"
                </button>
            </div>
        </div>
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
    let turn_off = Action::new(|(password, code): &(String, String)| {
        turn_off_totp(password.clone(), code.clone())
    });
    Effect::new(move |_| match turn_off.value().get() {
        Some(Ok(_)) => {
            open.set(false);
            turned_off();
        }
        Some(Err(err)) => outcome.set(Some(Outcome::Failed(err.message))),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        outcome.set(None);
        turn_off.dispatch((password.get_untracked(), code.get_untracked()));
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
