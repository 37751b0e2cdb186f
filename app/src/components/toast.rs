use api::messages;
use api::paths::page;
use api::{EndKind, ExpiryWarning, Timestamp, expiry_warning, remaining, warning_starts_at};
use leptos::prelude::*;
use send_wrapper::SendWrapper;

use crate::live::{Live, use_live};
use crate::server_fns::verify;

/// How often the warning is re-evaluated besides live events.
const RECHECK_MS: u32 = 30_000;
/// Where a dismissed warning's deadline is remembered across reloads.
const DISMISSED_KEY: &str = "latchkey.dismissed-warning";

/// Warns from five minutes before the session ends: amber with "Stay signed
/// in" for the idle end, cyan with "Sign in now" for the absolute end.
/// Dismissed, it stays away for that deadline.
#[component]
pub fn ExpiryToast() -> impl IntoView {
    let live = use_live();
    let tick = RwSignal::new(0_u32);
    let dismissed = RwSignal::new(None::<Timestamp>);
    let stay = Action::new(|(): &()| verify());

    Effect::new(move |_| {
        dismissed.set(read_dismissed());
        let interval =
            gloo_timers::callback::Interval::new(RECHECK_MS, move || tick.update(|t| *t += 1));
        let held = SendWrapper::new(interval);
        on_cleanup(move || drop(held));
    });
    // Also re-evaluate exactly when the warning should start.
    Effect::new(move |_| {
        let Some((idle, absolute)) = live.deadlines.get() else {
            return;
        };
        let wait = warning_starts_at(idle, absolute).millis_since(live.server_now());
        if let Ok(wait) = u32::try_from(wait) {
            let timeout = gloo_timers::callback::Timeout::new(wait.saturating_add(50), move || {
                tick.update(|t| *t += 1);
            });
            let held = SendWrapper::new(timeout);
            on_cleanup(move || drop(held));
        }
    });

    let warning = move || {
        tick.track();
        let (idle, absolute) = live.deadlines.get()?;
        let warning = expiry_warning(idle, absolute, live.server_now())?;
        (dismissed.get() != Some(warning.ends_at)).then_some(warning)
    };
    let dismiss = move |ends_at: Timestamp| {
        dismissed.set(Some(ends_at));
        write_dismissed(ends_at);
    };
    view! {
        {move || warning().map(|warning| toast(live, warning, stay, dismiss))}
    }
}

fn toast(
    live: Live,
    warning: ExpiryWarning,
    stay: Action<(), Result<api::Verified, api::ApiError>>,
    dismiss: impl Fn(Timestamp) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let when = remaining(warning.ends_at, live.server_now());
    let (class, text, action) = match warning.kind {
        EndKind::Idle => (
            "toast warning",
            messages::IDLE_WARNING.replace("{when}", &when),
            view! {
                <button
                    type="button"
                    class="button"
                    disabled=move || stay.pending().get()
                    on:click=move |_| {
                        stay.dispatch(());
                    }
                >
                    {messages::STAY_SIGNED_IN}
                </button>
            }
            .into_any(),
        ),
        EndKind::Absolute => (
            "toast info",
            messages::ABSOLUTE_WARNING.replace("{when}", &when),
            view! {
                <a class="button" href=page::LOGIN rel="external">
                    {messages::SIGN_IN_NOW}
                </a>
            }
            .into_any(),
        ),
    };
    view! {
        <div class=class role="alert" data-testid="expiry-toast">
            <p>{text}</p>
            <div class="toast-actions">
                {action}
                <button
                    type="button"
                    class="toast-dismiss"
                    aria-label="Dismiss"
                    on:click=move |_| dismiss(warning.ends_at)
                >
                    "×"
                </button>
            </div>
        </div>
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn read_dismissed() -> Option<Timestamp> {
    let raw = storage()?.get_item(DISMISSED_KEY).ok()??;
    raw.parse().ok().map(Timestamp::from_millis)
}

fn write_dismissed(ends_at: Timestamp) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(DISMISSED_KEY, &ends_at.as_millis().to_string());
    }
}
