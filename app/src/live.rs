//! The browser's live link to its session (`GET /api/events`): the session's
//! deadlines, the offset between the server's clock and the browser's, news
//! of policy changes, role changes and new security log entries, and being
//! sent to the sign-in page the moment the
//! session ends or is revoked.

use api::messages::{SignInReason, login_after_revoke};
use api::{LiveEvent, Role, Timestamp};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// The live state of this page's session, shared through context.
#[derive(Clone, Copy)]
pub struct Live {
    /// `(idle end, absolute end)`, once the stream has said.
    pub deadlines: RwSignal<Option<(Timestamp, Timestamp)>>,
    /// Server time minus browser time, in milliseconds.
    pub offset_ms: RwSignal<i64>,
    /// Counts policy changes announced by the server (refetch on change).
    pub policy_changes: RwSignal<u32>,
    /// Counts security log entries announced by the server.
    pub audit_entries: RwSignal<u32>,
    /// The user's role as the stream last said, once it has.
    pub role: RwSignal<Option<Role>>,
    /// Set while this page signs itself out, so the session's end is not
    /// reported as a surprise.
    pub leaving: RwSignal<bool>,
}

impl Live {
    /// The server's time now, by the browser's clock corrected by the offset.
    pub fn server_now(&self) -> Timestamp {
        browser_now().plus_millis(self.offset_ms.get_untracked())
    }
}

/// The browser's clock (while rendering on the server, the server's).
pub fn browser_now() -> Timestamp {
    #[cfg(target_arch = "wasm32")]
    {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "milliseconds since 1970 fit in i64"
        )]
        Timestamp::from_millis(js_sys::Date::now() as i64)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp::from_millis(i64::try_from(since.as_millis()).unwrap_or(i64::MAX))
    }
}

/// What a page's live link follows besides its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
    Session,
    /// Also new security log entries (`audit_recorded`): the account's for
    /// an owner, the user's own for a member.
    SessionAndLog,
}

impl Follow {
    fn url(self) -> &'static str {
        match self {
            Follow::Session => "/api/events",
            Follow::SessionAndLog => "/api/events?log=true",
        }
    }
}

/// Creates the live state, provides it, and (in the browser) connects.
pub fn provide_live(follow: Follow) -> Live {
    let live = Live {
        deadlines: RwSignal::new(None),
        offset_ms: RwSignal::new(0),
        policy_changes: RwSignal::new(0),
        audit_entries: RwSignal::new(0),
        role: RwSignal::new(None),
        leaving: RwSignal::new(false),
    };
    provide_context(live);
    Effect::new(move |_| connect(live, follow));
    live
}

pub fn use_live() -> Live {
    expect_context::<Live>()
}

/// Loads the page again when the stream says the user's role is not the
/// one the page was drawn for: a role change that happened while the page
/// loaded, before its stream was there to hear of it.
pub fn reload_if_role_is_not(live: Live, drawn_for: Role) {
    Effect::new(move |_| {
        if live.role.get().is_some_and(|now| now != drawn_for) {
            let _ = window().location().reload();
        }
    });
}

const EVENT_NAMES: [&str; 7] = [
    "session",
    "session_updated",
    "policy_updated",
    "role_changed",
    "audit_recorded",
    "session_revoked",
    "session_expired",
];

fn connect(live: Live, follow: Follow) {
    let Ok(source) = web_sys::EventSource::new(follow.url()) else {
        return;
    };
    let on_event =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(data) = event.data().as_string() {
                handle(live, &data);
            }
        });
    for name in EVENT_NAMES {
        let _ = source.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
    }
    let held = SendWrapper::new((source, on_event));
    on_cleanup(move || held.0.close());
}

fn handle(live: Live, data: &str) {
    let Ok(event) = serde_json::from_str::<LiveEvent>(data) else {
        return;
    };
    if let LiveEvent::Session { role, .. } = &event {
        live.role.set(Some(*role));
    }
    match event {
        LiveEvent::Session {
            idle_ends_at,
            absolute_ends_at,
            server_time,
            ..
        }
        | LiveEvent::SessionUpdated {
            idle_ends_at,
            absolute_ends_at,
            server_time,
        } => {
            live.offset_ms.set(server_time.millis_since(browser_now()));
            live.deadlines.set(Some((idle_ends_at, absolute_ends_at)));
            // Lets people (and browser tests) see the link is up.
            if let Some(body) = document().body() {
                let _ = body.set_attribute("data-live", "connected");
            }
        }

        LiveEvent::PolicyUpdated => live.policy_changes.update(|n| *n += 1),
        LiveEvent::AuditRecorded => live.audit_entries.update(|n| *n += 1),
        // What the page offers depends on the role: load it again.
        LiveEvent::RoleChanged => {
            let _ = window().location().reload();
        }
        LiveEvent::SessionRevoked { reason } => leave(live, login_after_revoke(reason)),
        LiveEvent::SessionExpired => leave(live, SignInReason::SessionExpired.login_path()),
    }
}

fn leave(live: Live, to: &str) {
    if !live.leaving.get_untracked() {
        go_to(to);
    }
}

/// A full page load, so nothing of the ended session stays in memory.
pub fn go_to(url: &str) {
    let _ = window().location().set_href(url);
}
