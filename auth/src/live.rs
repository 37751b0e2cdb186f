//! What live connections (event streams, WebSockets) must hear of, in the
//! domain's words: a session or a token ended, a session must re-check its
//! credential, an event for a session, a user or an account, a new entry
//! in the security log. The domain says what happened with a
//! [`LiveChange`] and hands it to its [`LiveSink`]; the server decides
//! which connections it reaches, here and on the other instances.
//!
//! Ends are handed over after a revoke commits and before the audit
//! write, so a failing audit write can never leave a connection open.

use api::{AccountId, LiveEvent, RevokeReason, SessionId, Timestamp, TokenId, UserId};
use serde::{Deserialize, Serialize};

use crate::session::Deadlines;

/// One change live connections must hear of. It is small (ids, reasons,
/// an event; never a secret) and serializable, so it travels to the other
/// instances as it is.
///
/// A new kind of change is a variant here and its arm in the server's
/// `ConnectionHub::apply`, which picks the connections it reaches; the
/// change feed, the other instances and the test recorder take it as it
/// is. A new event for the browser is a `LiveEvent` sent with `ToSession`,
/// `ToUser` or `ToAccount`, and needs neither.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveChange {
    /// A session ended: its connections close, saying why.
    SessionEnded {
        session_id: SessionId,
        reason: RevokeReason,
    },
    /// An API token was revoked: the connections made with it close.
    TokenEnded { token_id: TokenId },
    /// Every credential of a user ended: all their connections close.
    UserEnded {
        user_id: UserId,
        reason: RevokeReason,
    },
    /// One of the session's tokens is being retired: its connections
    /// re-check their credential.
    SessionRecheck { session_id: SessionId },
    /// An event for every connection of one session.
    ToSession {
        session_id: SessionId,
        event: LiveEvent,
    },
    /// An event for every connection of one user.
    ToUser { user_id: UserId, event: LiveEvent },
    /// An event for every connection in one account.
    ToAccount {
        account_id: AccountId,
        event: LiveEvent,
    },
    /// A new entry in the account's security log, for the connections that
    /// follow it and may read it: an owner's, of every entry; a member's,
    /// of those done by or to them (`about`).
    AuditRecorded {
        account_id: AccountId,
        about: Vec<UserId>,
    },
}

impl LiveChange {
    /// The session's deadlines are now `deadlines` (`now` on the server's
    /// clock): its pages move their expiry warnings.
    pub fn deadlines_of(session_id: SessionId, deadlines: Deadlines, now: Timestamp) -> Self {
        LiveChange::ToSession {
            session_id,
            event: LiveEvent::SessionUpdated {
                idle_ends_at: deadlines.idle_ends_at,
                absolute_ends_at: deadlines.absolute_ends_at,
                server_time: now,
            },
        }
    }
}

/// Where the domain hands its live changes: the server's change feed (or,
/// in tests, a recorder). Applying a change is idempotent: a connection
/// already closed is not closed again.
pub trait LiveSink: Send + Sync + 'static {
    fn apply(&self, change: LiveChange);
}
