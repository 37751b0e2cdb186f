//! Events of the live stream (`GET /api/events`), server to browser.

use serde::{Deserialize, Serialize};

use crate::{RevokeReason, Role, SessionId, Timestamp};

/// One event. On the wire (Server-Sent Events) the variant name is the event
/// name and the fields are its JSON data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// First event of every stream: the session's state, the user's role
    /// now (a page drawn for another role loads again: its role changed
    /// while it loaded, before this stream could say so), and the server's
    /// clock, so the browser can correct for its own clock's offset.
    Session {
        session_id: SessionId,
        role: Role,
        idle_ends_at: Timestamp,
        absolute_ends_at: Timestamp,
        server_time: Timestamp,
    },
    /// Activity (in this tab or another) moved the idle end. Carries the
    /// server's clock so the browser can re-sync its offset.
    SessionUpdated {
        idle_ends_at: Timestamp,
        absolute_ends_at: Timestamp,
        server_time: Timestamp,
    },
    /// The owner changed the account's session policy.
    PolicyUpdated,
    /// An owner made the user an owner or a member: what the page offers
    /// changes with it.
    RoleChanged,
    /// Something was added to the security log the user may read.
    AuditRecorded,
    /// The session was ended; the stream closes after this event.
    SessionRevoked { reason: RevokeReason },
    /// The session reached its end; the stream closes after this event.
    SessionExpired,
}

impl LiveEvent {
    /// The SSE event name.
    pub const fn name(&self) -> &'static str {
        match self {
            LiveEvent::Session { .. } => "session",
            LiveEvent::SessionUpdated { .. } => "session_updated",
            LiveEvent::PolicyUpdated => "policy_updated",
            LiveEvent::RoleChanged => "role_changed",
            LiveEvent::AuditRecorded => "audit_recorded",
            LiveEvent::SessionRevoked { .. } => "session_revoked",
            LiveEvent::SessionExpired => "session_expired",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_tag_is_the_event_name() {
        let events = [
            LiveEvent::PolicyUpdated,
            LiveEvent::SessionExpired,
            LiveEvent::SessionRevoked {
                reason: RevokeReason::TokenReuse,
            },
        ];
        for event in events {
            let json = serde_json::to_value(&event).unwrap();
            assert_eq!(json["type"], event.name());
        }
    }
}
