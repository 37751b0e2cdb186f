//! `GET /api/events`: Server-Sent Events for a signed-in browser session.
//! The first event is the session's state; then whatever its
//! [`ConnectionWatch`] passes on, then its last word, then the end.

use std::convert::Infallible;
use std::time::Duration;

use api::{ApiError, ErrorCode, LiveEvent, Role};
use auth::Credential;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};

use super::registry::LogView;
use super::watch::{ConnectionWatch, Step};
use crate::error::HttpError;
use crate::extract::SignedIn;
use crate::middleware::ClientAddr;
use crate::state::AppState;

/// How often an idle stream sends a comment so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How soon a browser's event stream reconnects after the server ended it
/// (its token was rotated out): the `retry` field of the first event.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

/// The stream's events: `first`, then whatever the watch passes on, then
/// its last event, then the end.
pub fn live_events(first: LiveEvent, watch: ConnectionWatch) -> impl Stream<Item = LiveEvent> {
    stream::once(async move { first }).chain(stream::unfold(Some(watch), |state| async move {
        let mut watch = state?;
        match watch.next().await {
            Step::Pass(event) => Some((event, Some(watch))),
            Step::Close(ending) => ending.last_event().map(|last| (last, None)),
        }
    }))
}

/// What the page that opens the stream wants besides its session's news.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Follow {
    /// `?log=true`: new entries of the security log the user may read.
    #[serde(default)]
    log: bool,
}

/// `GET /api/events`: Server-Sent Events for the signed-in browser session.
pub async fn events(
    State(state): State<AppState>,
    SignedIn(caller): SignedIn,
    address: Option<Extension<ClientAddr>>,
    Query(follow): Query<Follow>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, HttpError> {
    let Credential::Session {
        session_id,
        deadlines,
        ..
    } = caller.credential()
    else {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "The live stream is for browser sessions.",
        )
        .into());
    };
    let first = LiveEvent::Session {
        session_id: session_id.clone(),
        role: caller.me().role,
        idle_ends_at: deadlines.idle_ends_at,
        absolute_ends_at: deadlines.absolute_ends_at,
        server_time: state.auth.now(),
    };
    let address = address.map(|Extension(ClientAddr(ip))| ip);
    let log = follow.log.then_some(match caller.me().role {
        Role::Owner => LogView::Account,
        Role::Member => LogView::Own,
    });
    let watch = ConnectionWatch::start(state.auth.clone(), &state.hub, &caller, address, log)?;
    let mut first_sent = false;
    let stream = live_events(first, watch).map(move |event| {
        let event = sse_event(&event);
        // Tells the browser how soon to reconnect when the stream ends.
        Ok(if std::mem::replace(&mut first_sent, true) {
            event
        } else {
            event.retry(RECONNECT_AFTER)
        })
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

fn sse_event(event: &LiveEvent) -> Event {
    Event::default()
        .event(event.name())
        .json_data(event)
        .unwrap_or_else(|_| Event::default().comment("an event could not be encoded"))
}
