//! Following a live connection's credential. The event stream and the RPC
//! WebSocket both run on a [`ConnectionWatch`]: it passes on events for the
//! connection and says when and why it must close, with no request needed:
//! at once on a revoke, and by a timer at the session's end.

use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use api::{ApiError, ErrorCode, LiveEvent, RevokeReason, Role, Timestamp};
use auth::{Auth, AuthError, Caller, ConnectionStanding, Credential, Deadlines, TokenHash};
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};

use crate::error::HttpError;
use crate::extract::SignedIn;
use crate::hub::{
    Closed, ConnectionHub, CredentialKey, Inbox, LogView, Notice, Owner, Received, Registration,
    TooMany,
};
use crate::middleware::ClientAddr;
use crate::state::AppState;

/// How often an idle stream sends a comment so proxies keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How long to wait before re-checking a session after a storage error.
const RECHECK_AFTER_ERROR: Duration = Duration::from_secs(5);
/// How soon a browser's event stream reconnects after the server ended it
/// (its token was rotated out): the `retry` field of the first event.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

/// The WebSocket close code for "your credential ended; do not reconnect".
pub const CLOSE_CREDENTIAL_ENDED: u16 = 4001;
/// The WebSocket close code for "reconnect now, with the cookie you hold".
pub const CLOSE_RECONNECT: u16 = 4002;

/// Why a connection ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Revoked(RevokeReason),
    Expired,
    TokenRevoked,
    /// Rotation retired the session token the connection was opened with
    /// (and its grace has passed): the session goes on, under the token
    /// the browser holds now. The client reconnects.
    TokenRotated,
    /// The connection fell too far behind on its events. The client
    /// reconnects and starts from the current state.
    FellBehind,
    /// The user's role changed: what the connection may see and do was
    /// decided for the old one. The client reconnects as the new one.
    RoleChanged,
}

impl Ending {
    /// The last event to send on the stream; none when the client is to
    /// reconnect (an event stream that just ends is reopened by the browser).
    pub fn last_event(self) -> Option<LiveEvent> {
        match self {
            Ending::Revoked(reason) => Some(LiveEvent::SessionRevoked { reason }),
            Ending::Expired => Some(LiveEvent::SessionExpired),
            Ending::TokenRevoked => Some(LiveEvent::SessionRevoked {
                reason: RevokeReason::Revoked,
            }),
            Ending::TokenRotated | Ending::FellBehind | Ending::RoleChanged => None,
        }
    }

    /// The WebSocket close code: final, or reconnect.
    pub fn close_code(self) -> u16 {
        match self {
            Ending::Revoked(_) | Ending::Expired | Ending::TokenRevoked => CLOSE_CREDENTIAL_ENDED,
            Ending::TokenRotated | Ending::FellBehind | Ending::RoleChanged => CLOSE_RECONNECT,
        }
    }

    /// The short reason sent with a WebSocket close frame.
    pub fn close_reason(self) -> &'static str {
        match self {
            Ending::Revoked(_) => "session revoked",
            Ending::Expired => "session expired",
            Ending::TokenRevoked => "token revoked",
            Ending::TokenRotated => "credential rotated, reconnect",
            Ending::FellBehind => "fell behind, reconnect",
            Ending::RoleChanged => "role changed, reconnect",
        }
    }

    /// The ending a refused session means; `None` for other errors.
    pub fn from_refusal(err: &AuthError) -> Option<Self> {
        match err {
            AuthError::SessionExpired => Some(Ending::Expired),
            AuthError::SessionRevoked(reason) => Some(Ending::Revoked(*reason)),
            AuthError::SessionTaken => Some(Ending::Revoked(RevokeReason::TokenReuse)),
            _ => None,
        }
    }
}

/// What happens next on a live connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Pass this event on.
    Pass(LiveEvent),
    /// Close the connection.
    Close(Ending),
}

/// The session a connection follows, the token it was opened with, and
/// when to look at them next.
struct Followed {
    id: api::SessionId,
    token: TokenHash,
    deadlines: Deadlines,
    /// When rotation has retired the token, the end of its grace.
    token_until: Option<Timestamp>,
    /// Set after a failed re-check, to try again before the deadline.
    retry_at: Option<Timestamp>,
}

impl Followed {
    fn check_at(&self) -> Timestamp {
        [self.retry_at, self.token_until]
            .into_iter()
            .flatten()
            .fold(self.deadlines.ends_at(), Timestamp::min)
    }
}

/// One registered live connection and the session it follows.
pub struct ConnectionWatch {
    auth: Auth,
    session: Option<Followed>,
    inbox: Inbox,
    /// Set once the user's role changed: the event is passed on, then the
    /// connection closes.
    role_changed: bool,
    _registration: Registration,
}

impl ConnectionWatch {
    /// Registers a connection of `caller` from `address` with the hub,
    /// following the security log when `log` says so, or says (as the
    /// answer to send) that too many are open already.
    pub fn start(
        auth: Auth,
        hub: &ConnectionHub,
        caller: &Caller,
        address: Option<IpAddr>,
        log: Option<LogView>,
    ) -> Result<Self, HttpError> {
        let (registration, inbox) = hub
            .register(Owner {
                credential: CredentialKey::from(caller.credential()),
                user: caller.me().user_id.clone(),
                account: caller.me().account_id.clone(),
                address,
                log,
            })
            .map_err(|too_many| {
                HttpError(ApiError::new(
                    ErrorCode::RateLimited,
                    match too_many {
                        TooMany::ForCredential => {
                            "Too many live connections are open for this session or token. \
                             Close some tabs or sockets and try again."
                        }
                        TooMany::ForAddress => {
                            "Too many live connections are open from this address. Try again later."
                        }
                    },
                ))
            })?;
        let session = match caller.credential() {
            Credential::Session {
                session_id,
                deadlines,
                token,
                ..
            } => Some(Followed {
                id: session_id.clone(),
                token: token.clone(),
                deadlines: *deadlines,
                token_until: None,
                retry_at: None,
            }),
            Credential::ApiToken { .. } => None,
        };
        Ok(Self {
            auth,
            session,
            inbox,
            role_changed: false,
            _registration: registration,
        })
    }

    /// Waits for the next event or the end. After `Step::Close`, do not call
    /// it again.
    ///
    /// An idle stream holds this future for as long as it waits, so the
    /// re-checks (a database read, several KiB of future) are boxed: they
    /// take their memory only while they run.
    pub async fn next(&mut self) -> Step {
        loop {
            if self.role_changed {
                return Step::Close(Ending::RoleChanged);
            }
            let until_end = self.until_session_end();
            tokio::select! {
                biased;
                received = self.inbox.next() => match received {
                    Received::Closed(why) => return Step::Close(match why {
                        Closed::Session(reason) => Ending::Revoked(reason),
                        Closed::Expired => Ending::Expired,
                        Closed::Token => Ending::TokenRevoked,
                        Closed::Behind => Ending::FellBehind,
                    }),
                    Received::Notice(Notice::Event(event)) => {
                        if let Some(ending) = Box::pin(self.follow(&event)).await {
                            return Step::Close(ending);
                        }
                        return Step::Pass(Arc::unwrap_or_clone(event));
                    }
                    Received::Notice(Notice::Recheck) => {
                        if let Some(ending) = Box::pin(self.recheck()).await {
                            return Step::Close(ending);
                        }
                    }
                },
                () = sleep_for(until_end) => {
                    if let Some(ending) = Box::pin(self.recheck()).await {
                        return Step::Close(ending);
                    }
                }
            }
        }
    }

    fn until_session_end(&self) -> Option<Duration> {
        let check_at = self.session.as_ref()?.check_at();
        Some(self.auth.now().until(check_at))
    }

    /// Keeps the deadlines current as events arrive.
    async fn follow(&mut self, event: &LiveEvent) -> Option<Ending> {
        match event {
            LiveEvent::SessionUpdated {
                idle_ends_at,
                absolute_ends_at,
                ..
            } => {
                if let Some(session) = self.session.as_mut() {
                    session.deadlines = Deadlines {
                        idle_ends_at: *idle_ends_at,
                        absolute_ends_at: *absolute_ends_at,
                    };
                }
                None
            }
            // Applying a policy may have shortened this session.
            LiveEvent::PolicyUpdated => self.recheck().await,
            // What the connection follows (the whole log, or only the
            // user's own) was decided for the old role.
            LiveEvent::RoleChanged => {
                self.role_changed = true;
                None
            }
            _ => None,
        }
    }

    /// Reads the session's state from storage: new deadlines, when its
    /// token stops working, or the end.
    async fn recheck(&mut self) -> Option<Ending> {
        let session = self.session.as_mut()?;
        match session_standing(&self.auth, &session.id, &session.token).await {
            Standing::Holds {
                deadlines,
                token_until,
            } => {
                session.deadlines = deadlines;
                session.token_until = token_until;
                session.retry_at = None;
                None
            }
            Standing::Ends(ending) => Some(ending),
            Standing::Unknown(err) => {
                tracing::warn!(error = %err, "could not re-check a live session; trying again");
                session.retry_at = Some(self.auth.now().plus(RECHECK_AFTER_ERROR));
                None
            }
        }
    }
}

/// Where a live connection bound to a session token stands now.
pub enum Standing {
    /// The session goes on: its deadlines and, once rotation has retired
    /// the connection's token, the end of that token's grace.
    Holds {
        deadlines: Deadlines,
        token_until: Option<Timestamp>,
    },
    /// The connection must end.
    Ends(Ending),
    /// Storage could not tell: ask again later.
    Unknown(AuthError),
}

/// The one re-check of a session-bound live connection: the watch asks it
/// at a deadline or when told to, and the WebSocket before every request.
pub async fn session_standing(
    auth: &Auth,
    session_id: &api::SessionId,
    token: &TokenHash,
) -> Standing {
    match auth.connection_standing(session_id, token).await {
        Ok(ConnectionStanding::Holds {
            deadlines,
            token_until,
        }) => Standing::Holds {
            deadlines,
            token_until,
        },
        Ok(ConnectionStanding::TokenRetired) => Standing::Ends(Ending::TokenRotated),
        Err(err) => match Ending::from_refusal(&err) {
            Some(ending) => Standing::Ends(ending),
            None => Standing::Unknown(err),
        },
    }
}

async fn sleep_for(duration: Option<Duration>) {
    match duration {
        Some(duration) => tokio::time::sleep(duration).await,
        None => std::future::pending().await,
    }
}

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

/// Where the live stream is served.
pub const PATH: &str = "/api/events";

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
