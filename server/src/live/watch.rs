//! Following a live connection's credential. The event stream and the RPC
//! WebSocket both run on a [`ConnectionWatch`]: it passes on events for the
//! connection and says when and why it must close, with no request needed:
//! at once on a revoke, and by a timer at the session's end.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use api::{ApiError, ErrorCode, LiveEvent, Timestamp};
use auth::{Auth, AuthError, Caller, ConnectionStanding, Credential, Deadlines, TokenHash};

use super::ending::Ending;
use super::hub::{ConnectionHub, Inbox, Registration};
use super::mailbox::{Closed, Notice, Received};
use super::registry::{CredentialKey, LogView, Owner, TooMany};
use crate::error::HttpError;

/// How long to wait before re-checking a session after a storage error.
const RECHECK_AFTER_ERROR: Duration = Duration::from_secs(5);

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
