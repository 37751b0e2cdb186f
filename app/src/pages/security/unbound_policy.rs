//! The policy card's second part: shorter limits for sessions whose browser
//! cannot bind them to its device (Device Bound Session Credentials), so a
//! copied cookie of such a session is worth less. Validated as the owner
//! types by the same functions the server uses: within bounds, and never
//! longer than the account's policy.

use api::{PolicyFor, PolicySetParams, PolicyView, Preset, SessionPolicy};
use leptos::prelude::*;

use super::policy::{
    ABSOLUTE_LABEL, IDLE_LABEL, MinutesField, PolicyRadio, STRICT_HINT, duration_words, minutes_of,
    saved_words, shorter,
};
use crate::components::{Checkbox, Outcome, outcome_view, use_hydrated, use_task};
use crate::server_fns::set_policy;

/// The radio the owner chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// The same limits as every other session.
    Same,
    Strict,
    Custom,
}

/// What such sessions get now, in whole minutes.
fn effective(view: &PolicyView) -> (u64, u64) {
    (
        view.effective_unbound_idle_seconds / 60,
        view.effective_unbound_absolute_seconds / 60,
    )
}

/// What saving `choice` (validated as `limits`) asks the server.
fn params_for(choice: Choice, limits: Option<SessionPolicy>, apply: bool) -> PolicySetParams {
    let mut params = PolicySetParams {
        applies_to: PolicyFor::UnboundSessions,
        apply_to_live_sessions: apply,
        ..PolicySetParams::default()
    };
    match (choice, limits) {
        (Choice::Strict, _) => params.preset = Some(Preset::Strict),
        (_, Some(limits)) => {
            params.idle_minutes = Some(i64::from(limits.idle_minutes()));
            params.absolute_minutes = Some(i64::from(limits.absolute_minutes()));
        }
        (_, None) => params.clear = true,
    }
    params
}

/// For members: the shorter limits, when there are any.
#[component]
pub(super) fn UnboundSummary(view: PolicyView) -> impl IntoView {
    view.unbound.map(|_| {
        view! {
            <p data-testid="unbound-summary">
                {format!(
                    "In browsers that cannot bind a session to their device: {} without activity, {} at the latest.",
                    duration_words(view.effective_unbound_idle_seconds),
                    duration_words(view.effective_unbound_absolute_seconds),
                )}
            </p>
        }
    })
}

#[component]
pub(super) fn UnboundPolicyForm(
    view: PolicyView,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView {
    let current = RwSignal::new(effective(&view));
    let saved = RwSignal::new(view.unbound.map(minutes_of));
    let others = (view.effective_idle_seconds, view.effective_absolute_seconds);
    let initial = match (view.unbound, view.unbound_preset) {
        (None, _) => Choice::Same,
        (Some(_), Some(Preset::Strict)) => Choice::Strict,
        (Some(_), _) => Choice::Custom,
    };
    let (idle_now, absolute_now) = current.get_untracked();
    let choice = RwSignal::new(initial);
    let idle_text = RwSignal::new(idle_now.to_string());
    let absolute_text = RwSignal::new(absolute_now.to_string());
    let apply_now = RwSignal::new(false);
    let ready = use_hydrated();

    let custom = move || choice.get() == Choice::Custom;
    // `None` is "the same as the others", always valid.
    let parsed = Memo::new(move |_| {
        let limits = match choice.get() {
            Choice::Same => return Ok(None),
            Choice::Strict => Ok(Preset::Strict.policy()),
            Choice::Custom => SessionPolicy::parse(&idle_text.get(), &absolute_text.get()),
        };
        limits
            .and_then(|limits| limits.no_longer_than(others.0, others.1))
            .map(Some)
    });
    let error = move |field: fn(api::PolicyErrors) -> Option<String>| {
        Signal::derive(move || parsed.get().err().and_then(field))
    };
    let idle_error = error(|errors| errors.idle);
    let absolute_error = error(|errors| errors.absolute);
    let unchanged = move || {
        parsed
            .get()
            .is_ok_and(|limits| limits.map(minutes_of) == saved.get())
    };
    let tightens = move || {
        parsed.get().is_ok_and(|limits| {
            limits
                .map(minutes_of)
                .is_some_and(|proposed| shorter(proposed, current.get()))
        })
    };

    let save = use_task(outcome, set_policy, move |_, set| {
        current.set(effective(&set.policy));
        saved.set(set.policy.unbound.map(minutes_of));
        apply_now.set(false);
        Some(saved_words("these limits", "such ", set.sessions_shortened))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(limits) = parsed.get_untracked() else {
            return;
        };
        let apply = apply_now.get_untracked() && tightens();
        save.run(params_for(choice.get_untracked(), limits, apply));
    };

    let bounds = view.bounds;
    view! {
        <form class="policy-form" data-testid="unbound-policy" on:submit=on_submit>
            <fieldset>
                <legend>"In browsers that cannot bind a session to their device"</legend>
                <p class="note">
                    "Chrome binds each session to the device it signed in on, so a copied cookie stops working within minutes. Sessions in other browsers can be kept shorter."
                </p>
                <PolicyRadio group="unbound-limits" id="unbound-same" label="The same as above" hint="" value=Choice::Same choice outcome />
                <PolicyRadio group="unbound-limits" id="unbound-strict" label="Strict" hint=STRICT_HINT value=Choice::Strict choice outcome />
                <PolicyRadio group="unbound-limits" id="unbound-custom" label="Custom" hint="" value=Choice::Custom choice outcome />
            </fieldset>
            <div class="minutes">
                <MinutesField id="unbound-idle" label=IDLE_LABEL range=(bounds.idle_minutes_min, bounds.idle_minutes_max) text=idle_text enabled=Signal::derive(custom) error=idle_error edited=move || outcome.set(None) />
                <MinutesField id="unbound-absolute" label=ABSOLUTE_LABEL range=(bounds.absolute_minutes_min, bounds.absolute_minutes_max) text=absolute_text enabled=Signal::derive(custom) error=absolute_error edited=move || outcome.set(None) />
            </div>
            <Show when=tightens>
                <Checkbox
                    id="unbound-apply-now"
                    label="Also shorten such sessions signed in now"
                    checked=apply_now
                />
            </Show>
            <button
                type="submit"
                class="button primary-inline"
                disabled=move || !ready.get() || parsed.get().is_err() || unchanged() || save.pending().get()
            >
                "Save limits"
            </button>
            {outcome_view(outcome)}
        </form>
    }
}
