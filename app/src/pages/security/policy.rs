//! The policy card: how long sessions last. The owner picks Strict,
//! Standard or custom minutes, validated as they type by the same function
//! the server uses; members see the policy read-only.

use crate::resources::Loaded;
use api::{PolicySetParams, PolicyView, Preset, SessionPolicy};
use leptos::prelude::*;

use crate::components::{
    Card, Checkbox, Field, Outcome, loaded, outcome_view, use_hydrated, use_task,
};

use super::unbound_policy::{UnboundPolicyForm, UnboundSummary};
use crate::server_fns::set_policy;

/// The radio the owner chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Preset(Preset),
    Custom,
}

#[component]
pub fn PolicyCard(owner: bool, policy: Loaded<PolicyView>) -> impl IntoView {
    // Kept here, not in the forms: a policy change re-creates them, and
    // the result of saving must outlive that.
    let outcome = RwSignal::new(None::<Outcome>);
    let unbound_outcome = RwSignal::new(None::<Outcome>);
    view! {
        <Card id="policy" title="Session policy">
            {loaded(
                policy,
                move |view| {
                    if owner {
                        view! {
                            <PolicyForm view outcome />
                            <UnboundPolicyForm view outcome=unbound_outcome />
                        }
                            .into_any()
                    } else {
                        view! { <PolicySummary view /> }.into_any()
                    }
                },
            )}
        </Card>
    }
}

/// What applies now, in whole minutes.
fn effective(view: &PolicyView) -> (u64, u64) {
    (
        view.effective_idle_seconds / 60,
        view.effective_absolute_seconds / 60,
    )
}

#[component]
fn PolicySummary(view: PolicyView) -> impl IntoView {
    let (idle, absolute) = (view.effective_idle_seconds, view.effective_absolute_seconds);
    let name = match view.preset {
        Some(Preset::Strict) => "Strict",
        Some(Preset::Standard) => "Standard",
        None if view.policy_override.is_some() => "Custom",
        None => "Default",
    };
    view! {
        <p data-testid="policy-summary">
            <strong>{name}</strong>
            {format!(
                ": sessions end after {} without activity, and {} after signing in at the latest.",
                duration_words(idle),
                duration_words(absolute),
            )}
        </p>
        <UnboundSummary view />
        <p class="muted">"Only the account owner can change this."</p>
    }
}

#[component]
fn PolicyForm(view: PolicyView, outcome: RwSignal<Option<Outcome>>) -> impl IntoView {
    let current = RwSignal::new(effective(&view));
    let (idle_now, absolute_now) = current.get_untracked();
    // With no override the defaults apply; they may equal a preset too.
    let initial = view
        .preset
        .or_else(|| {
            let minutes = |m: u64| i64::try_from(m).ok();
            SessionPolicy::new(minutes(idle_now)?, minutes(absolute_now)?)
                .ok()?
                .preset()
        })
        .map_or(Choice::Custom, Choice::Preset);
    let choice = RwSignal::new(initial);
    let idle_text = RwSignal::new(idle_now.to_string());
    let absolute_text = RwSignal::new(absolute_now.to_string());
    let apply_now = RwSignal::new(false);
    let ready = use_hydrated();

    let custom = move || choice.get() == Choice::Custom;
    let parsed = Memo::new(move |_| match choice.get() {
        Choice::Preset(preset) => Ok(preset.policy()),
        Choice::Custom => SessionPolicy::parse(&idle_text.get(), &absolute_text.get()),
    });
    let idle_error = Signal::derive(move || custom().then(|| parsed.get().err()?.idle).flatten());
    let absolute_error =
        Signal::derive(move || custom().then(|| parsed.get().err()?.absolute).flatten());
    let unchanged = move || parsed.get().is_ok_and(|p| minutes_of(p) == current.get());
    let tightens = move || {
        parsed
            .get()
            .is_ok_and(|p| shorter(minutes_of(p), current.get()))
    };

    let save = use_task(outcome, set_policy, move |_, set| {
        current.set(effective(&set.policy));
        apply_now.set(false);
        Some(saved_words("this policy", "", set.sessions_shortened))
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(policy) = parsed.get_untracked() else {
            return;
        };
        let mut params = PolicySetParams {
            apply_to_live_sessions: apply_now.get_untracked() && tightens(),
            ..PolicySetParams::default()
        };
        match choice.get_untracked() {
            Choice::Preset(preset) => params.preset = Some(preset),
            Choice::Custom => {
                params.idle_minutes = Some(i64::from(policy.idle_minutes()));
                params.absolute_minutes = Some(i64::from(policy.absolute_minutes()));
            }
        }
        save.run(params);
    };

    let bounds = view.bounds;
    view! {
        <form class="policy-form" data-testid="session-policy" on:submit=on_submit>
            <fieldset>
                <legend>"How long may people stay signed in?"</legend>
                <PolicyRadio group="preset" id="preset-strict" label="Strict" hint=STRICT_HINT value=Choice::Preset(Preset::Strict) choice outcome />
                <PolicyRadio group="preset" id="preset-standard" label="Standard" hint=" 1 h idle, 24 h at most" value=Choice::Preset(Preset::Standard) choice outcome />
                <PolicyRadio group="preset" id="preset-custom" label="Custom" hint="" value=Choice::Custom choice outcome />
            </fieldset>
            <div class="minutes">
                <MinutesField id="idle" label=IDLE_LABEL range=(bounds.idle_minutes_min, bounds.idle_minutes_max) text=idle_text enabled=Signal::derive(custom) error=idle_error edited=move || outcome.set(None) />
                <MinutesField id="absolute" label=ABSOLUTE_LABEL range=(bounds.absolute_minutes_min, bounds.absolute_minutes_max) text=absolute_text enabled=Signal::derive(custom) error=absolute_error edited=move || outcome.set(None) />
            </div>
            <p class="note">
                "Changes apply to sign-ins from now on; sessions signed in now keep their times."
            </p>
            <Show when=tightens>
                <Checkbox
                    id="apply-now"
                    label="Also shorten sessions signed in now"
                    checked=apply_now
                />
            </Show>
            <button
                type="submit"
                class="button primary-inline"
                disabled=move || !ready.get() || parsed.get().is_err() || unchanged() || save.pending().get()
            >
                "Save policy"
            </button>
            {outcome_view(outcome)}
        </form>
    }
}

/// A policy's two timeouts, in minutes.
pub(super) fn minutes_of(policy: SessionPolicy) -> (u64, u64) {
    (
        u64::from(policy.idle_minutes()),
        u64::from(policy.absolute_minutes()),
    )
}

/// Whether `proposed` (idle, absolute) is shorter than `now` in either.
pub(super) fn shorter(proposed: (u64, u64), now: (u64, u64)) -> bool {
    proposed.0 < now.0 || proposed.1 < now.1
}

/// "Saved. New sign-ins use `what`.", and how many `kind`sessions signed
/// in now were shortened, if any.
pub(super) fn saved_words(what: &str, kind: &str, shortened: u64) -> String {
    let shortened = match shortened {
        0 => String::new(),
        1 => format!(" 1 {kind}session signed in now was shortened."),
        n => format!(" {n} {kind}sessions signed in now were shortened."),
    };
    format!("Saved. New sign-ins use {what}.{shortened}")
}

/// How the Strict preset reads next to its radio.
pub(super) const STRICT_HINT: &str = " 15 min idle, 8 h at most";
pub(super) const IDLE_LABEL: &str = "Idle timeout (minutes)";
pub(super) const ABSOLUTE_LABEL: &str = "Absolute timeout (minutes)";

/// One choice of a policy form; choosing it clears the last outcome.
#[component]
pub(super) fn PolicyRadio<T>(
    group: &'static str,
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    value: T,
    choice: RwSignal<T>,
    outcome: RwSignal<Option<Outcome>>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    view! {
        <div class="radio">
            <input
                type="radio"
                name=group
                id=id
                prop:checked=move || choice.get() == value
                on:change=move |_| {
                    choice.set(value);
                    outcome.set(None);
                }
            />
            <label for=id>{label} <span class="muted">{hint}</span></label>
        </div>
    }
}

/// A minutes input with its label and its inline error.
#[component]
pub(super) fn MinutesField(
    id: &'static str,
    label: &'static str,
    range: (u32, u32),
    text: RwSignal<String>,
    enabled: Signal<bool>,
    error: Signal<Option<String>>,
    edited: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let input_id = format!("{id}-minutes");
    let error_id = format!("{id}-error");
    view! {
        <Field input_id=input_id.clone() label=label>
            <input
                id=input_id
                type="number"
                inputmode="numeric"
                min=range.0
                max=range.1
                prop:value=move || text.get()
                prop:disabled=move || !enabled.get()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    edited();
                }
            />
            <p id=error_id.clone() class="field-error" data-testid=error_id>
                {move || error.get()}
            </p>
        </Field>
    }
}

/// "15 min", "8 h", "1 h 30 min", "30 days", "45 s".
pub(super) fn duration_words(seconds: u64) -> String {
    const MINUTE: u64 = 60;
    const HOUR: u64 = 60 * MINUTE;
    const DAY: u64 = 24 * HOUR;
    if seconds < MINUTE {
        format!("{seconds} s")
    } else if seconds < HOUR {
        format!("{} min", seconds / MINUTE)
    } else if seconds.is_multiple_of(DAY) && seconds >= 2 * DAY {
        format!("{} days", seconds / DAY)
    } else if seconds.is_multiple_of(HOUR) {
        format!("{} h", seconds / HOUR)
    } else {
        format!("{} h {} min", seconds / HOUR, (seconds % HOUR) / MINUTE)
    }
}

#[cfg(test)]
mod tests {
    use super::{duration_words, saved_words};

    #[test]
    fn saving_says_how_many_sessions_were_shortened_only_when_some_were() {
        assert_eq!(
            saved_words("this policy", "", 0),
            "Saved. New sign-ins use this policy."
        );
        assert_eq!(
            saved_words("these limits", "such ", 1),
            "Saved. New sign-ins use these limits. 1 such session signed in now was shortened."
        );
        assert_eq!(
            saved_words("this policy", "", 3),
            "Saved. New sign-ins use this policy. 3 sessions signed in now were shortened."
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_words(45), "45 s");
        assert_eq!(duration_words(15 * 60), "15 min");
        assert_eq!(duration_words(8 * 3600), "8 h");
        assert_eq!(duration_words(24 * 3600), "24 h");
        assert_eq!(duration_words(90 * 60), "1 h 30 min");
        assert_eq!(duration_words(30 * 86_400), "30 days");
    }
}
