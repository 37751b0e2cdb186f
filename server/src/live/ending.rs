//! Why a live connection ends, and what it says last: the event stream's
//! last event, or the WebSocket's close code and reason.

use api::{LiveEvent, RevokeReason};
use auth::AuthError;

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
