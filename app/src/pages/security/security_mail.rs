//! "Security mail" (everyone, where the server sends mail): one checkbox
//! per kind of security notice, saying whether its mail goes to the
//! person's address. A change saves at once and says so. The mail that
//! protects the account is checked and cannot be unchecked ("always
//! sent"): the rule is `NoticeKind::may_turn_off_mail`, which the server
//! applies too. The page tells every notice whatever is chosen here.

use api::{NoticeKind, SecurityMail, SecurityMailKind};
use leptos::prelude::*;

use crate::components::{Card, Outcome, Task, outcome_view, use_hydrated, use_task};
use crate::resources::Loaded;
use crate::server_fns::set_security_mail;

#[component]
pub fn SecurityMailCard(choices: Loaded<SecurityMail>) -> impl IntoView {
    let outcome = RwSignal::new(None::<Outcome>);
    let save = use_task(
        outcome,
        |(kind, on): (NoticeKind, bool)| set_security_mail(kind, on),
        |_, saved: SecurityMailKind| Some(saved_words(saved)),
    );
    // A change that failed: the boxes show again what the server keeps.
    Effect::new(move |_| {
        if matches!(outcome.get(), Some(Outcome::Failed(_))) {
            choices.refetch();
        }
    });
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match choices.await {
                    // Without mail there is nothing to choose.
                    Ok(mail) if !mail.sends_mail => {
                        view! {
                            <Card id="security-mail" title="Security mail">
                                <p class="muted" data-testid="security-mail-off">
                                    "This server sends no mail: every security notice is told \
                                     on this page only."
                                </p>
                            </Card>
                        }
                            .into_any()
                    }
                    Ok(mail) => {
                        view! {
                            <Card id="security-mail" title="Security mail">
                                {choices_view(mail, save)}
                                {outcome_view(outcome)}
                            </Card>
                        }
                            .into_any()
                    }
                    Err(err) => {
                        view! {
                            <Card id="security-mail" title="Security mail">
                                <p class="form-error">{err.message}</p>
                            </Card>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The boxes: first those the person may uncheck, then those always sent.
fn choices_view(
    choices: SecurityMail,
    save: Task<(NoticeKind, bool), SecurityMailKind>,
) -> impl IntoView {
    let (optional, always): (Vec<_>, Vec<_>) = choices
        .kinds
        .into_iter()
        .partition(|choice| choice.may_turn_off);
    view! {
        <p class="muted">
            "Which security notices are also mailed to you. This page tells you every one of \
             them either way."
        </p>
        <div data-testid="security-mail">
            {optional.into_iter().map(|choice| choice_view(choice, save)).collect_view()}
            {always.into_iter().map(|choice| choice_view(choice, save)).collect_view()}
        </div>
    }
}

fn choice_view(
    choice: SecurityMailKind,
    save: Task<(NoticeKind, bool), SecurityMailKind>,
) -> impl IntoView {
    let ready = use_hydrated();
    let kind = choice.kind;
    let id = format!("security-mail-{}", kind.as_str());
    let label_for = id.clone();
    let locked = !choice.may_turn_off;
    view! {
        <div class="checkbox">
            <input
                type="checkbox"
                id=id.clone()
                data-testid=id
                checked=choice.on
                disabled=move || locked || !ready.get() || save.pending().get()
                on:change=move |ev| save.run((kind, event_target_checked(&ev)))
            />
            <label for=label_for>
                {label(kind)}
                {locked.then(|| view! { <span class="muted">" (always sent)"</span> })}
            </label>
        </div>
    }
}

/// What a saved change says.
fn saved_words(saved: SecurityMailKind) -> String {
    let state = if saved.on {
        "mailed to you"
    } else {
        "no longer mailed"
    };
    format!("Saved: \u{201c}{}\u{201d} is {state}.", label(saved.kind))
}

/// Each kind, as the card names it.
const fn label(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::NewDevice => "A sign-in from a new device",
        NoticeKind::TokenCreated => "A new API token",
        NoticeKind::RoleChanged => "Your role changed by an owner",
        NoticeKind::SessionTaken => "A stolen session of yours ended",
        NoticeKind::PasswordChanged => "Your password changed",
        NoticeKind::SecondFactorChanged => "Two-step sign-in changed",
        NoticeKind::PasskeyChanged => "A passkey added or removed",
        NoticeKind::CodeReused => "A sign-in code sent twice",
        NoticeKind::AccountRecovered => "Your account recovered by the operator",
        NoticeKind::RemovedFromAccount => "Removed from the account",
        NoticeKind::EmailChanging => "A change of your address asked for",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_change_names_the_kind_and_where_it_goes() {
        assert_eq!(
            saved_words(SecurityMailKind::new(NoticeKind::NewDevice, true)),
            "Saved: \u{201c}A sign-in from a new device\u{201d} is no longer mailed."
        );
        assert_eq!(
            saved_words(SecurityMailKind::new(NoticeKind::NewDevice, false)),
            "Saved: \u{201c}A sign-in from a new device\u{201d} is mailed to you."
        );
    }
}
